package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public conformance endpoints over HTTP (HAPI's RestfulServer as the intake runs it): the FHIR package's resources
 * read without a token, ValueSet/$validate-code and ConceptMap/$translate, and /metadata naming the profiles and the
 * SMART security service. Everything else still needs a token.
 */
class ConformanceHttpTest {

    private static final String BASE = FhirPackage.CANONICAL;
    private static FhirServerHarness server;
    private static FhirPackage pkg;

    @BeforeAll
    static void start() throws Exception {
        server = new FhirServerHarness();
        pkg = ProfileValidation.shared().fhirPackage();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<String> everyResource() {
        return ProfileValidation.shared().fhirPackage().resources().stream().filter(r -> PublicConformance.TYPES.contains(r.fhirType()))
                .map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyResource")
    void everyConformanceResourceOfThePackageIsServedWithoutAToken(String path) throws Exception {
        HttpResponse<String> response = server.get("/" + path, null);
        assertEquals(200, response.statusCode(), response.body());
        MetadataResource served = (MetadataResource) Samples.FHIR.newJsonParser().parseResource(response.body());
        MetadataResource packaged = pkg.byId(path.substring(0, path.indexOf('/')), path.substring(path.indexOf('/') + 1)).orElseThrow();
        assertEquals(packaged.getUrl(), served.getUrl());
        assertTrue(packaged.copy().setMeta(null).equalsDeep(((Resource) served.copy()).setMeta(null)), path + " as the package has it");
        assertNull(served.getMeta().getSecurity(FhirSystems.CONFIDENTIALITY, "R"), "published, not labelled restricted");
    }

    @Test
    void anIdThePackageDoesNotHaveIs404AndTasksStillNeedAToken() throws Exception {
        assertEquals(404, server.get("/StructureDefinition/no-such-profile", null).statusCode());
        assertEquals(401, server.get("/Task/5b0c6f8e-4d1a-4f57-9c62-2f0e6a1d9b37", null).statusCode());
        assertEquals(401, server.post("/$process-message", null, Samples.json(Samples.fresh("t76-52xa-suspected.json"))).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"T76.52XA", "T74.62XA", "Z04.81"})
    void validateCodeSaysATraffickingCodeIsInTheFindingsValueSet(String code) throws Exception {
        Parameters out = parameters(server.get("/ValueSet/$validate-code?url=" + enc(BASE + "/ValueSet/trafficking-findings")
                + "&system=" + enc("http://hl7.org/fhir/sid/icd-10-cm") + "&code=" + enc(code), null));
        assertTrue(((BooleanType) out.getParameter("result").getValue()).booleanValue(), code);
    }

    @Test
    void validateCodeSaysAnotherCodeIsNotAndAnswersOnTheInstanceToo() throws Exception {
        Parameters out = parameters(server.get("/ValueSet/trafficking-findings/$validate-code?system="
                + enc("http://hl7.org/fhir/sid/icd-10-cm") + "&code=J45.909", null));
        assertFalse(((BooleanType) out.getParameter("result").getValue()).booleanValue());
        assertFalse(out.getParameter("message").getValue().primitiveValue().contains("J45.909"), "names the value set, not the code");
        Parameters flag = parameters(server.get("/ValueSet/flag-safety/$validate-code?system="
                + enc("http://terminology.hl7.org/CodeSystem/flag-category") + "&code=safety", null));
        assertTrue(((BooleanType) flag.getParameter("result").getValue()).booleanValue());
        assertEquals(404, server.get("/ValueSet/$validate-code?url=" + enc("http://example.org/ValueSet/x") + "&system=s&code=c", null).statusCode());
        assertEquals(400, server.get("/ValueSet/$validate-code?url=" + enc(BASE + "/ValueSet/trafficking-findings"), null).statusCode());
    }

    @Test
    void validateCodeByPostWithACoding() throws Exception {
        Parameters in = new Parameters();
        in.addParameter().setName("url").setValue(new org.hl7.fhir.r4.model.UriType(BASE + "/ValueSet/trafficking-findings"));
        in.addParameter().setName("coding").setValue(new Coding(FhirSystems.HT_ALLEGATION, "survival-sex", null));
        Parameters out = parameters(server.post("/ValueSet/$validate-code", null, Samples.FHIR.newJsonParser().encodeResourceToString(in)));
        assertTrue(((BooleanType) out.getParameter("result").getValue()).booleanValue());
    }

    @Test
    void translateReadsAnIcd10CodeAsTheIntakeDoes() throws Exception {
        Parameters out = parameters(server.get("/ConceptMap/$translate?url=" + enc(BASE + "/ConceptMap/icd10cm-to-ht-allegation")
                + "&system=" + enc("http://hl7.org/fhir/sid/icd-10-cm") + "&code=T76.52XA", null));
        assertTrue(((BooleanType) out.getParameter("result").getValue()).booleanValue());
        List<Parameters.ParametersParameterComponent> matches = out.getParameter().stream().filter(p -> p.getName().equals("match")).toList();
        assertEquals(1, matches.size());
        Coding concept = (Coding) part(matches.get(0), "concept").getValue();
        assertEquals(FhirSystems.HT_ALLEGATION + "|sex-trafficking", concept.getSystem() + "|" + concept.getCode());
        Coding certainty = (Coding) part(part(matches.get(0), "product"), "concept").getValue();
        assertEquals("suspected", certainty.getCode());
        assertEquals(BASE + "/ConceptMap/icd10cm-to-ht-allegation", part(matches.get(0), "source").getValue().primitiveValue());
    }

    @Test
    void translateWithoutAMapFindsTheMapsOfTheCodesSystem() throws Exception {
        Parameters out = parameters(server.get("/ConceptMap/$translate?system=" + enc("http://hl7.org/fhir/sid/icd-10-cm") + "&code=Y07.12", null));
        assertTrue(((BooleanType) out.getParameter("result").getValue()).booleanValue(), Samples.FHIR.newJsonParser().encodeResourceToString(out));
        Parameters none = parameters(server.get("/ConceptMap/icd10cm-to-ht-allegation/$translate?system=" + enc("http://hl7.org/fhir/sid/icd-10-cm")
                + "&code=J45.909", null));
        assertFalse(((BooleanType) none.getParameter("result").getValue()).booleanValue());
    }

    @Test
    void metadataNamesTheProfilesAndTheSmartService() throws Exception {
        HttpResponse<String> response = server.get("/metadata", null);
        assertEquals(200, response.statusCode());
        CapabilityStatement cs = Samples.FHIR.newJsonParser().parseResource(CapabilityStatement.class, response.body());
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.getRestFirstRep();
        assertTrue(rest.getSecurity().getService().stream().anyMatch(s -> s.hasCoding("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR")));
        assertTrue(cs.hasInstantiates(BASE + "/CapabilityStatement/intake"));
        assertTrue(rest.getResource().stream().noneMatch(r -> r.getType().equals("Patient") || r.getType().equals("Condition")),
                "no resource the server does not serve (no personal data)");
        for (String[] expected : new String[][] {{"Bundle", "screening-report"}, {"Task", "referral-task"}}) {
            CapabilityStatement.CapabilityStatementRestResourceComponent resource = rest.getResource().stream()
                    .filter(r -> r.getType().equals(expected[0])).findFirst().orElseThrow(() -> new AssertionError(expected[0]));
            assertTrue(resource.getSupportedProfile().stream().anyMatch(p -> p.getValue().equals(BASE + "/StructureDefinition/" + expected[1])),
                    expected[0] + " " + resource.getSupportedProfile());
        }
        // what HAPI generated from the providers is still there: the Task read, the package's reads and operations
        assertTrue(rest.getResource().stream().anyMatch(r -> r.getType().equals("ValueSet")
                && r.getOperation().stream().anyMatch(o -> o.getName().equals("validate-code"))), response.body());
        assertTrue(rest.getResource().stream().anyMatch(r -> r.getType().equals("ConceptMap")
                && r.getOperation().stream().anyMatch(o -> o.getName().equals("translate"))), response.body());
        assertTrue(rest.getOperation().stream().anyMatch(o -> o.getName().equals("aggregate-counts")), "the auditor's operation: " + response.body());
    }

    private static Parameters parameters(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return Samples.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
    }

    private static Parameters.ParametersParameterComponent part(Parameters.ParametersParameterComponent p, String name) {
        return p.getPart().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

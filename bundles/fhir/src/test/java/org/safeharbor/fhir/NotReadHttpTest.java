package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.json.v1.ReferralJson;

/**
 * A hospital's EHR may send the child's other diagnoses and flags beside the finding. The profiles do not read them
 * (trafficking-finding, safety-flag: extensible bindings): the submission is accepted with a warning naming each, and
 * nothing of them reaches the canonical referral (the minimum necessary). Alone, they are no report: refused.
 */
class NotReadHttpTest {

    private static FhirServerHarness server;

    @BeforeAll
    static void start() throws Exception {
        server = new FhirServerHarness();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aSamplePlusAnUnrelatedDiagnosisIsAcceptedWithAWarningAndTheDiagnosisIsNotForwarded() throws Exception {
        Bundle bundle = Samples.fresh("t76-52xa-suspected.json");
        about(bundle, new Condition().setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "J45.909", "Asthma")))
                .setVerificationStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null))));
        about(bundle, new Flag().setStatus(Flag.FlagStatus.ACTIVE)
                .addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/flag-category", "admin", null)))
                .setCode(new CodeableConcept().setText("Interpreter needed")));
        int before = server.handedOver.size();

        HttpResponse<String> response = server.post("/$process-message", TestTokens.HOSPITAL_A, Samples.json(bundle));

        assertEquals(202, response.statusCode(), response.body());
        OperationOutcome outcome = Samples.FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        List<OperationOutcome.OperationOutcomeIssueComponent> warnings = outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING).toList();
        OperationOutcome.OperationOutcomeIssueComponent diagnosis = warnings.stream()
                .filter(i -> i.getExpression().get(0).getValue().equals("Bundle.entry[7].resource.code.coding[0].code")).findFirst()
                .orElseThrow(() -> new AssertionError(response.body()));
        assertTrue(diagnosis.getDiagnostics().contains("https://fhir.safeharbor-bridge.org/ValueSet/trafficking-findings"), diagnosis.getDiagnostics());
        assertTrue(diagnosis.getDiagnostics().contains("not read and not forwarded"), diagnosis.getDiagnostics());
        assertTrue(warnings.stream().anyMatch(i -> i.getExpression().get(0).getValue().equals("Bundle.entry[8].resource.category[0].coding[0].code")
                && i.getDiagnostics().contains("https://fhir.safeharbor-bridge.org/ValueSet/flag-safety")), response.body());
        assertFalse(response.body().contains("J45.909") || response.body().contains("Interpreter"), "the answer quotes nothing sent: " + response.body());

        assertEquals(before + 1, server.handedOver.size());
        String canonical = ReferralJson.INSTANCE.write(server.handedOver.get(before));
        assertTrue(canonical.contains("T76.52XA"), canonical);
        assertFalse(canonical.contains("J45.909") || canonical.contains("Asthma"), "the unrelated diagnosis is not forwarded: " + canonical);
        assertFalse(canonical.contains("Interpreter") || canonical.contains("admin"), "the other Flag is not forwarded: " + canonical);
    }

    @Test
    void anUnrelatedDiagnosisAloneIsNoReport() throws Exception {
        Bundle bundle = Samples.fresh("t76-52xa-suspected.json");
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Condition.class::isInstance).map(Condition.class::cast)
                .forEach(c -> c.setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "J45.909", null))));
        int before = server.handedOver.size();

        HttpResponse<String> response = server.post("/$process-message", TestTokens.HOSPITAL_A, Samples.json(bundle));

        assertEquals(422, response.statusCode(), response.body());
        OperationOutcome outcome = Samples.FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertEquals("Bundle.entry[1].resource.code.coding[0].code", outcome.getIssueFirstRep().getExpression().get(0).getValue());
        assertTrue(outcome.getIssueFirstRep().getDiagnostics().contains("shb-rep-1"), response.body());
        assertEquals(before, server.handedOver.size(), "nothing handed over");
    }

    @Test
    void aFlagOfAnotherCategoryAloneIsNoReport() throws Exception {
        Bundle bundle = Samples.fresh("flag-only.json");
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Flag.class::isInstance).map(Flag.class::cast)
                .forEach(f -> f.getCategoryFirstRep().getCodingFirstRep().setCode("clinical"));

        HttpResponse<String> response = server.post("/$process-message", TestTokens.HOSPITAL_A, Samples.json(bundle));

        assertEquals(422, response.statusCode(), response.body());
        OperationOutcome outcome = Samples.FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertEquals("Bundle.entry[1].resource.category[0].coding[0].code", outcome.getIssueFirstRep().getExpression().get(0).getValue());
    }

    /** Adds a resource about the sample's child. */
    private static void about(Bundle bundle, org.hl7.fhir.r4.model.DomainResource resource) {
        String child = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow().getFullUrl();
        if (resource instanceof Condition c) {
            c.setSubject(new Reference(child));
        } else if (resource instanceof Flag f) {
            f.setSubject(new Reference(child));
        }
        bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(resource);
    }
}

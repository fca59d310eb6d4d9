package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.fhir.SubmissionReaderTest.summary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.EvidenceReference;
import org.safeharbor.mappings.MappingResources;

/**
 * Screening instruments as data: each instrument is a Questionnaire and a scoring rule in mappings/ (or a site's
 * etc/safeharbor/mappings/), and a response to any other questionnaire is refused, never ignored.
 */
class ScreeningInstrumentsTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String LOCAL = "https://ehr.test.example.org/fhir/CodeSystem/local-screen";

    static SubmissionReader reader;

    @BeforeAll
    static void load() {
        reader = reader(AllegationMaps.load(FHIR));
    }

    @AfterEach
    void noOverride() {
        System.clearProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
    }

    static SubmissionReader reader(AllegationMaps maps) {
        return new SubmissionReader(maps, Clock.fixed(SubmissionReaderTest.NOW, ZoneOffset.UTC));
    }

    static Submission read(SubmissionReader reader, TestBundles b) {
        Bundle bundle = b.build();
        return reader.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
    }

    static UnprocessableEntityException refused(SubmissionReader reader, TestBundles b) {
        return assertThrows(UnprocessableEntityException.class, () -> read(reader, b));
    }

    static QuestionnaireResponse response(TestBundles b, String questionnaire) {
        QuestionnaireResponse response = new QuestionnaireResponse().setQuestionnaire(questionnaire)
                .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED).setSubject(TestBundles.ref(b.patient));
        b.add(response);
        return response;
    }

    static String diagnostics(UnprocessableEntityException e) {
        return ((org.hl7.fhir.r4.model.OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics();
    }

    /** Loads the maps with files written to a fresh override directory, as a site would put them in etc/. */
    static AllegationMaps withOverrides(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        System.setProperty(MappingResources.OVERRIDE_DIR_PROPERTY, dir.toString());
        try {
            return AllegationMaps.load(FHIR);
        } finally {
            System.clearProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
        }
    }

    static String packaged(String file) throws IOException {
        try (InputStream in = MappingResources.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ an unknown questionnaire is refused

    @Test
    void responseToAnUnknownQuestionnaireIsRefusedNamingItAndHowToAddOne() {
        // beside a clinician's suspicion too: the hospital must learn that its screen reached no one
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        response(b, "https://ehr.test.example.org/fhir/Questionnaire/phq-a|3").addItem().setLinkId("1").addAnswer()
                .setValue(new BooleanType(true));
        UnprocessableEntityException e = refused(reader, b);
        assertEquals(422, e.getStatusCode());
        assertTrue(Refusals.element(e).matches("Bundle\\.entry\\[\\d+]\\.resource\\.questionnaire"), Refusals.element(e));
        String message = diagnostics(e);
        assertFalse(message.contains("phq-a"), "the refusal names the element, never the value the hospital sent: " + message);
        assertTrue(message.contains(FhirSystems.SSCST_QUESTIONNAIRE) && message.contains(FhirSystems.FL_HTST_QUESTIONNAIRE), message);
        assertTrue(message.contains("etc/safeharbor/mappings/") && message.contains("ScreeningRule"), message);
    }

    @Test
    void responseThatNamesNoQuestionnaireIsRefused() {
        TestBundles b = TestBundles.message();
        response(b, null);
        UnprocessableEntityException e = refused(reader, b);
        assertTrue(Refusals.element(e).endsWith(".questionnaire"), Refusals.element(e));
        assertTrue(diagnostics(e).contains("does not say which questionnaire"), diagnostics(e));
    }

    @Test
    void aVersionedCanonicalIsTheInstrumentItNames() {
        TestBundles b = TestBundles.message();
        b.sscst(true, true, false, false, false, false).setQuestionnaire(FhirSystems.SSCST_QUESTIONNAIRE + "|1.0.0");
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(read(reader, b).referral()));
    }

    @Test
    void aKnownInstrumentWithNoScoredAnswerIsNamedBackNotSilentlyDropped() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        QuestionnaireResponse sscst = b.sscst();
        sscst.addItem().setLinkId("7").addAnswer().setValue(new BooleanType(true));
        Submission submission = read(reader, b);
        assertTrue(submission.warnings().stream().anyMatch(w -> w.contains("answers none of the items") && w.contains(FhirSystems.SSCST_QUESTIONNAIRE)),
                submission.warnings().toString());

        TestBundles alone = TestBundles.message();
        alone.cseIt("cse-it-clear-concern").getItemFirstRep().setLinkId("final-score");
        UnprocessableEntityException e = refused(reader, alone);
        assertTrue(diagnostics(e).contains("no answer to 'level-of-concern'"), diagnostics(e));
    }

    // ------------------------------------------------------------------ the shipped instruments

    @Test
    void sscstAnswersNestedUnderAGroupAndCodedYesAnswersCount() {
        TestBundles b = TestBundles.message();
        QuestionnaireResponse response = response(b, FhirSystems.SSCST_QUESTIONNAIRE);
        QuestionnaireResponse.QuestionnaireResponseItemComponent group = response.addItem().setLinkId("screen");
        group.addItem().setLinkId("2").addAnswer().setValue(new Coding("http://loinc.org", "LA33-6", "Yes"));
        group.addItem().setLinkId("5").addAnswer().setValue(new Coding("http://ehr.example.org/yn", "Y", null));
        group.addItem().setLinkId("6").addAnswer().setValue(new Coding("http://loinc.org", "LA32-8", "No"));
        Submission submission = read(reader, b);
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(submission.referral()));
        assertEquals("sscst-positive", submission.referral().allegations().get(0).evidence().get(0).code());
    }

    @Test
    void floridaHtstIndicatorsAreRiskSignalsOfTheirOwnType() {
        TestBundles b = TestBundles.message();
        QuestionnaireResponse.QuestionnaireResponseItemComponent determination = response(b, FhirSystems.FL_HTST_QUESTIONNAIRE)
                .addItem().setLinkId("determination");
        determination.addAnswer().setValue(new Coding(TestBundles.SCREENING, "fl-htst-sex-trafficking-indicated", null));
        determination.addAnswer().setValue(new Coding(TestBundles.SCREENING, "fl-htst-labor-trafficking-indicated", null));
        Submission submission = read(reader, b);
        assertEquals(List.of("labor-trafficking/at-risk/unknown/not-applicable", "sex-trafficking/at-risk/unknown/not-applicable"),
                summary(submission.referral()));
        assertFalse(submission.referral().hasReportableAllegation(), "a screen is a risk signal, not an allegation");
        assertEquals(Set.of("fl-htst-sex-trafficking-indicated", "fl-htst-labor-trafficking-indicated"),
                Set.copyOf(submission.referral().allegations().stream().flatMap(a -> a.evidence().stream()).map(EvidenceReference::code).toList()));
    }

    @Test
    void floridaHtstWithoutIndicatorsIsNoFinding() {
        TestBundles b = TestBundles.message();
        response(b, FhirSystems.FL_HTST_QUESTIONNAIRE).addItem().setLinkId("determination").addAnswer()
                .setValue(new Coding(TestBundles.SCREENING, "fl-htst-not-indicated", null));
        assertEquals("Bundle.entry", Refusals.element(refused(reader, b)));
    }

    @Test
    void floridaHtstResultObservationIsReadThroughItsRule() {
        TestBundles b = TestBundles.message();
        b.screeningResult("fl-htst", "fl-htst-labor-trafficking-indicated", Observation.ObservationStatus.FINAL);
        assertEquals(List.of("labor-trafficking/at-risk/unknown/not-applicable"), summary(read(reader, b).referral()));
    }

    /** A screening Observation's value never becomes an allegation, even when a clinician's code is put there. */
    @Test
    void aScreeningResultObservationIsAtMostAtRiskWhateverItsValue() {
        TestBundles b = TestBundles.message();
        Observation observation = b.screeningResult("sscst", "sscst-positive", Observation.ObservationStatus.FINAL);
        observation.setValue(new CodeableConcept(new Coding(TestBundles.ICD10CM, "T76.52XA", null)));
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(read(reader, b).referral()));
    }

    /** The shipped rules and the screening ConceptMap say the same thing about every result they both know. */
    @Test
    void shippedRulesAgreeWithTheScreeningConceptMap() throws IOException {
        ConceptMap map = FHIR.newJsonParser().parseResource(ConceptMap.class, packaged(MappingResources.CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION));
        Map<String, String> mapped = new HashMap<>();
        for (ConceptMap.SourceElementComponent e : map.getGroupFirstRep().getElement()) {
            ConceptMap.TargetElementComponent t = e.getTargetFirstRep();
            mapped.put(e.getCode(), t.getEquivalence() == ConceptMapEquivalence.UNMATCHED ? "none"
                    : t.getCode() + " " + t.getProductFirstRep().getValue());
        }
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        for (String file : MappingResources.SCREENING_RULE_FILE_NAMES) {
            for (var outcome : json.readTree(packaged(file)).path("outcomes")) {
                var result = outcome.has("result") ? outcome.path("result") : outcome.path("answer");
                assertEquals(TestBundles.SCREENING, result.path("system").asText(), file);
                String said = outcome.has("allegation") ? outcome.path("allegation").asText() + " " + outcome.path("certainty").asText() : "none";
                assertEquals(mapped.get(result.path("code").asText()), said, file + ": " + result.path("code").asText());
                checked++;
            }
        }
        assertEquals(mapped.size(), checked, "every result of the ConceptMap has its rule outcome");
    }

    // ------------------------------------------------------------------ a site adds an instrument without code

    static final String SITE_QUESTIONNAIRE = """
            {"resourceType": "Questionnaire", "url": "https://ehr.test.example.org/fhir/Questionnaire/local-screen",
             "identifier": [{"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.840.1.113883.3.9999.7"}],
             "status": "active", "code": [{"system": "%s", "code": "local-screen"}],
             "item": [{"linkId": "a", "type": "boolean"}, {"linkId": "b", "type": "boolean"}, {"linkId": "c", "type": "boolean"}]}
            """.formatted(LOCAL);

    static final String SITE_RULE = """
            {"questionnaire": "https://ehr.test.example.org/fhir/Questionnaire/local-screen",
             "source": "the site's own screen", "description": "positive at one 'yes'",
             "count": {"items": ["a", "b", "c"], "answers": [{"boolean": true}]},
             "outcomes": [
               {"atLeast": 1, "result": {"system": "%s", "code": "local-positive"}, "allegation": "labor-trafficking", "certainty": "at-risk"},
               {"atLeast": 0, "result": {"system": "%s", "code": "local-negative"}}]}
            """.formatted(LOCAL, LOCAL);

    @Test
    void aSiteAddsAnInstrumentWithTwoFilesAndNoCode(@TempDir Path etc) throws IOException {
        SubmissionReader site = reader(withOverrides(etc, Map.of(
                "Questionnaire-local-screen.json", SITE_QUESTIONNAIRE, "ScreeningRule-local-screen.json", SITE_RULE)));

        TestBundles b = TestBundles.message();
        response(b, "https://ehr.test.example.org/fhir/Questionnaire/local-screen").addItem().setLinkId("b").addAnswer()
                .setValue(new BooleanType(true));
        Submission submission = read(site, b);
        assertEquals(List.of("labor-trafficking/at-risk/unknown/not-applicable"), summary(submission.referral()));
        Allegation screen = submission.referral().allegations().get(0);
        assertEquals(new EvidenceReference(screen.evidence().get(0).reference(), LOCAL, "local-positive"), screen.evidence().get(0));

        // the EHR's other name for it (an identifier of the Questionnaire), and its result Observation
        TestBundles byAlias = TestBundles.message();
        response(byAlias, "urn:oid:2.16.840.1.113883.3.9999.7").addItem().setLinkId("a").addAnswer().setValue(new BooleanType(true));
        assertEquals(List.of("labor-trafficking/at-risk/unknown/not-applicable"), summary(read(site, byAlias).referral()));
        TestBundles observed = TestBundles.message();
        observed.add(new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding(LOCAL, "local-screen", null)))
                .setValue(new CodeableConcept(new Coding(LOCAL, "local-positive", null))).setSubject(TestBundles.ref(observed.patient)));
        assertEquals(List.of("labor-trafficking/at-risk/unknown/not-applicable"), summary(read(site, observed).referral()));

        // without the site's files, the same response is refused, naming the element that holds its questionnaire
        UnprocessableEntityException withoutFiles = refused(reader, b);
        assertTrue(Refusals.element(withoutFiles).endsWith(".questionnaire"), Refusals.element(withoutFiles));
    }

    @Test
    void aSiteCopyOfAShippedQuestionnaireAddsTheUrlItsEhrUses(@TempDir Path etc) throws IOException {
        Questionnaire sscst = FHIR.newJsonParser().parseResource(Questionnaire.class, packaged(MappingResources.QUESTIONNAIRE_SSCST));
        sscst.addIdentifier().setSystem(ScreeningInstruments.URI_IDENTIFIER).setValue("https://ehr.test.example.org/fhir/Questionnaire/sscst-v2");
        SubmissionReader site = reader(withOverrides(etc, Map.of(MappingResources.QUESTIONNAIRE_SSCST, FHIR.newJsonParser().encodeResourceToString(sscst))));
        TestBundles b = TestBundles.message();
        b.sscst(true, false, true, false, false, false).setQuestionnaire("https://ehr.test.example.org/fhir/Questionnaire/sscst-v2");
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(read(site, b).referral()));
        assertThrows(UnprocessableEntityException.class, () -> read(reader, b), "not without the site's copy");
    }

    // ------------------------------------------------------------------ a rule that is wrong stops the load

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"suspected", "confirmed", "ruled-out"})
    void aRuleThatMakesAScreenMoreThanARiskSignalIsRefusedAtLoad(String certainty, @TempDir Path etc) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> withOverrides(etc,
                Map.of("ScreeningRule-cse-it.json", packaged(MappingResources.SCREENING_RULE_CSE_IT).replaceFirst("\"at-risk\"", "\"" + certainty + "\""))));
        assertTrue(e.getMessage().startsWith("ScreeningRule-cse-it.json: certainty '" + certainty + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("never an allegation"), e.getMessage());
    }

    static List<UnaryOperator<String>> brokenRules() {
        return List.of(
                rule -> rule.replace("\"b\"", "\"q9\""),                                       // an item the Questionnaire lacks
                rule -> rule.replace("Questionnaire/local-screen\"", "Questionnaire/other\""),  // no such Questionnaire
                rule -> rule.replace("\"labor-trafficking\"", "\"sextortion\""),               // not an allegation type
                rule -> rule.replace("\"atLeast\": 0", "\"atLeast\": 1"),                       // two outcomes for one count
                rule -> rule.replace("\"outcomes\"", "\"outcome\""));                          // a misspelt field
    }

    @Test
    void aRuleThatDoesNotFitItsQuestionnaireIsRefusedAtLoadNamingTheFile(@TempDir Path etc) throws IOException {
        int n = 0;
        for (UnaryOperator<String> broken : brokenRules()) {
            Path dir = Files.createDirectory(etc.resolve("case-" + n++));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> withOverrides(dir, Map.of(
                    "Questionnaire-local-screen.json", SITE_QUESTIONNAIRE, "ScreeningRule-local-screen.json", broken.apply(SITE_RULE))));
            assertTrue(e.getMessage().startsWith("ScreeningRule-local-screen.json: "), e.getMessage());
        }
    }

    @Test
    void twoInstrumentsClaimingOneUrlAreRefusedAtLoad(@TempDir Path etc) {
        String clash = SITE_QUESTIONNAIRE.replace("urn:oid:2.16.840.1.113883.3.9999.7", FhirSystems.SSCST_QUESTIONNAIRE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> withOverrides(etc, Map.of(
                "Questionnaire-local-screen.json", clash, "ScreeningRule-local-screen.json", SITE_RULE)));
        assertTrue(e.getMessage().contains(FhirSystems.SSCST_QUESTIONNAIRE), e.getMessage());
    }
}

package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Address.AddressUse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.mappings.MappingResources;

/** The reading rules of the intake, without HTTP: codes to allegations, perpetrator, jurisdictions, refusals. */
class SubmissionReaderTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    /** The samples are dated 2026-11-21; every age is checked on that day. */
    static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    static AllegationMaps maps;
    static SubmissionReader reader;

    @BeforeAll
    static void loadMaps() {
        maps = AllegationMaps.load(FHIR);
        reader = new SubmissionReader(maps, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    // ------------------------------------------------------------------ helpers

    /** Reads as $process-message does, with the JSON bytes as the raw submission. */
    static Submission read(Bundle bundle) {
        return reader.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
    }

    static Submission read(TestBundles b) {
        return read(b.build());
    }

    /** "type/certainty/perpetrator/caregiverRole" of each allegation, sorted, so duplicates would show. */
    static List<String> summary(Referral referral) {
        return referral.allegations().stream().map(SubmissionReaderTest::summary).sorted().toList();
    }

    static String summary(Allegation a) {
        return a.type().code() + "/" + a.certainty().code() + "/" + a.perpetrator().code() + "/" + a.caregiverRole().code();
    }

    static List<String> jurisdictions(Referral referral) {
        return referral.jurisdictions().stream().map(Jurisdiction::code).toList();
    }

    static <E extends BaseServerResponseException> E refused(Class<E> type, int status, Bundle bundle, boolean messageOnly) {
        E e = assertThrows(type, () -> reader.read(bundle, messageOnly, Samples.json(bundle).getBytes(StandardCharsets.UTF_8)));
        assertEquals(status, e.getStatusCode());
        return e;
    }

    static UnprocessableEntityException unprocessable(TestBundles b) {
        return refused(UnprocessableEntityException.class, 422, b.build(), true);
    }

    // ------------------------------------------------------------------ every sample gives its referral

    /** What a sample must become: allegations as "type/certainty/perpetrator/role", jurisdictions in order, actionable. */
    record Expected(String file, List<String> allegations, List<String> jurisdictions, boolean actionable) {
        @Override
        public String toString() {
            return file;
        }
    }

    static final List<Expected> SAMPLES = List.of(
            new Expected("cse-it-positive.json",
                    List.of("sex-trafficking/at-risk/unknown/not-applicable"), List.of("US-MA"), true),
            new Expected("fl-htst-positive.json",
                    List.of("labor-trafficking/at-risk/unknown/not-applicable"), List.of("US-FL"), true),
            new Expected("flag-only.json",
                    List.of("sex-trafficking/at-risk/unknown/not-applicable"), List.of("US-FL"), true),
            new Expected("lives-in-one-state-seen-in-another.json",
                    List.of("sex-trafficking/at-risk/unknown/not-applicable", "sex-trafficking/suspected/unknown/not-applicable"),
                    List.of("US-IL", "US-MO"), true),
            new Expected("sscst-positive-no-suspicion.json",
                    List.of("sex-trafficking/at-risk/unknown/not-applicable"), List.of("US-IL"), true),
            new Expected("survival-sex-shared-code.json",
                    List.of("survival-sex/suspected/unknown/not-applicable"), List.of("US-IL"), true),
            new Expected("t76-52xa-failure-to-protect-illinois.json",
                    List.of("sex-trafficking/suspected/parent/failure-to-protect", "sex-trafficking/suspected/unknown/not-applicable"),
                    List.of("US-IL"), true),
            new Expected("t74-52xa-caregiver-florida.json",
                    List.of("sex-trafficking/confirmed/parent/act"), List.of("US-FL"), true),
            new Expected("t74-62xa-confirmed-labor.json",
                    List.of("labor-trafficking/confirmed/parent/act"), List.of("US-MA"), true),
            new Expected("t76-52xa-suspected.json",
                    List.of("sex-trafficking/suspected/unknown/not-applicable"), List.of("US-TX"), true),
            new Expected("z04-81-ruled-out.json",
                    List.of("sex-trafficking/ruled-out/unknown/not-applicable"), List.of("US-FL"), false));

    static Stream<Expected> samples() {
        return SAMPLES.stream();
    }

    @Test
    void everySampleFileHasAnExpectedReferral() {
        assertEquals(Samples.onDisk(), SAMPLES.stream().map(Expected::file).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)),
                "every file in bundles/fhir/samples needs a row in SAMPLES");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleGivesTheExpectedReferral(Expected expected) {
        Submission submission = read(Samples.bundle(expected.file()));
        assertAll(
                () -> assertEquals(expected.allegations(), summary(submission.referral()), "allegations"),
                () -> assertEquals(expected.jurisdictions(), jurisdictions(submission.referral()), "jurisdictions, residence first"),
                () -> assertEquals(expected.actionable(), submission.actionable(), "actionable"));
    }

    // ------------------------------------------------------------------ ICD-10-CM through the ConceptMap

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "T76.52XA, sex-trafficking,   suspected",
            "T76.52XD, sex-trafficking,   suspected",
            "T76.62XA, labor-trafficking, suspected",
            "T74.52XA, sex-trafficking,   confirmed",
            "T74.52XD, sex-trafficking,   confirmed",
            "T74.62XA, labor-trafficking, confirmed",
            "T74.62XD, labor-trafficking, confirmed",
            "Z04.81,   sex-trafficking,   ruled-out",
            "Z04.82,   labor-trafficking, ruled-out",
            "T74.52XS, sex-trafficking,   historical",
            "T76.52XS, sex-trafficking,   historical",
            "T74.62XS, labor-trafficking, historical",
            "T76.62XS, labor-trafficking, historical"})
    void icd10cmCodeMapsToTypeAndCertainty(String code, String type, String certainty) {
        TestBundles b = TestBundles.message();
        b.condition(code, null);
        Referral referral = read(b).referral();
        assertEquals(1, referral.allegations().size());
        Allegation allegation = referral.allegations().get(0);
        assertEquals(AllegationType.fromCode(type), allegation.type());
        assertEquals(Certainty.fromCode(certainty), allegation.certainty());
        assertEquals(List.of(new org.safeharbor.api.v1.EvidenceReference(
                "urn:uuid:" + b.build().getEntry().get(3).getResource().getIdElement().getIdPart(), TestBundles.ICD10CM, code)),
                allegation.evidence(), "the evidence points back at the Condition and its code");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Z04.81", "Z04.82"})
    void ruledOutExaminationIsNeverReported(String code) {
        TestBundles b = TestBundles.message();
        b.condition(code, "confirmed");
        Submission submission = read(b);
        assertFalse(submission.actionable(), "a ruled-out suspicion is recorded, not reported");
        assertFalse(submission.referral().hasReportableAllegation());
        assertEquals(Certainty.RULED_OUT, submission.referral().allegations().get(0).certainty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Z62.813", "Z91.42"})
    void personalHistoryIsHistoricalForBothTypesAndNotActionable(String code) {
        TestBundles b = TestBundles.message();
        b.condition(code, "confirmed");
        Submission submission = read(b);
        assertEquals(List.of("labor-trafficking/historical/unknown/not-applicable", "sex-trafficking/historical/unknown/not-applicable"),
                summary(submission.referral()));
        assertFalse(submission.actionable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"T74.52XS", "T76.52XS", "T74.62XS", "T76.62XS"})
    void sequelaSeventhCharacterSIsHistoricalAndNotActionable(String code) {
        TestBundles b = TestBundles.message();
        b.condition(code, "confirmed");
        Submission submission = read(b);
        assertEquals(Certainty.HISTORICAL, submission.referral().allegations().get(0).certainty());
        assertFalse(submission.actionable(), "the late effect of past exploitation is not a current allegation");
    }

    @Test
    void childSexualAbuseThatIsNotTraffickingIsNoFinding() {
        // T74.22XA (child sexual abuse, confirmed) is not in the ConceptMap: no prefix rule may turn it into trafficking
        TestBundles b = TestBundles.message();
        b.condition("T74.22XA", "confirmed");
        unprocessable(b);
    }

    @Test
    void translationComesFromTheConceptMapFiles(@TempDir Path overrides) throws Exception {
        // a site override of the ICD-10-CM map that calls T76.52XA confirmed must change the reading: the rule is data
        ConceptMap map;
        try (var in = MappingResources.open(AllegationMaps.FINDING_MAPS.get(0))) {
            map = FHIR.newJsonParser().parseResource(ConceptMap.class, in);
        }
        map.getGroupFirstRep().getElement().stream().filter(e -> e.getCode().equals("T76.52XA"))
                .forEach(e -> e.getTargetFirstRep().getProductFirstRep().setValue("confirmed"));
        Files.writeString(overrides.resolve(AllegationMaps.FINDING_MAPS.get(0)), FHIR.newJsonParser().encodeResourceToString(map));

        System.setProperty(MappingResources.OVERRIDE_DIR_PROPERTY, overrides.toString());
        AllegationMaps overridden;
        try {
            overridden = AllegationMaps.load(FHIR);
        } finally {
            System.clearProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
        }
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        Bundle bundle = b.build();
        Submission submission = new SubmissionReader(overridden, Clock.fixed(NOW, ZoneOffset.UTC))
                .read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
        assertEquals(Certainty.CONFIRMED, submission.referral().allegations().get(0).certainty());
        assertEquals(Certainty.SUSPECTED, read(bundle).referral().allegations().get(0).certainty(), "the packaged map is unchanged");
    }

    // ------------------------------------------------------------------ SNOMED CT, screenings, Flags

    @Test
    void snomedAtRiskIsARiskSignalNotAnAllegation() {
        TestBundles b = TestBundles.message();
        b.condition(new CodeableConcept(new Coding(TestBundles.SNOMED, "919461000000108", null)), "confirmed");
        Submission submission = read(b);
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(submission.referral()));
        assertFalse(submission.referral().hasReportableAllegation(), "a risk signal is not an allegation of abuse");
        assertTrue(submission.actionable(), "a risk signal still goes to the state as one (P.L. 113-183)");
    }

    @ParameterizedTest(name = "answers {0}")
    @ValueSource(strings = {"110000", "100001", "111111", "010110"})
    void sscstWithTwoOrMoreYesIsAtRiskWithoutSuspicion(String answers) {
        TestBundles b = TestBundles.message();
        b.sscst(answers(answers));
        Submission submission = read(b);
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(submission.referral()));
        assertEquals("sscst-positive", submission.referral().allegations().get(0).evidence().get(0).code());
        assertFalse(submission.referral().hasReportableAllegation());
    }

    @ParameterizedTest(name = "answers {0}")
    @ValueSource(strings = {"100000", "000001", "000000"})
    void sscstWithFewerThanTwoYesIsNoFinding(String answers) {
        TestBundles b = TestBundles.message();
        b.sscst(answers(answers));
        UnprocessableEntityException e = unprocessable(b);
        assertEquals("Bundle.entry", Refusals.element(e));
    }

    @Test
    void sscstWithOneYesAddsNothingToASuspicion() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.sscst(answers("000100"));
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));
    }

    @Test
    void sscstPositiveObservationIsAtRisk() {
        TestBundles b = TestBundles.message();
        b.screeningResult("sscst", "sscst-positive", Observation.ObservationStatus.FINAL);
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(read(b).referral()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cse-it-possible-concern", "cse-it-clear-concern"})
    void cseItConcernIsAtRiskWithoutSuspicion(String level) {
        TestBundles questionnaire = TestBundles.message();
        questionnaire.cseIt(level);
        TestBundles observation = TestBundles.message();
        observation.screeningResult("cse-it", level, Observation.ObservationStatus.FINAL);
        for (TestBundles b : List.of(questionnaire, observation)) {
            Submission submission = read(b);
            assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(submission.referral()));
            assertFalse(submission.referral().hasReportableAllegation());
        }
    }

    @Test
    void cseItNoConcernIsNoFinding() {
        TestBundles b = TestBundles.message();
        b.cseIt("cse-it-no-concern");
        unprocessable(b);
    }

    @Test
    void positiveScreenBesideAClinicianSuspicionStaysAtRisk() {
        // the screen never becomes the allegation: the clinician's T76 is the allegation, the screen its risk signal
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.sscst(answers("111000"));
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable", "sex-trafficking/suspected/unknown/not-applicable"),
                summary(read(b).referral()));
    }

    @Test
    void safetyFlagCounts() {
        TestBundles b = TestBundles.message();
        b.flag(TestBundles.SNOMED, "919461000000108", "safety", Flag.FlagStatus.ACTIVE);
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable"), summary(read(b).referral()));
    }

    /** Issue 12, 4: a Flag is an alert in the record, at most a risk signal, whatever its code (README: "a safety flag"). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "http://hl7.org/fhir/sid/icd-10-cm, T76.52XA, sex-trafficking",
            "http://hl7.org/fhir/sid/icd-10-cm, T74.52XA, sex-trafficking",
            "http://hl7.org/fhir/sid/icd-10-cm, T76.62XA, labor-trafficking",
            "http://snomed.info/sct,            734998001, sex-trafficking"})
    void safetyFlagIsAtMostAtRiskWhateverItsCode(String system, String code, String type) {
        TestBundles b = TestBundles.message();
        b.flag(system, code, "safety", Flag.FlagStatus.ACTIVE);
        // 734998001 read here (turned on), so that only the Flag rule decides
        Submission submission = new SubmissionReader(maps, Clock.fixed(NOW, ZoneOffset.UTC), true)
                .read(b.build(), true, Samples.json(b.build()).getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(type + "/at-risk/unknown/not-applicable"), summary(submission.referral()));
        assertFalse(submission.referral().hasReportableAllegation(), "a Flag is never an allegation of abuse");
    }

    @Test
    void safetyFlagBesideAConditionLeavesTheConditionTheAllegation() {
        TestBundles b = TestBundles.message();
        b.flag(TestBundles.ICD10CM, "T76.52XA", "safety", Flag.FlagStatus.ACTIVE);
        b.condition("T76.52XA", "provisional");
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable", "sex-trafficking/suspected/unknown/not-applicable"),
                summary(read(b).referral()));
    }

    // ------------------------------------------------------------------ SNOMED CT 734998001: unconfirmed, off by default

    static SubmissionReader withSnomedVictimOfHumanTrafficking() {
        return new SubmissionReader(maps, Clock.fixed(NOW, ZoneOffset.UTC), true);
    }

    static Submission read(SubmissionReader r, TestBundles b) {
        Bundle bundle = b.build();
        return r.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void snomedVictimOfHumanTraffickingAloneIsRefusedByDefaultNamingTheCode() {
        TestBundles b = TestBundles.message();
        b.condition(new CodeableConcept(new Coding(TestBundles.SNOMED, "734998001", null)), "confirmed");
        UnprocessableEntityException e = unprocessable(b);
        assertTrue(Refusals.element(e).endsWith(".code.coding"), Refusals.element(e));
        assertTrue(e.getMessage().contains("734998001") && e.getMessage().contains("snomedVictimOfHumanTrafficking"), e.getMessage());
    }

    @Test
    void snomedVictimOfHumanTraffickingBesideAnotherFindingIsAWarningByDefault() {
        TestBundles b = TestBundles.message();
        b.condition(new CodeableConcept(new Coding(TestBundles.SNOMED, "734998001", null)), "confirmed");
        b.condition("T76.62XA", "provisional");
        Submission submission = read(b);
        assertEquals(List.of("labor-trafficking/suspected/unknown/not-applicable"), summary(submission.referral()),
                "734998001 produced no allegation");
        assertTrue(submission.warnings().stream().anyMatch(w -> w.contains("734998001")), submission.warnings().toString());
    }

    @ParameterizedTest(name = "verificationStatus {0} -> {1}")
    @CsvSource({"confirmed, confirmed", "provisional, suspected", "differential, suspected", "unconfirmed, suspected",
            ", suspected", "refuted, ruled-out"})
    void snomedVictimOfHumanTraffickingWhenTurnedOnTakesItsCertaintyFromTheVerificationStatus(String status, String certainty) {
        TestBundles b = TestBundles.message();
        b.condition(new CodeableConcept(new Coding(TestBundles.SNOMED, "734998001", null)), status);
        Submission submission = read(withSnomedVictimOfHumanTrafficking(), b);
        assertEquals(List.of("sex-trafficking/" + certainty + "/unknown/not-applicable"), summary(submission.referral()));
        assertTrue(submission.warnings().isEmpty(), submission.warnings().toString());
    }

    @Test
    void confirmedStatusStillDoesNotRaiseACodeThatCarriesItsOwnCertainty() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "confirmed");
        b.condition(new CodeableConcept(new Coding(TestBundles.SNOMED, "919461000000108", null)), "confirmed");
        assertEquals(List.of("sex-trafficking/at-risk/unknown/not-applicable", "sex-trafficking/suspected/unknown/not-applicable"),
                summary(read(withSnomedVictimOfHumanTrafficking(), b).referral()));
    }

    @ParameterizedTest
    @CsvSource({"clinical, ACTIVE", "behavioral, ACTIVE", "safety, INACTIVE", "safety, ENTEREDINERROR"})
    void nonSafetyOrInactiveFlagDoesNotCount(String category, Flag.FlagStatus status) {
        TestBundles b = TestBundles.message();
        b.flag(TestBundles.SNOMED, "919461000000108", category, status);
        unprocessable(b);
    }

    // ------------------------------------------------------------------ verificationStatus only lowers certainty

    @ParameterizedTest
    @ValueSource(strings = {"T76.52XA", "T74.52XA", "T74.62XA"})
    void refutedConditionIsRuledOut(String code) {
        TestBundles b = TestBundles.message();
        b.condition(code, "refuted");
        Submission submission = read(b);
        assertEquals(Certainty.RULED_OUT, submission.referral().allegations().get(0).certainty());
        assertFalse(submission.actionable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"provisional", "differential", "unconfirmed"})
    void tentativeT74IsAtMostSuspected(String status) {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", status);
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));
    }

    @Test
    void confirmedStatusDoesNotRaiseASuspectedCode() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "confirmed");
        assertEquals(Certainty.SUSPECTED, read(b).referral().allegations().get(0).certainty());
    }

    @Test
    void enteredInErrorConditionIsIgnored() {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "entered-in-error");
        b.condition("T76.62XA", "provisional");
        assertEquals(List.of("labor-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));

        TestBundles only = TestBundles.message();
        only.condition("T74.52XA", "entered-in-error");
        unprocessable(only);
    }

    @Test
    void enteredInErrorScreeningObservationIsIgnored() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.screeningResult("sscst", "sscst-positive", Observation.ObservationStatus.ENTEREDINERROR);
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));
    }

    @Test
    void enteredInErrorScreeningAnswersAreIgnored() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.sscst(answers("111111")).setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR);
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));
    }

    // ------------------------------------------------------------------ perpetrator from Y07.-

    @Test
    void y07_11WithConfirmedT74IsParentAndAct() {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed");
        b.condition("Y07.11", "confirmed");
        Allegation allegation = read(b).referral().allegations().get(0);
        assertEquals(PerpetratorRelation.PARENT, allegation.perpetrator());
        assertEquals(CaregiverRole.ACT, allegation.caregiverRole());
    }

    @Test
    void y07CodedBesideT76InTheSameConditionCounts() {
        CodeableConcept both = new CodeableConcept(new Coding(TestBundles.ICD10CM, "T76.52XA", null));
        both.addCoding(new Coding(TestBundles.ICD10CM, "Y07.430", null));
        TestBundles b = TestBundles.message();
        b.condition(both, "provisional");
        assertEquals(List.of("sex-trafficking/suspected/step-or-foster-parent/act"), summary(read(b).referral()));
    }

    @Test
    void twoDifferentRelationsAreMultiple() {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed");
        b.condition("Y07.11", "confirmed");
        b.condition("Y07.50", "confirmed");
        assertEquals(List.of("sex-trafficking/confirmed/multiple/not-applicable"), summary(read(b).referral()),
                "several perpetrators: whether any is a caregiver is undetermined, so no caregiver's act");
    }

    @Test
    void twoCodesOfTheSameRelationAreThatRelation() {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed");
        b.condition("Y07.11", "confirmed");
        b.condition("Y07.12", "confirmed");
        assertEquals(List.of("sex-trafficking/confirmed/parent/act"), summary(read(b).referral()));
    }

    @Test
    void noY07IsUnknownAndNotApplicable() {
        TestBundles b = TestBundles.message();
        b.condition("T74.62XA", "confirmed");
        assertEquals(List.of("labor-trafficking/confirmed/unknown/not-applicable"), summary(read(b).referral()));
    }

    @Test
    void perpetratorAppliesOnlyToSuspectedAndConfirmed() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.condition("Y07.11", "confirmed");
        b.condition("Z62.813", "confirmed");
        b.condition("Z04.82", "confirmed");
        b.sscst(answers("110000"));
        assertEquals(List.of(
                        "labor-trafficking/historical/unknown/not-applicable",
                        "labor-trafficking/ruled-out/unknown/not-applicable",
                        "sex-trafficking/at-risk/unknown/not-applicable",
                        "sex-trafficking/historical/unknown/not-applicable",
                        "sex-trafficking/suspected/parent/act"),
                summary(read(b).referral()));
    }

    /** Issue 12, 1: the caregiver role follows the perpetrator's caregiver status; a stranger is never a caregiver. */
    @ParameterizedTest(name = "{0} -> {1}/{2}")
    @CsvSource({
            "Y07.11,  parent,                act",
            "Y07.12,  parent,                act",
            "Y07.430, step-or-foster-parent, act",
            "Y07.510, other-caregiver,       act",
            "Y07.010, other-family-member,   not-applicable",
            "Y07.50,  non-family,            not-applicable",
            "Y07.03,  non-family,            not-applicable",
            "Y07.6,   multiple,              not-applicable",
            "Y07.9,   unknown,               not-applicable"})
    void caregiverRoleFollowsThePerpetratorsCaregiverStatus(String y07, String relation, String role) {
        for (String finding : List.of("T74.52XA", "T76.52XA")) {
            TestBundles b = TestBundles.message();
            b.condition(finding, finding.startsWith("T74") ? "confirmed" : "provisional");
            b.condition(y07, "confirmed");
            Allegation allegation = read(b).referral().allegations().get(0);
            assertEquals(relation, allegation.perpetrator().code(), finding + " + " + y07);
            assertEquals(role, allegation.caregiverRole().code(), finding + " + " + y07);
        }
    }

    // ------------------------------------------------------------------ failure to protect (issue 12, 2)

    static org.hl7.fhir.r4.model.Extension failedToProtect(String system, String code) {
        return new org.hl7.fhir.r4.model.Extension(FhirSystems.FAILED_TO_PROTECT, new CodeableConcept(new Coding(system, code, null)));
    }

    @Test
    void failureToProtectIsAnAllegationOfItsOwnByTheNamedCaregiver() {
        // a stranger trafficked the child (Y07.50); the hospital says the mother (Y07.12) failed to protect her
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed").addExtension(failedToProtect(TestBundles.ICD10CM, "Y07.12"));
        b.condition("Y07.50", "confirmed");
        Submission submission = read(b);
        assertEquals(List.of("sex-trafficking/confirmed/non-family/not-applicable", "sex-trafficking/confirmed/parent/failure-to-protect"),
                summary(submission.referral()));
        assertTrue(submission.warnings().isEmpty(), submission.warnings().toString());
    }

    /**
     * The caregiver's failure to protect is read as its own allegation, beside the stranger's act. Illinois sends it as
     * allegation 90 (IllinoisFormatTest; IntakeIT queues this sample for US-IL with the role).
     */
    @Test
    void failureToProtectIsItsOwnAllegationOfTheCaregiver() throws Exception {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional").addExtension(failedToProtect(FhirSystems.HT_ALLEGATION, "step-or-foster-parent"));
        Referral referral = read(b).referral();
        assertEquals(List.of("sex-trafficking/suspected/step-or-foster-parent/failure-to-protect",
                "sex-trafficking/suspected/unknown/not-applicable"), summary(referral));
        assertEquals(2, referral.allegations().stream().filter(Allegation::isReportable).count(), "both are reported");
    }

    @Test
    void failureToProtectWithoutARelationIsRefusedNamingTheExtension() {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed").addExtension(failedToProtect("http://example.org/local", "MOM"));
        UnprocessableEntityException e = unprocessable(b);
        assertTrue(Refusals.element(e).endsWith(".extension[0].valueCodeableConcept"), Refusals.element(e));
    }

    @Test
    void failureToProtectOnARuledOutFindingIsNotReadAndSaysSo() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.condition("Z04.81", "confirmed").addExtension(failedToProtect(TestBundles.ICD10CM, "Y07.12"));
        Submission submission = read(b);
        assertTrue(summary(submission.referral()).stream().noneMatch(a -> a.endsWith("failure-to-protect")), summary(submission.referral()).toString());
        assertTrue(submission.warnings().stream().anyMatch(w -> w.contains("failure-to-protect")), submission.warnings().toString());
    }

    @Test
    void y07BesideOnlyARuledOutCodeNamesNoPerpetrator() {
        TestBundles b = TestBundles.message();
        b.condition("Z04.81", "confirmed");
        b.condition("Y07.11", "confirmed");
        assertEquals(List.of("sex-trafficking/ruled-out/unknown/not-applicable"), summary(read(b).referral()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"entered-in-error", "refuted"})
    void withdrawnY07CodeNamesNoPerpetrator(String status) {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed");
        b.condition("Y07.11", status);
        assertEquals(List.of("sex-trafficking/confirmed/unknown/not-applicable"), summary(read(b).referral()));
    }

    // ------------------------------------------------------------------ jurisdictions

    @Test
    void residenceAndEncounterLocationAreBothRecordedResidenceFirst() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.getAddress().clear();
        b.patient.addAddress(TestBundles.address("TX", AddressUse.HOME));
        b.encounter(TestBundles.location("OK"), TestBundles.organization("Provider", "AR"));
        Referral referral = read(b).referral();
        assertEquals(List.of("US-TX", "US-OK"), jurisdictions(referral), "the Encounter's Location is where care was given");
        assertEquals(Jurisdiction.of("US-TX"), referral.residenceJurisdiction().orElseThrow());
        assertEquals(Jurisdiction.of("US-OK"), referral.placeOfCareJurisdiction().orElseThrow());
    }

    @Test
    void serviceProviderAddressIsThePlaceOfCareWhenTheLocationHasNone() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.encounter(null, TestBundles.organization("Provider", "MO"));
        assertEquals(List.of("US-IL", "US-MO"), jurisdictions(read(b).referral()));
    }

    @Test
    void messageHeaderSenderIsThePlaceOfCareWithoutAnEncounter() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        Organization sender = TestBundles.organization("Sender", "KS");
        b.add(sender);
        b.header.setSender(TestBundles.ref(sender));
        assertEquals(List.of("US-IL", "US-KS"), jurisdictions(read(b).referral()),
                "the sender, not the first Organization in the Bundle (an Illinois one)");
    }

    @Test
    void homeAddressIsTheResidence() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.getAddress().clear();
        b.patient.addAddress(TestBundles.address("WI", AddressUse.WORK));
        b.patient.addAddress(TestBundles.address("IN", AddressUse.HOME));
        assertEquals(List.of("US-IN", "US-IL"), jurisdictions(read(b).referral()));
    }

    @Test
    void oneStateForResidenceAndCareIsListedOnce() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        assertEquals(List.of("US-IL"), jurisdictions(read(b).referral()));
    }

    @Test
    void placeOfCareAloneIsEnough() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.getAddress().clear();
        assertEquals(List.of("US-IL"), jurisdictions(read(b).referral()));
    }

    @Test
    void residenceAloneIsEnough() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.hospital.getAddress().clear();
        assertEquals(List.of("US-IL"), jurisdictions(read(b).referral()));
        assertTrue(read(b).referral().placeOfCareJurisdiction().isEmpty());
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void processMessageRefusesANonMessageBundle() {
        TestBundles b = TestBundles.message().type(BundleType.COLLECTION);
        b.condition("T76.52XA", null);
        InvalidRequestException e = refused(InvalidRequestException.class, 400, b.build(), true);
        assertEquals("Bundle.type", Refusals.element(e));
    }

    @Test
    void transactionIntakeRefusesASearchsetBundle() {
        TestBundles b = TestBundles.message().type(BundleType.SEARCHSET).withoutHeader();
        b.condition("T76.52XA", null);
        InvalidRequestException e = refused(InvalidRequestException.class, 400, b.build(), false);
        assertEquals("Bundle.type", Refusals.element(e));
    }

    @Test
    void transactionIntakeAcceptsABundleWithoutMessageHeader() {
        TestBundles b = TestBundles.message().type(BundleType.TRANSACTION).withoutHeader();
        b.condition("T76.52XA", null);
        Bundle bundle = b.build();
        Submission submission = reader.read(bundle, false, Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("US-IL"), jurisdictions(submission.referral()));
    }

    @Test
    void messageWhoseFirstEntryIsNotAMessageHeaderIsRefused() {
        TestBundles b = TestBundles.message().withoutHeader();
        b.condition("T76.52XA", null);
        InvalidRequestException e = refused(InvalidRequestException.class, 400, b.build(), true);
        assertEquals("Bundle.entry[0].resource", Refusals.element(e));
    }

    @Test
    void messageHeaderLaterInTheBundleIsNotEnough() {
        TestBundles b = TestBundles.message().withoutHeader();
        b.condition("T76.52XA", null);
        b.add(b.header);
        refused(InvalidRequestException.class, 400, b.build(), true);
    }

    @ParameterizedTest
    @CsvSource({
            "https://fhir.safeharbor-bridge.org/CodeSystem/message-event, admit-notification",
            "http://example.org/events, screening-report"})
    void wrongMessageEventIsRefused(String system, String code) {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.header.setEvent(new Coding(system, code, null));
        UnprocessableEntityException e = unprocessable(b);
        assertEquals("Bundle.entry[0].resource.eventCoding", Refusals.element(e));
    }

    @Test
    void submissionWithoutAPatientIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        Bundle bundle = b.build();
        bundle.getEntry().removeIf(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Patient);
        UnprocessableEntityException e = refused(UnprocessableEntityException.class, 422, bundle, true);
        assertEquals("Bundle.entry", Refusals.element(e));
    }

    @Test
    void patientWithoutBirthDateIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.setBirthDateElement(null);
        UnprocessableEntityException e = unprocessable(b);
        assertEquals("Bundle.entry[1].resource.birthDate", Refusals.element(e));
    }

    @Test
    void childTurningEighteenOnTheDayOfReceiptIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.setBirthDateElement(new DateType("2008-11-21"));
        UnprocessableEntityException e = unprocessable(b);
        assertTrue(Refusals.element(e).endsWith(".birthDate"), Refusals.element(e));
    }

    @Test
    void aBirthDateWithATimeIsNotAFhirDateAndIsRefused() {
        // HAPI's JSON parser takes it, and drops the time
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        String json = Samples.json(b.build()).replaceFirst("\"birthDate\":\"[^\"]*\"", "\"birthDate\":\"2012-03-17T00:00:00Z\"");
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, json);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> reader.read(bundle, true, json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(Refusals.element(e).endsWith(".birthDate"), Refusals.element(e));
    }

    @Test
    void aBirthDateAfterTheDayOfCareIsRefusedButANewbornsPartialBirthDateIsNot() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.setBirthDateElement(new DateType("2026-11-22"));
        UnprocessableEntityException e = unprocessable(b);
        assertTrue(Refusals.element(e).endsWith(".birthDate"), Refusals.element(e));
        assertTrue(e.getMessage().contains("after the day of the encounter"), e.getMessage());

        TestBundles newborn = TestBundles.message();
        newborn.condition("T76.52XA", null);
        newborn.patient.setBirthDateElement(new DateType("2026")); // read as 2026-12-31 for the age, 2026-01-01 here
        assertEquals(1, read(newborn).referral().allegations().size());
    }

    @Test
    void childOneDayShortOfEighteenIsAccepted() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.setBirthDateElement(new DateType("2008-11-22"));
        assertEquals(17, read(b).referral().child().ageOn(NOW.atZone(ZoneOffset.UTC).toLocalDate()));
    }

    /**
     * Issue 12, 6: the age is checked on the date of the encounter where the child was seen, in that place's time
     * zone: 18 on 2026-11-22 (born 2008-11-22), seen late on the 21st local time (already the 22nd in UTC) is a
     * minor; seen just after local midnight is not.
     */
    @ParameterizedTest(name = "{0}: encounter {1}, received {2} -> minor {3}")
    @CsvSource({
            // Chicago (CST, UTC-6): 8 pm the evening before the birthday, received after UTC midnight
            "IL, 2026-11-21T20:00:00-06:00, 2026-11-22T02:30:00Z, true",
            // the same instant written in UTC by the sender: still 8 pm in Chicago
            "IL, 2026-11-22T02:00:00Z,      2026-11-22T02:30:00Z, true",
            "IL, 2026-11-22T00:30:00-06:00, 2026-11-22T07:00:00Z, false",
            // Texas: Houston, Chicago's zone
            "TX, 2026-11-21T23:59:00-06:00, 2026-11-22T06:30:00Z, true",
            // New York (EST, UTC-5)
            "NY, 2026-11-21T23:30:00-05:00, 2026-11-22T05:00:00Z, true",
            "NY, 2026-11-22T00:05:00-05:00, 2026-11-22T05:10:00Z, false",
            // Los Angeles (PST, UTC-8)
            "CA, 2026-11-21T21:00:00-08:00, 2026-11-22T05:30:00Z, true",
            "CA, 2026-11-22T00:10:00-08:00, 2026-11-22T08:30:00Z, false",
            // Denver (MST, UTC-7) and Honolulu (HST, UTC-10)
            "CO, 2026-11-21T22:00:00-07:00, 2026-11-22T05:30:00Z, true",
            "HI, 2026-11-21T18:00:00-10:00, 2026-11-22T04:30:00Z, true",
            "HI, 2026-11-22T00:01:00-10:00, 2026-11-22T10:30:00Z, false",
            // an encounter on a day before the birthday, reported days later: the encounter's day counts
            "MA, 2026-11-20T10:00:00-05:00, 2026-11-24T09:00:00Z, true",
            // a date without a time: the day the hospital wrote
            "IL, 2026-11-21,                2026-11-22T12:00:00Z, true",
            "IL, 2026-11-22,                2026-11-22T12:00:00Z, false"})
    void ageIsCheckedOnTheEncountersDateWhereTheChildWasSeen(String state, String encounterStart, String receivedAt,
                                                             boolean minor) {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.patient.setBirthDateElement(new DateType("2008-11-22"));
        b.encounter(TestBundles.location(state), null).getPeriod()
                .setStartElement(new org.hl7.fhir.r4.model.DateTimeType(encounterStart));
        SubmissionReader at = new SubmissionReader(maps, Clock.fixed(Instant.parse(receivedAt), ZoneOffset.UTC));
        Bundle bundle = b.build();
        if (minor) {
            assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"),
                    summary(at.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8)).referral()));
        } else {
            UnprocessableEntityException e = assertThrows(UnprocessableEntityException.class,
                    () -> at.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8)));
            assertTrue(Refusals.element(e).endsWith(".birthDate"), Refusals.element(e));
        }
    }

    /** Without an encounter start, the receipt time in the place of care's zone. */
    @ParameterizedTest(name = "{0}: received {1} -> minor {2}")
    @CsvSource({
            "IL, 2026-11-22T03:00:00Z, true",    // 9 pm on the 21st in Chicago
            "IL, 2026-11-22T06:30:00Z, false",   // 0:30 am on the 22nd in Chicago
            "CA, 2026-11-22T07:30:00Z, true",    // 11:30 pm on the 21st in Los Angeles
            "NY, 2026-11-22T05:30:00Z, false"})  // 0:30 am on the 22nd in New York
    void withoutAnEncounterStartTheReceiptTimeInThePlaceOfCaresZoneCounts(String state, String receivedAt, boolean minor) {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.patient.setBirthDateElement(new DateType("2008-11-22"));
        b.encounter(TestBundles.location(state), null);
        SubmissionReader at = new SubmissionReader(maps, Clock.fixed(Instant.parse(receivedAt), ZoneOffset.UTC));
        Bundle bundle = b.build();
        if (minor) {
            at.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8));
        } else {
            assertThrows(UnprocessableEntityException.class, () -> at.read(bundle, true, Samples.json(bundle).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2008", "2008-11"})
    void partialBirthDateThatMayStillBeAMinorIsAccepted(String birthDate) {
        // born some day in 2008 (or in November 2008): on 2026-11-21 the child may be 17, and a refused report is a lost report
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.setBirthDateElement(new DateType(birthDate));
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));
    }

    @Test
    void partialBirthDateOfACertainAdultIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.setBirthDateElement(new DateType("2007"));
        unprocessable(b);
    }

    @Test
    void codeOnlyFromAnUnknownSystemIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition(new CodeableConcept(new Coding("http://example.org/local-codes", "HT-SUSP", null)), "provisional");
        UnprocessableEntityException e = unprocessable(b);
        assertEquals("Bundle.entry[3].resource.code.coding[0].system", Refusals.element(e));
    }

    @Test
    void unknownSystemBesideAKnownOneIsRead() {
        CodeableConcept code = new CodeableConcept(new Coding("http://example.org/local-codes", "HT-SUSP", null));
        code.addCoding(new Coding(TestBundles.ICD10CM, "T76.52XA", null));
        TestBundles b = TestBundles.message();
        b.condition(code, "provisional");
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(read(b).referral()));
    }

    @Test
    void unknownSystemOnAnotherConditionBesideAFindingIsAWarningNotARefusal() {
        // refusing the whole submission would lose the T76.52XA report; the hospital is told what was not read
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", "provisional");
        b.condition(new CodeableConcept(new Coding("http://example.org/local-codes", "HT-SUSP", null)), "provisional");
        Submission submission = read(b);
        assertEquals(List.of("sex-trafficking/suspected/unknown/not-applicable"), summary(submission.referral()));
        assertEquals(1, submission.warnings().size());
        assertFalse(submission.warnings().get(0).contains("http://example.org/local-codes"), "names the element, never the value: "
                + submission.warnings().get(0));
        assertTrue(submission.warnings().get(0).startsWith("Bundle.entry[4].resource.code"), submission.warnings().get(0));
    }

    @Test
    void adultCodeOnAChildIsRefusedWithAdviceToRecode() {
        TestBundles b = TestBundles.message();
        b.condition("T76.51XA", "provisional");
        UnprocessableEntityException e = unprocessable(b);
        assertTrue(e.getMessage().contains("T76.51XA") && e.getMessage().contains("T76.52-"), e.getMessage());
    }

    @Test
    void allegationsAreOrderedMostCertainFirst() {
        TestBundles b = TestBundles.message();
        b.condition("Z62.813", "confirmed");
        b.condition("Z04.82", "confirmed");
        b.condition("T76.62XA", "provisional");
        b.condition("T74.52XA", "confirmed");
        List<String> order = read(b).referral().allegations().stream().map(a -> a.certainty().code()).distinct().toList();
        assertEquals(List.of("confirmed", "suspected", "ruled-out", "historical"), order);
    }

    @Test
    void unspecifiedPerpetratorBesideAKnownOneLeavesTheKnownOne() {
        TestBundles b = TestBundles.message();
        b.condition("T74.52XA", "confirmed");
        b.condition("Y07.9", "confirmed");
        b.condition("Y07.11", "confirmed");
        assertEquals(List.of("sex-trafficking/confirmed/parent/act"), summary(read(b).referral()));
    }

    @Test
    void submissionWithNoTraffickingRelatedCodeIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition("S52.501A", "confirmed");
        UnprocessableEntityException e = unprocessable(b);
        assertEquals("Bundle.entry", Refusals.element(e));
    }

    @Test
    void submissionWithNoStateAnywhereIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition("T76.52XA", null);
        b.patient.getAddress().clear();
        b.hospital.getAddress().clear();
        UnprocessableEntityException e = unprocessable(b);
        assertTrue(Refusals.element(e).endsWith(".address.state"), Refusals.element(e));
    }

    // ------------------------------------------------------------------ submission keys

    @Test
    void sameBundleReadTwiceGivesTheSameKeyButNeverAComputableReferralId() {
        Bundle bundle = Samples.bundle("t76-52xa-suspected.json");
        Submission first = read(bundle);
        Submission second = read(Samples.bundle("t76-52xa-suspected.json"));
        assertEquals(first.submissionKey(), second.submissionKey());
        // the store, not the reader, makes a resend find the first referral (by client and key)
        assertNotEquals(first.referral().id(), second.referral().id());
        assertEquals("https://ehr.bayoucity.example.org/fhir", first.sourceEndpoint());
        assertEquals("https://ehr.bayoucity.example.org/fhir|BYC-SHB-20261121-001902", first.submissionKey());
    }

    @Test
    void messageHeaderIdIsTheKeyWithoutABundleIdentifier() {
        TestBundles b = TestBundles.message().messageId(null);
        b.condition("T76.52XA", null);
        Submission submission = read(b);
        assertEquals(TestBundles.SENDER_ENDPOINT + "|MessageHeader/" + b.header.getIdElement().getIdPart(), submission.submissionKey());
    }

    @Test
    void keyIsTheHashOfTheRawBytesWithoutIdentifierNorMessageHeaderId() throws Exception {
        TestBundles b = TestBundles.message().messageId(null);
        b.condition("T76.52XA", null);
        Bundle built = b.build();
        built.getEntryFirstRep().setFullUrl(null).getResource().setId((String) null);
        byte[] raw = Samples.json(built).getBytes(StandardCharsets.UTF_8);
        Bundle parsed = FHIR.newJsonParser().parseResource(Bundle.class, new String(raw, StandardCharsets.UTF_8));

        Submission submission = reader.read(parsed, true, raw);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        assertEquals(TestBundles.SENDER_ENDPOINT + "|sha256:" + hash, submission.submissionKey());
        assertEquals(submission.submissionKey(), reader.read(parsed, true, raw).submissionKey(), "same bytes, same key");

        byte[] other = (new String(raw, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
        assertNotEquals(submission.submissionKey(), reader.read(parsed, true, other).submissionKey());
    }

    // ------------------------------------------------------------------

    static boolean[] answers(String yesNo) {
        boolean[] answers = new boolean[yesNo.length()];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = yesNo.charAt(i) == '1';
        }
        return answers;
    }

}

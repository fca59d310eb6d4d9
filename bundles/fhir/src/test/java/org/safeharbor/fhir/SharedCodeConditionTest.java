package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.fhir.SubmissionReaderTest.summary;

import java.util.ArrayList;
import java.util.List;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Flag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Referral;

/**
 * The shared code on a Condition: the CSEC forms of IOM/NRC 2013 Box 1 (survival sex, pornography, sex tourism and
 * early marriage, sexual venues) have no ICD-10-CM code, so a hospital names the form with the project's CodeSystem,
 * alone or beside ICD-10-CM, and the intake keeps the form it named (each state maps it through its own ConceptMap).
 */
class SharedCodeConditionTest {

    static SubmissionReader reader;

    @BeforeAll
    static void load() {
        reader = ScreeningInstrumentsTest.reader(AllegationMaps.load(ScreeningInstrumentsTest.FHIR));
    }

    static Submission read(TestBundles b) {
        return ScreeningInstrumentsTest.read(reader, b);
    }

    static UnprocessableEntityException refused(TestBundles b) {
        return ScreeningInstrumentsTest.refused(reader, b);
    }

    static Coding shared(String code) {
        return new Coding(FhirSystems.HT_ALLEGATION, code, null);
    }

    static Coding icd10(String code) {
        return new Coding(TestBundles.ICD10CM, code, null);
    }

    static CodeableConcept codes(Coding... codings) {
        CodeableConcept concept = new CodeableConcept();
        List.of(codings).forEach(concept::addCoding);
        return concept;
    }

    @ParameterizedTest(name = "{0}, {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "survival-sex,         provisional,  suspected",
            "pornography,          confirmed,    confirmed",
            "sex-tourism-marriage, differential, suspected",
            "sexual-venue,         none,         suspected",
            "survival-sex,         unconfirmed,  suspected",
            "pornography,          refuted,      ruled-out",
            "sex-trafficking,      confirmed,    confirmed",
            "labor-trafficking,    provisional,  suspected"})
    void theSharedCodeAloneGivesItsTypeWithTheCertaintyOfTheVerificationStatus(String type, String status, String certainty) {
        TestBundles b = TestBundles.message();
        b.condition(codes(shared(type)), status);
        Referral referral = read(b).referral();
        assertEquals(List.of(type + "/" + certainty + "/unknown/not-applicable"), summary(referral));
        assertEquals(FhirSystems.HT_ALLEGATION, referral.allegations().get(0).evidence().get(0).codeSystem());
    }

    @Test
    void besideIcd10cmTheSharedCodeNamesTheFormAndTheIcd10cmCodesGiveCertaintyAndPerpetrator() {
        // a confirmed T74.52XA said as survival sex, the perpetrator a stranger (Y07.50)
        TestBundles b = TestBundles.message();
        b.condition(codes(icd10("T74.52XA"), shared("survival-sex")), "provisional");
        b.condition("Y07.50", "confirmed");
        Referral referral = read(b).referral();
        assertEquals(List.of("survival-sex/suspected/non-family/not-applicable"), summary(referral),
                "one allegation, of the form; provisional lowers T74's confirmed to suspected as for any ICD-10-CM code");
        assertEquals(List.of(TestBundles.ICD10CM + "|T74.52XA", FhirSystems.HT_ALLEGATION + "|survival-sex"),
                referral.allegations().get(0).evidence().stream().map(e -> e.codeSystem() + "|" + e.code()).toList());
    }

    @Test
    void twoFormsBesideOneIcd10cmCodeAreTwoAllegations() {
        TestBundles b = TestBundles.message();
        b.condition(codes(icd10("T76.52XA"), shared("pornography"), shared("sexual-venue")), "provisional");
        assertEquals(List.of("pornography/suspected/unknown/not-applicable", "sexual-venue/suspected/unknown/not-applicable"),
                summary(read(b).referral()));
    }

    @Test
    void aRuledOutExaminationOfAFormStaysRuledOut() {
        TestBundles b = TestBundles.message();
        b.condition(codes(icd10("Z04.81"), shared("sex-tourism-marriage")), "confirmed");
        Submission submission = read(b);
        assertEquals(List.of("sex-tourism-marriage/ruled-out/unknown/not-applicable"), summary(submission.referral()));
        assertFalse(submission.actionable());
    }

    @Test
    void aFormNoOtherCodeOfTheElementAgreesWithIsRefused() {
        TestBundles b = TestBundles.message();
        b.condition(codes(icd10("T76.62XA"), shared("pornography")), "provisional");
        UnprocessableEntityException e = refused(b);
        assertTrue(Refusals.element(e).endsWith(".code"), Refusals.element(e));
        assertTrue(ScreeningInstrumentsTest.diagnostics(e).contains("T76.62XA: labor-trafficking"), ScreeningInstrumentsTest.diagnostics(e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sextortion", "prostitute", "SURVIVAL-SEX", ""})
    void aCodeTheSharedCodeSystemDoesNotDefineIsRefused(String code) {
        TestBundles b = TestBundles.message();
        b.condition(codes(icd10("T76.52XA"), shared(code)), "provisional");
        UnprocessableEntityException e = refused(b);
        assertTrue(Refusals.element(e).endsWith(".code.coding[1].code"), Refusals.element(e));
        assertTrue(ScreeningInstrumentsTest.diagnostics(e).contains("is not a code of " + FhirSystems.HT_ALLEGATION),
                ScreeningInstrumentsTest.diagnostics(e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"type", "suspected", "at-risk", "failure-to-protect", "act"})
    void aConceptThatIsNoAllegationTypeIsRefusedSayingWhereItBelongs(String code) {
        TestBundles b = TestBundles.message();
        b.condition(codes(shared(code)), "provisional");
        UnprocessableEntityException e = refused(b);
        assertTrue(ScreeningInstrumentsTest.diagnostics(e).contains("is not an allegation type"), ScreeningInstrumentsTest.diagnostics(e));
    }

    @Test
    void aPerpetratorConceptOfTheSharedCodeNamesThePerpetratorAsY07Does() {
        TestBundles b = TestBundles.message();
        b.condition(codes(icd10("T74.52XA"), shared("survival-sex")), "confirmed");
        b.condition(codes(shared("parent")), "confirmed");
        assertEquals(List.of("survival-sex/confirmed/parent/act"), summary(read(b).referral()));
    }

    @Test
    void aSafetyFlagCodedWithAFormIsARiskSignalOfThatForm() {
        TestBundles b = TestBundles.message();
        b.flag(FhirSystems.HT_ALLEGATION, "survival-sex", "safety", Flag.FlagStatus.ACTIVE);
        assertEquals(List.of("survival-sex/at-risk/unknown/not-applicable"), summary(read(b).referral()));
    }

    /**
     * Each CSEC form a hospital can send is kept as the form it named. That each state receives it is the state's own
     * promise, checked in its bundle against its ConceptMap by the conformance kit (ConceptMapAgreementTest: every type
     * has a row, and the format writes the code the map gives), since the core names no state.
     */
    @Test
    void everyCsecFormIsKeptAsTheFormTheHospitalNamed() {
        List<String> kept = new ArrayList<>();
        for (AllegationType form : AllegationType.values()) {
            if (!form.isSexual() || form == AllegationType.SEX_TRAFFICKING) {
                continue;
            }
            TestBundles b = TestBundles.message();
            b.condition(codes(icd10("T76.52XA"), shared(form.code())), "provisional");
            Allegation read = read(b).referral().allegations().get(0);
            assertEquals(form, read.type(), "the intake keeps the form the hospital named");
            assertEquals(Certainty.SUSPECTED, read.certainty());
            kept.add(form.code());
        }
        assertEquals(5, kept.size(), kept.toString());
    }
}

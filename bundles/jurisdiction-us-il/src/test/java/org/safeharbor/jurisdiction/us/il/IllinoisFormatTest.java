package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAllegationType;
import org.safeharbor.jurisdiction.us.il.wire.IntakeReport;

/** Illinois' own rules: codes 40/90 (89 Ill. Adm. Code 300 App. B) and what the payload carries. */
class IllinoisFormatTest {

    private final IllinoisFormat format = new IllinoisFormat();

    /**
     * Shared code -> Illinois code. Illinois treats a trafficked child as abused whoever the
     * trafficker is (40), and a caregiver's failure to protect is the neglect side (90).
     */
    @ParameterizedTest(name = "{0} by {1} ({2}) -> {3}, written {4}")
    @CsvSource({
            // any trafficking allegation, by anyone: abuse, 40
            "sex-trafficking,      non-family,            not-applicable,     40, not-applicable",
            "sex-trafficking,      unknown,               not-applicable,     40, not-applicable",
            "exploitation-through-prostitution, non-family,            not-applicable,     40, not-applicable",
            "survival-sex,         other-family-member,   not-applicable,     40, not-applicable",
            "pornography,          other-caregiver,       act,                40, act",
            "sex-tourism-marriage, multiple,              not-applicable,     40, not-applicable",
            "sexual-venue,         unknown,               not-applicable,     40, not-applicable",
            "labor-trafficking,    non-family,            not-applicable,     40, not-applicable",
            "labor-trafficking,    parent,                act,                40, act",
            "sex-trafficking,      parent,                act,                40, act",
            "sex-trafficking,      step-or-foster-parent, act,                40, act",
            // a stranger, another relative, several or an unknown perpetrator is never written as a caregiver's act
            "sex-trafficking,      non-family,            act,                40, not-applicable",
            "sex-trafficking,      other-family-member,   act,                40, not-applicable",
            "sex-trafficking,      multiple,              act,                40, not-applicable",
            "sex-trafficking,      unknown,               act,                40, not-applicable",
            // a parent is a caregiver: the act, whatever role the allegation came with
            "sex-trafficking,      parent,                not-applicable,     40, act",
            // a caregiver who failed to protect: neglect, 90 ("blatant disregard")
            "sex-trafficking,      parent,                failure-to-protect, 90, failure-to-protect",
            "labor-trafficking,    step-or-foster-parent, failure-to-protect, 90, failure-to-protect",
            "exploitation-through-prostitution, other-caregiver,       failure-to-protect, 90, failure-to-protect",
            "sex-trafficking,      other-family-member,   failure-to-protect, 90, failure-to-protect",
    })
    void mapsTheSharedCodeToTheIllinoisCode(String type, String perpetrator, String role, String expected, String writtenRole) {
        Allegation sent = allegation(AllegationType.fromCode(type), Certainty.SUSPECTED, PerpetratorRelation.fromCode(perpetrator),
                CaregiverRole.fromCode(role));
        String payload = format.write(referral(IllinoisAdapter.US_IL, sent)).orElseThrow();

        IntakeAllegationType row = IntakeXml.read(payload, IntakeReport.class).getAllegation().get(0);
        assertEquals(expected, row.getCode());
        assertEquals(type, row.getTraffickingType().value(), "the extension field keeps the form of exploitation");
        assertEquals(writtenRole, row.getCaregiverRole().value(), "the caregiver role follows the perpetrator's caregiver status");
        assertEquals(List.of(sent.type(), sent.certainty(), sent.perpetrator(), CaregiverRole.fromCode(writtenRole)),
                describe(format.read(payload).allegations().get(0)));
    }

    static Stream<Arguments> everyReportableAllegation() {
        List<Arguments> all = new ArrayList<>();
        for (AllegationType type : AllegationType.values()) {
            for (Certainty certainty : List.of(Certainty.SUSPECTED, Certainty.CONFIRMED)) {
                for (PerpetratorRelation perpetrator : PerpetratorRelation.values()) {
                    for (CaregiverRole role : CaregiverRole.values()) {
                        all.add(Arguments.of(type, certainty, perpetrator, role));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} by {2} ({3})")
    @MethodSource("everyReportableAllegation")
    void everyPayloadIsValidAgainstTheBundlesSchema(AllegationType type, Certainty certainty, PerpetratorRelation perpetrator,
                                                    CaregiverRole role) {
        String payload = format.write(referral(IllinoisAdapter.US_IL, allegation(type, certainty, perpetrator, role))).orElseThrow();
        IntakeXml.read(payload, IntakeReport.class);
    }

    @Test
    void writesOnlyAllegationsNeverRiskSignalsRuledOutOrHistoricalFindings() {
        for (Certainty certainty : List.of(Certainty.AT_RISK, Certainty.RULED_OUT, Certainty.HISTORICAL)) {
            assertTrue(format.write(referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.SEX_TRAFFICKING, certainty))).isEmpty(),
                    certainty.code());
        }
        Referral mixed = referral(IllinoisAdapter.US_IL,
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED),
                Allegation.of(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.RULED_OUT),
                Allegation.of(AllegationType.SURVIVAL_SEX, Certainty.HISTORICAL));
        Referral back = format.read(format.write(mixed).orElseThrow());
        assertEquals(List.of(List.of(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE)), back.allegations().stream().map(IllinoisFormatTest::describe).toList());
    }

    @Test
    void theSchemaItselfAcceptsNoRiskSignal() {
        String payload = format.write(referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)))
                .orElseThrow();
        String atRisk = payload.replace(">suspected<", ">at-risk<");
        assertFalse(atRisk.equals(payload));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> IntakeXml.read(atRisk, IntakeReport.class));
        assertTrue(refused.getMessage().contains("cvc-enumeration-valid"), refused.getMessage());
    }

    @Test
    void theSameAllegationFromTwoRecordsIsWrittenOnce() {
        Referral twice = referral(IllinoisAdapter.US_IL,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE),
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        assertEquals(1, format.read(format.write(twice).orElseThrow()).allegations().size());
    }

    @Test
    void carriesWhatTheRegisterNeedsAndNotTheHospitalsRecordsOrChartingTime() {
        Referral referral = referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        String payload = format.write(referral).orElseThrow();
        Referral back = format.read(payload);

        assertEquals(referral.receivedAt(), back.receivedAt(), "the 24-hour clock runs from the report's receipt");
        assertEquals(LocalDate.of(2011, 7, 29), back.child().birthDate());
        assertEquals(Sex.FEMALE, back.child().sex());
        assertEquals("Zyxquor", back.child().name().family());
        assertEquals("Quillhaven", back.placeOfCare().address().city(), "the investigation begins where the child is");
        assertEquals("+1-555-0199", back.reporter().phone(), "the register calls the mandated reporter back");
        assertFalse(payload.contains("zq-evidence-17"), "no references into the hospital's records");
        assertFalse(payload.contains("2026-11-21T09:05"), "no charting time");
        assertTrue(back.evidence().isEmpty());
    }

    @Test
    void refusesACodeThatContradictsTheCaregiverRole() {
        String abuseByParent = format.write(referral(IllinoisAdapter.US_IL,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT))).orElseThrow();
        String contradiction = abuseByParent.replace(">40<", ">90<");
        assertFalse(contradiction.equals(abuseByParent));
        assertThrows(IllegalArgumentException.class, () -> format.read(contradiction));
    }

    @Test
    void refusesAPayloadWithADoctype() {
        String payload = format.write(referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)))
                .orElseThrow();
        String withEntity = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + payload;
        assertThrows(IllegalArgumentException.class, () -> format.read(withEntity));
    }

    private static List<Object> describe(Allegation a) {
        return List.of(a.type(), a.certainty(), a.perpetrator(), a.caregiverRole());
    }
}

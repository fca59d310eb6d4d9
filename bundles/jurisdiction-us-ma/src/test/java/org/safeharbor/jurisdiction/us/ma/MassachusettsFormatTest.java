package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;
import org.safeharbor.jurisdiction.us.ma.wire.WireSchema;

/** Massachusetts' own rules: which DCF allegation each shared code becomes, and what the 51A report holds. */
class MassachusettsFormatTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private final MassachusettsFormat format = new MassachusettsFormat();

    /**
     * Shared code -> DCF allegation. Since 2016 DCF allegations include sexual exploitation and labor
     * trafficking with no caregiver requirement (docs/domain.md): any CSEC form is sexual
     * exploitation and labor is labor trafficking, whoever the perpetrator is.
     */
    @ParameterizedTest(name = "{0} by {1} -> {2}")
    @CsvSource({
        "sex-trafficking,      non-family,            sexual-exploitation",
        "sex-trafficking,      parent,                sexual-exploitation",
        "exploitation-through-prostitution, unknown,               sexual-exploitation",
        "exploitation-through-prostitution, other-caregiver,       sexual-exploitation",
        "survival-sex,         non-family,            sexual-exploitation",
        "pornography,          step-or-foster-parent, sexual-exploitation",
        "sex-tourism-marriage, other-family-member,   sexual-exploitation",
        "sexual-venue,         multiple,              sexual-exploitation",
        "labor-trafficking,    non-family,            labor-trafficking",
        "labor-trafficking,    parent,                labor-trafficking",
        "labor-trafficking,    unknown,               labor-trafficking",
    })
    void sharedCodeBecomesTheDcfAllegationWhoeverThePerpetratorIs(String type, String perpetrator, String expected) {
        PerpetratorRelation relation = PerpetratorRelation.fromCode(perpetrator);
        Referral referral = referral(MA, allegation(AllegationType.fromCode(type), Certainty.SUSPECTED, relation,
                relation == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT));
        JsonNode row = WireJson.tree(format.write(referral).orElseThrow()).get("allegations").get(0);
        assertEquals(expected, row.get("allegation").asText());
        assertEquals(type, row.get("form").asText(), "the shared form travels with it");
        assertEquals(perpetrator, row.get("perpetratorRelation").asText());
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

    /** What the format writes is what the schema the state (and the peer) validates against accepts. */
    @ParameterizedTest(name = "{0} {1} by {2} ({3})")
    @MethodSource("everyReportableAllegation")
    void everyReportWrittenValidatesAgainstTheBundleSchema(AllegationType type, Certainty certainty,
                                                          PerpetratorRelation perpetrator, CaregiverRole role) {
        String payload = format.write(referral(MA, allegation(type, certainty, perpetrator, role))).orElseThrow();
        assertEquals(List.of(), WireSchema.REPORT_51A.validate(payload));
    }

    @Test
    void theReportCarriesTheDeclaredFieldsOfTheCanonicalReferral() {
        Referral referral = referral(MA, allegation(AllegationType.SURVIVAL_SEX, Certainty.CONFIRMED,
                PerpetratorRelation.PARENT, CaregiverRole.FAILURE_TO_PROTECT));
        JsonNode json = WireJson.tree(format.write(referral).orElseThrow());
        assertEquals("51A-written-report", json.get("reportType").asText());
        assertEquals("6f0c8d1e-tck-0001", json.get("referralId").asText());
        assertEquals("2026-11-21T10:15:30Z", json.get("receivedAt").asText());
        assertEquals("2011-07-29", json.at("/child/birthDate").asText());
        assertEquals("Zyxquor", json.at("/child/name/family").asText());
        assertEquals("MA", json.at("/child/residence/state").asText());
        assertEquals("9876543210", json.at("/placeOfCare/identifier").asText());
        assertEquals("+1-555-0199", json.at("/reporter/phone").asText());
        assertTrue(json.at("/child/sex").isMissingNode(), "sex is not sent: name and birth date identify the child");
        assertFalse(json.toString().contains("zq-evidence-17"), "the hospital's record ids are not sent");

        Referral back = format.read(json.toString());
        assertEquals(referral.child().birthDate(), back.child().birthDate());
        assertEquals(referral.child().residence().city(), back.child().residence().city());
        assertEquals(referral.receivedAt(), back.receivedAt());
        assertEquals(referral.occurredAt(), back.occurredAt());
        assertEquals(referral.reporter().phone(), back.reporter().phone());
    }

    @Test
    void onlySuspectedAndConfirmedAreWritten() {
        Referral mixed = referral(MA,
                allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.CONFIRMED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK),
                Allegation.of(AllegationType.PORNOGRAPHY, Certainty.RULED_OUT),
                Allegation.of(AllegationType.SURVIVAL_SEX, Certainty.HISTORICAL));
        List<Allegation> back = format.read(format.write(mixed).orElseThrow()).allegations();
        assertEquals(1, back.size(), back.toString());
        assertEquals(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, back.get(0).type());

        for (Certainty never : List.of(Certainty.AT_RISK, Certainty.RULED_OUT, Certainty.HISTORICAL)) {
            assertEquals(Optional.empty(), format.write(referral(MA, Allegation.of(AllegationType.SEX_TRAFFICKING, never))), never.code());
        }
    }

    @Test
    void theSameAllegationTwiceIsWrittenOnce() {
        Allegation a = allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE);
        JsonNode json = WireJson.tree(format.write(referral(MA, a, a)).orElseThrow());
        assertEquals(1, json.get("allegations").size());
    }

    @Test
    void blankTextsAreLeftOutSoTheReportStillValidates() {
        Referral tck = referral(MA, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
        Referral blanks = new Referral(tck.id(), new org.safeharbor.api.v1.Child(
                new org.safeharbor.api.v1.PersonName(" ", List.of("")), tck.child().birthDate(), null,
                new org.safeharbor.api.v1.Address(List.of(" "), "", "MA", null, "US")),
                tck.placeOfCare(), new org.safeharbor.api.v1.Reporter(null, " ", "", null), tck.receivedAt(), null,
                tck.allegations());
        assertEquals(List.of(), WireSchema.REPORT_51A.validate(format.write(blanks).orElseThrow()));
    }

    // ------------------------------------------------------------------ strict reading (what the peer relies on)

    private ObjectNode valid() {
        return (ObjectNode) WireJson.tree(format.write(referral(MA, allegation(AllegationType.LABOR_TRAFFICKING,
                Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT))).orElseThrow());
    }

    @Test
    void aDcfAllegationThatContradictsItsFormIsRefusedByReaderAndSchema() {
        ObjectNode json = valid();
        ((ObjectNode) json.get("allegations").get(0)).put("allegation", "sexual-exploitation");
        assertThrows(IllegalArgumentException.class, () -> format.read(json.toString()));
        assertFalse(WireSchema.REPORT_51A.validate(json.toString()).isEmpty());
    }

    @ParameterizedTest
    @CsvSource({"at-risk", "ruled-out", "historical"})
    void aNonAllegationCertaintyIsRefusedByReaderAndSchema(String certainty) {
        ObjectNode json = valid();
        ((ObjectNode) json.get("allegations").get(0)).put("certainty", certainty);
        assertThrows(IllegalArgumentException.class, () -> format.read(json.toString()));
        assertFalse(WireSchema.REPORT_51A.validate(json.toString()).isEmpty());
    }

    @Test
    void unknownPropertiesAndMissingRequiredOnesAreRefusedByReaderAndSchema() {
        ObjectNode extra = valid();
        ((ObjectNode) extra.get("child")).put("sex", "female");
        assertThrows(IllegalArgumentException.class, () -> format.read(extra.toString()));
        assertFalse(WireSchema.REPORT_51A.validate(extra.toString()).isEmpty());

        ObjectNode missing = valid();
        missing.remove("referralId");
        assertThrows(IllegalArgumentException.class, () -> format.read(missing.toString()));
        assertFalse(WireSchema.REPORT_51A.validate(missing.toString()).isEmpty());

        ObjectNode noAllegations = valid();
        noAllegations.putArray("allegations");
        assertThrows(IllegalArgumentException.class, () -> format.read(noAllegations.toString()));
        assertFalse(WireSchema.REPORT_51A.validate(noAllegations.toString()).isEmpty());
    }

    @Test
    void errorsNameThePathNotTheValue() {
        ObjectNode json = valid();
        ((ObjectNode) json.get("child")).put("birthDate", "2011-13-45");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> format.read(json.toString()));
        assertTrue(e.getMessage().contains("birthDate"), e.getMessage());
        assertFalse(e.getMessage().contains("2011-13-45"), "personal data in an error message: " + e.getMessage());
        List<String> problems = WireSchema.REPORT_51A.validate(json.toString());
        assertFalse(problems.isEmpty());
        assertTrue(problems.stream().noneMatch(p -> p.contains("2011-13-45")), problems.toString());
    }

    @Test
    void declaresNoUnsupportedTypeAndNoAtRiskRule() {
        assertEquals(0, format.unsupportedTypes().size(), "every type has a DCF allegation");
        assertTrue(format.atRiskRule().isEmpty());
    }
}

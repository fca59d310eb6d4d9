package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.tck.RecordingStatusReporter;

/** Florida's own rules: DCF category per allegation, the fixed-width layout, what is and is not written. */
class FloridaFormatTest {

    private static final FloridaFormat FORMAT = new FloridaFormat(FloridaCategories.PLACEHOLDERS);

    @AfterAll
    static void close() {
        FORMAT.close();
    }

    /** shared code (type, perpetrator, role) -> DCF category, with the default (placeholder) codes. */
    static Stream<Arguments> categories() {
        return Stream.of(
                // parent/guardian/caregiver (docs/domain.md, Florida: "sexual exploitation by a parent/guardian/caregiver")
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.PARENT, CaregiverRole.ACT, "SXC"),
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.STEP_OR_FOSTER_PARENT, CaregiverRole.ACT, "SXC"),
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.OTHER_CAREGIVER, CaregiverRole.ACT, "SXC"),
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.PARENT, CaregiverRole.FAILURE_TO_PROTECT, "SXC"),
                // a caregiver's failure to protect is the caregiver category whatever the relation field says
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.OTHER_FAMILY_MEMBER, CaregiverRole.FAILURE_TO_PROTECT, "SXC"),
                // non-caregiver ("sexual exploitation by a non-caregiver")
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT, "SXN"),
                // undetermined relations: non-caregiver by default, relation carried in its own field
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.OTHER_FAMILY_MEMBER, CaregiverRole.ACT, "SXN"),
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.MULTIPLE, CaregiverRole.ACT, "SXN"),
                Arguments.of(AllegationType.SEX_TRAFFICKING, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE, "SXN"),
                // every CSEC form (IOM/NRC 2013, Box 1) is sexual exploitation
                Arguments.of(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT, "SXN"),
                Arguments.of(AllegationType.SURVIVAL_SEX, PerpetratorRelation.PARENT, CaregiverRole.ACT, "SXC"),
                Arguments.of(AllegationType.PORNOGRAPHY, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE, "SXN"),
                Arguments.of(AllegationType.SEX_TOURISM_MARRIAGE, PerpetratorRelation.OTHER_FAMILY_MEMBER, CaregiverRole.ACT, "SXN"),
                Arguments.of(AllegationType.SEXUAL_VENUE, PerpetratorRelation.OTHER_CAREGIVER, CaregiverRole.ACT, "SXC"),
                // labor trafficking is its own category, whoever the trafficker is
                Arguments.of(AllegationType.LABOR_TRAFFICKING, PerpetratorRelation.PARENT, CaregiverRole.ACT, "LAB"),
                Arguments.of(AllegationType.LABOR_TRAFFICKING, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT, "LAB"),
                Arguments.of(AllegationType.LABOR_TRAFFICKING, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE, "LAB"));
    }

    @ParameterizedTest(name = "{0} by {1} ({2}) -> {3}")
    @MethodSource("categories")
    void allegationIsFiledUnderItsDcfCategory(AllegationType type, PerpetratorRelation perpetrator, CaregiverRole role,
                                             String category) {
        AllegationRecord record = onlyRecord(FORMAT, allegation(type, Certainty.SUSPECTED, perpetrator, role));
        assertEquals(category, record.getDcfCategory());
        // the shared dimensions travel beside the category, so nothing is lost
        assertEquals(type.code(), record.getAllegationType());
        assertEquals(perpetrator.code(), record.getPerpetratorRelation());
        assertEquals(CaregiverRole.of(FORMAT.categories().caregiverStatus(perpetrator), role).code(), record.getCaregiverRole(),
                "the caregiver role follows Florida's reading of the perpetrator");
    }

    @ParameterizedTest(name = "{0} stated {1} -> {2}")
    @CsvSource({
            "non-family,            act,                not-applicable",
            "other-family-member,   act,                not-applicable",
            "multiple,              act,                not-applicable",
            "unknown,               act,                not-applicable",
            "parent,                not-applicable,     act",
            "other-caregiver,       act,                act",
            "other-family-member,   failure-to-protect, failure-to-protect",
    })
    void caregiverRoleFollowsFloridasReadingOfThePerpetrator(String perpetrator, String stated, String written) {
        AllegationRecord record = onlyRecord(FORMAT, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                PerpetratorRelation.fromCode(perpetrator), CaregiverRole.fromCode(stated)));
        assertEquals(written, record.getCaregiverRole());
    }

    @Test
    void undeterminedAsCaregiverMakesARelativeButNeverAnUnknownPerpetratorACaregiverAct() {
        try (FloridaFormat format = new FloridaFormat(new FloridaCategories("SXN", "SXC", "LAB", true))) {
            assertEquals("act", onlyRecord(format, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                    PerpetratorRelation.OTHER_FAMILY_MEMBER, CaregiverRole.NOT_APPLICABLE)).getCaregiverRole());
            AllegationRecord unknown = onlyRecord(format, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                    PerpetratorRelation.UNKNOWN, CaregiverRole.ACT));
            assertEquals("not-applicable", unknown.getCaregiverRole());
            assertEquals("SXC", unknown.getDcfCategory(), "the filing category still follows the configuration");
        }
    }

    @ParameterizedTest(name = "{0} -> caregiver category when configured")
    @MethodSource("undetermined")
    void undeterminedRelationsCanBeConfiguredAsCaregiver(PerpetratorRelation perpetrator) {
        try (FloridaFormat format = new FloridaFormat(new FloridaCategories("SXN", "SXC", "LAB", true))) {
            assertEquals("SXC", onlyRecord(format, allegation(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED,
                    perpetrator, CaregiverRole.ACT)).getDcfCategory());
            assertEquals("SXN", onlyRecord(format, allegation(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED,
                    PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)).getDcfCategory(), "non-family stays non-caregiver");
        }
    }

    static Stream<PerpetratorRelation> undetermined() {
        return Stream.of(PerpetratorRelation.OTHER_FAMILY_MEMBER, PerpetratorRelation.MULTIPLE, PerpetratorRelation.UNKNOWN);
    }

    @Test
    void categoryCodesAreConfigurationNotConstants() {
        try (FloridaFormat format = new FloridaFormat(new FloridaCategories("Q1", "Q2", "Q3", false))) {
            String payload = format.write(referral(FloridaAdapter.FLORIDA,
                    allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT),
                    allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT),
                    allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)))
                    .orElseThrow();
            List<String> codes = payload.lines().map(l -> l.substring(69, 77).trim()).toList();
            assertEquals(List.of("Q1", "Q2", "Q3"), codes);
        }
    }

    @Test
    void invalidCategoryCodesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FloridaCategories("sxn", "SXC", "LAB", false));
        assertThrows(IllegalArgumentException.class, () -> new FloridaCategories("TOOLONGXX", "SXC", "LAB", false));
        assertThrows(IllegalArgumentException.class, () -> new FloridaCategories("SXN", "SXN", "LAB", false));
        assertThrows(IllegalArgumentException.class, () -> new FloridaCategories("SXN", "SXC", "", false));
    }

    @Test
    void eachAllegationIsOneLineAtItsFixedColumns() {
        Referral referral = referral(FloridaAdapter.FLORIDA,
                allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.CONFIRMED, PerpetratorRelation.STEP_OR_FOSTER_PARENT, CaregiverRole.FAILURE_TO_PROTECT),
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
        String payload = FORMAT.write(referral).orElseThrow();
        assertTrue(payload.endsWith("\r\n"), "CRLF line ends");
        List<String> lines = payload.lines().toList();
        assertEquals(2, lines.size(), "one record per referral-allegation");
        for (String line : lines) {
            assertEquals(AllegationRecord.LENGTH, line.length());
            assertEquals("D", line.substring(0, 1));
            assertEquals("6f0c8d1e-tck-0001", line.substring(1, 65).trim());
            assertEquals("02", line.substring(67, 69), "allegation count");
            assertEquals("20261121101530", line.substring(171, 185), "received at, UTC");
            assertEquals("20110729", line.substring(255, 263), "birth date");
            assertEquals("F", line.substring(263, 264));
        }
        String first = lines.get(0);
        assertEquals("01", first.substring(65, 67));
        assertEquals("SXC", first.substring(69, 77).trim());
        assertEquals("exploitation-through-prostitution", first.substring(77, 117).trim());
        assertEquals("confirmed", first.substring(117, 127).trim());
        assertEquals("step-or-foster-parent", first.substring(127, 151).trim());
        assertEquals("failure-to-protect", first.substring(151, 171).trim());
        assertEquals("02", lines.get(1).substring(65, 67));
        assertEquals("LAB", lines.get(1).substring(69, 77).trim());
    }

    @Test
    void riskSignalsRuledOutHistoryAndRepeatsAreNotWritten() {
        Referral referral = referral(FloridaAdapter.FLORIDA,
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.RULED_OUT),
                Allegation.of(AllegationType.PORNOGRAPHY, Certainty.HISTORICAL),
                allegation(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE),
                allegation(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
        Referral back = FORMAT.read(FORMAT.write(referral).orElseThrow());
        assertEquals(List.of(Allegation.of(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED)), back.allegations());
    }

    @Test
    void personalFieldsReadBackAsWritten() {
        Referral back = FORMAT.read(FORMAT.write(referral(FloridaAdapter.FLORIDA,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE)))
                .orElseThrow());
        assertEquals(new PersonName("Zyxquor", List.of("Ambrosine")), back.child().name());
        assertEquals(LocalDate.of(2011, 7, 29), back.child().birthDate());
        assertEquals(Sex.FEMALE, back.child().sex());
        assertEquals(new Address(List.of("4242 Qwertzwick Lane"), "Xylobridge", "FL", "98765", "US"), back.child().residence());
        assertEquals("Vexmoor Zenith Hospital", back.placeOfCare().name());
        assertEquals(null, back.placeOfCare().identifier(), "the facility identifier is not disclosed");
        assertEquals("+1-555-0199", back.reporter().phone());
        assertEquals(org.safeharbor.tck.ConformanceReferrals.REPORTER_ROLE, back.reporter().role());
        assertEquals(null, back.occurredAt(), "occurred-at is not disclosed");
    }

    @Test
    void lineBreaksInTextCannotSplitARecordAndLongTextIsClipped() {
        Child child = new Child(new PersonName("Line\r\nBreak", List.of("A".repeat(80))), LocalDate.of(2012, 1, 2), Sex.UNKNOWN,
                new Address(List.of("1 Main St", "Apt\n4"), "Tallahassee", "FL", "32301", "US"));
        Referral referral = new Referral(new ReferralId("r-1"), child, null, null, java.time.Instant.parse("2026-01-01T00:00:00Z"),
                null, List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
        String payload = FORMAT.write(referral).orElseThrow();
        assertEquals(1, payload.lines().count());
        assertEquals(AllegationRecord.LENGTH, payload.lines().findFirst().orElseThrow().length());
        Referral back = FORMAT.read(payload);
        assertEquals("Line  Break", back.child().name().family());
        assertEquals(List.of("A".repeat(35)), back.child().name().given(), "clipped to the field's 35 characters");
        assertEquals(List.of("1 Main St, Apt 4"), back.child().residence().lines());
    }

    @Test
    void aReferralIdTheLayoutCannotCarryIsRefusedNotMangled() {
        Referral referral = new Referral(new ReferralId("has space"), new Child(null, LocalDate.of(2012, 1, 2), null, null), null,
                null, java.time.Instant.EPOCH, null, List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
        assertThrows(IllegalArgumentException.class, () -> FORMAT.write(referral));
    }

    @Test
    void aMalformedRecordIsNotRead() {
        String line = FORMAT.write(referral(FloridaAdapter.FLORIDA,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE)))
                .orElseThrow().lines().findFirst().orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> FORMAT.read(line.substring(0, 300)), "truncated");
        assertThrows(IllegalArgumentException.class, () -> FORMAT.read(line.substring(0, 117) + "probable  " + line.substring(127)),
                "unknown certainty");
        assertThrows(IllegalArgumentException.class, () -> FORMAT.read(line.substring(0, 171) + "2026-13-01 xx " + line.substring(185)),
                "bad date");
    }

    /**
     * A referral whose records were written before the upgrade (a stored attempt replayed, or a referral left in an earlier
     * version's spool) comes as FL1 lines (type field 24 characters, former code): it is read in the current layout,
     * under its current code (the batch then carries it as FL2: FloridaDeliveryTest).
     */
    @Test
    void aLineInTheFormerLayoutIsReadInTheCurrentOne() {
        String current = FORMAT.write(referral(FloridaAdapter.FLORIDA, allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION,
                Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.NOT_APPLICABLE))).orElseThrow().lines().findFirst().orElseThrow();
        String former = current.substring(0, 77) + String.format("%24s", "prostitution") + current.substring(117);
        assertEquals(636, former.length(), "an FL1 detail record");

        String converted = AllegationRecord.fromFormerLayout(former, FORMAT.fixedWidth());
        assertEquals(current, converted);
        assertEquals(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, FORMAT.read(converted + "\r\n").allegations().get(0).type());
        assertEquals(current, AllegationRecord.fromFormerLayout(current, FORMAT.fixedWidth()), "a current line stays as it is");
    }

    @Test
    void noStatutoryClockIsDeclaredButTheChildInCareOne() {
        FloridaAdapter adapter = new FloridaAdapter(TestConfigs.florida(), new RecordingStatusReporter(), null, java.time.Clock.systemUTC(), true);
        try {
            assertEquals(List.of(org.safeharbor.jurisdiction.support.v1.ChildInCare.LAW_ENFORCEMENT), adapter.deadlineRules(),
                    "docs/domain.md gives no Florida clock; DCF's for a child in its care is 42 U.S.C. 671(a)(34)(A)");
            assertTrue(adapter.deadlinesFor(referral(FloridaAdapter.FLORIDA, Allegation.of(AllegationType.SEX_TRAFFICKING,
                    Certainty.SUSPECTED))).isEmpty());
        } finally {
            adapter.deactivate();
        }
    }

    @Test
    void noRiskSignalRuleAndNoUnsupportedType() {
        assertFalse(FORMAT.atRiskRule().isPresent());
        assertTrue(FORMAT.unsupportedTypes().isEmpty());
    }

    private static AllegationRecord onlyRecord(FloridaFormat format, Allegation allegation) {
        String payload = format.write(referral(FloridaAdapter.FLORIDA, allegation)).orElseThrow();
        return format.fixedWidth().readLines(AllegationRecord.class, payload).get(0);
    }
}

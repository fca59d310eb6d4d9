package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * A child in DCF's care (42 U.S.C. 671(a)(34), P.L. 113-183; docs/domain.md "Children in state care"): the at-risk signal
 * as Florida's layout writes it (record {@code R}: the rule {@code PL113183} in the category column, the form, no
 * certainty; never a DCF category) and DCF's 24-hour law-enforcement clock (671(a)(34)(A)), only for a child in care.
 */
class FloridaChildInCareTest {

    private static final FloridaAdapter ADAPTER = new FloridaAdapter(TestConfigs.florida(), new RecordingStatusReporter(), null,
            Clock.systemUTC(), true);
    private static final FloridaFormat FORMAT = (FloridaFormat) ADAPTER.format();

    @AfterAll
    static void close() {
        ADAPTER.deactivate();
    }

    private static Referral withCare(CareStatus care, Allegation... allegations) {
        Referral r = ConformanceReferrals.referral(FloridaAdapter.FLORIDA, allegations);
        return new Referral(r.id(), r.child(), r.placeOfCare(), r.reporter(), r.receivedAt(), r.occurredAt(), r.allegations(),
                r.source(), care, r.servicesConsent());
    }

    private static List<AllegationRecord> records(String payload) {
        return FORMAT.fixedWidth().readLines(AllegationRecord.class, payload);
    }

    @Test
    void theClockStartsForAChildInCareWithASexTraffickingSignal() {
        assertEquals(Optional.of(ChildInCare.RULE), FORMAT.childInCareAtRiskRule());
        assertEquals(List.of(ChildInCare.LAW_ENFORCEMENT), ADAPTER.deadlineRules());
        for (CareStatus care : List.of(CareStatus.FOSTER_CARE, CareStatus.AGENCY_SUPERVISION)) {
            List<Deadline> clocks = ADAPTER.deadlinesFor(withCare(care, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
            assertEquals(1, clocks.size(), care.code());
            assertEquals(ChildInCare.LAW_ENFORCEMENT, clocks.get(0).rule());
            assertEquals(ConformanceReferrals.RECEIVED_AT.plus(Duration.ofHours(24)), clocks.get(0).due());
        }
    }

    @Test
    void noClockForAChildNotInCare() {
        for (CareStatus care : List.of(CareStatus.NOT_IN_CARE, CareStatus.UNKNOWN)) {
            assertEquals(List.of(), ADAPTER.deadlinesFor(withCare(care, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK))));
            assertEquals(List.of(), ADAPTER.deadlinesFor(withCare(care, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED,
                    PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT))), care.code() + ": an allegation has no Florida clock");
            assertEquals(Optional.empty(), FORMAT.write(withCare(care, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK))),
                    care.code() + ": no rule sends this child's at-risk signal");
        }
        assertEquals(List.of(), ADAPTER.deadlinesFor(withCare(CareStatus.FOSTER_CARE, Allegation.of(AllegationType.LABOR_TRAFFICKING,
                Certainty.AT_RISK))), "labor only: 671(a)(34)(A) is about sex trafficking");
    }

    @Test
    void theSignalIsAnRRecordNamingTheRuleAndTheFormWithoutACertainty() {
        String payload = FORMAT.write(withCare(CareStatus.FOSTER_CARE, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)))
                .orElseThrow();
        String line = payload.split("\r\n")[0];
        assertEquals(AllegationRecord.LENGTH, line.length(), "the D record's width");
        assertTrue(line.startsWith("R"), line.substring(0, 1));
        // positions as the layout says: category 70-77 (the rule), type 78-117 (the form), certainty 118-127 (blank)
        assertEquals("PL113183", line.substring(69, 77));
        assertEquals("sex-trafficking", line.substring(77, 117).trim());
        assertEquals("", line.substring(117, 171).trim(), "no certainty, perpetrator or caregiver role");
        AllegationRecord record = records(payload).get(0);
        assertTrue(record.isRiskSignal());
        assertEquals(1, record.getAllegationSeq());
        assertEquals(1, record.getAllegationCount());
        assertTrue(!FloridaCategories.PLACEHOLDERS.isKnown(record.getDcfCategory()), "never a DCF category");
        assertEquals(List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)), FORMAT.read(payload).allegations(),
                "read back as at-risk only");
    }

    @Test
    void besideAnAllegationTheSignalStaysASignalInTheSameNumbering() {
        Referral mixed = withCare(CareStatus.AGENCY_SUPERVISION,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK));
        List<AllegationRecord> records = records(FORMAT.write(mixed).orElseThrow());
        assertEquals(List.of("D", "R"), records.stream().map(AllegationRecord::getRecordType).toList());
        assertEquals(List.of(1, 2), records.stream().map(AllegationRecord::getAllegationSeq).toList());
        assertTrue(records.stream().allMatch(r -> r.getAllegationCount() == 2));
        assertEquals("SXN", records.get(0).getDcfCategory());
        assertNull(blankToNull(records.get(1).getCertainty()));
        assertEquals(List.of(new Allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY,
                CaregiverRole.NOT_APPLICABLE, List.of()), Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK)),
                FORMAT.read(FORMAT.write(mixed).orElseThrow()).allegations());
    }

    @Test
    void aSignalRecordWithACertaintyOrAnotherRuleIsRefused() {
        String line = FORMAT.write(withCare(CareStatus.FOSTER_CARE, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)))
                .orElseThrow().split("\r\n")[0];
        String withCertainty = line.substring(0, 117) + String.format("%10s", "suspected") + line.substring(127);
        assertThrows(IllegalArgumentException.class, () -> FORMAT.read(withCertainty + "\r\n"));
        String underACategory = line.substring(0, 69) + "     SXN" + line.substring(77);
        assertThrows(IllegalArgumentException.class, () -> FORMAT.read(underACategory + "\r\n"));
        assertThrows(IllegalArgumentException.class, () -> new FloridaCategories("PL113183", "SXC", "LAB", false),
                "a DCF category may not be the signal's rule");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

package org.safeharbor.jurisdiction.us.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.RecordingStatusReporter;

/** The law-enforcement clock: 24 hours from the report's receipt, only when law enforcement gets the report. */
class TexasDeadlineTest {

    private static final Jurisdiction TX = Jurisdiction.of("US-TX");

    private static TexasAdapter adapter(Map<String, Object> config) {
        return new TexasAdapter(TestSupport.adapter(config), Redelivery.DEFAULT, new RecordingStatusReporter());
    }

    private static Referral by(PerpetratorRelation relation, CaregiverRole role) {
        return referral(TX, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, relation, role));
    }

    @Test
    void declaresTheLawEnforcementClockWithItsBasis() {
        assertEquals(2, adapter(Map.of()).deadlineRules().size(), "§2380's, and DFPS' for a child in its care (TexasChildInCareTest)");
        var rule = adapter(Map.of()).deadlineRules().get(0);
        assertEquals("us-tx-law-enforcement", rule.id());
        assertEquals(Duration.ofHours(24), rule.length());
        assertTrue(rule.legalBasis().contains("§2380"));
    }

    @ParameterizedTest(name = "{0} ({1}): clock {2}")
    @CsvSource({
            "non-family,          act,                true",
            "unknown,             not-applicable,     true",
            "other-family-member, act,                true",
            "multiple,            act,                true",
            "parent,              failure-to-protect, true",
            "parent,              act,                false",
            "step-or-foster-parent, act,              false",
            "other-caregiver,     act,                false"})
    void theClockRunsOnlyWhenLawEnforcementGetsTheReport(String relation, String role, boolean runs) {
        List<Deadline> deadlines = adapter(Map.of()).deadlinesFor(by(PerpetratorRelation.fromCode(relation), CaregiverRole.fromCode(role)));
        if (!runs) {
            assertTrue(deadlines.isEmpty(), "no law-enforcement clock for a caregiver trafficker: " + deadlines);
            return;
        }
        Deadline deadline = deadlines.get(0);
        assertEquals(1, deadlines.size());
        assertEquals("us-tx-law-enforcement", deadline.rule().id());
        assertEquals(ConformanceReferrals.RECEIVED_AT, deadline.start());
        assertEquals(ConformanceReferrals.RECEIVED_AT.plus(Duration.ofHours(24)), deadline.due());
    }

    @Test
    void noClockWhenNothingIsReportable() {
        assertTrue(adapter(Map.of()).deadlinesFor(referral(TX,
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT))).isEmpty());
    }

    @Test
    void aShortenedClockFromConfigurationIsUsed() {
        TexasAdapter shortened = adapter(Map.of("lawEnforcementClock", "PT2H"));
        Referral referral = by(PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT);

        assertEquals(Duration.ofHours(2), shortened.deadlineRules().get(0).length());
        assertEquals(ConformanceReferrals.RECEIVED_AT.plus(Duration.ofHours(2)), shortened.deadlinesFor(referral).get(0).due());
        // and the report tells law enforcement the same due time
        assertTrue(shortened.format().write(referral).orElseThrow().contains(
                "<ext:LawEnforcementNotificationDueDateTime>2026-11-21T12:15:30Z</ext:LawEnforcementNotificationDueDateTime>"));
    }

    @Test
    void refusesABadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("lawEnforcementClock", "24 hours")));
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("lawEnforcementClock", "PT0S")));
        assertThrows(IllegalArgumentException.class, () -> adapter(Map.of("cpsIntakeUrl", "http://localhost:8743/cps/intake")),
                "a report holds personal data: HTTPS only");
    }
}

package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.tck.RecordingStatusReporter;
import org.safeharbor.jurisdiction.support.v1.Redelivery;

/**
 * Illinois' two clocks: the adapter's delivery deadline (325 ILCS 5/4, report immediately) and DCFS' own
 * 24 hours to begin an investigation (325 ILCS 5/7.4), which starts with the SCR's acknowledgement, not with
 * our receipt, and is met by investigation-opened or screened-out.
 */
class IllinoisDeadlineTest {

    private final Referral referral = referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED));

    @Test
    void theInvestigationClockIsTheStatesStartedByItsAcknowledgementAndMetByItsDecision() {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(), Redelivery.DEFAULT, new RecordingStatusReporter(), true);

        DeadlineRule investigation = rule(adapter, "us-il-investigation");

        assertEquals(DeadlineRule.Kind.STATE, investigation.kind());
        assertEquals("325 ILCS 5/7.4", investigation.legalBasis());
        assertEquals(Duration.ofHours(24), investigation.length());
        assertEquals(Set.of(DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.SCREENED_OUT), investigation.satisfiedBy());
        assertFalse(investigation.isMetBy(DeliveryStatus.DELIVERED), "a SOAP call that succeeded is not an investigation begun");
        assertFalse(investigation.isMetBy(DeliveryStatus.ACKNOWLEDGED));
        assertTrue(investigation.isMetBy(DeliveryStatus.INVESTIGATION_OPENED));
    }

    @Test
    void theReportDeadlineIsOursFromReceiptUntilTheScrConfirmsReceipt() {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(), Redelivery.DEFAULT, new RecordingStatusReporter(), true);

        Deadline report = adapter.deadlinesFor(referral).stream().filter(d -> d.rule().id().equals("us-il-report")).findFirst().orElseThrow();

        assertEquals(DeadlineRule.Kind.DELIVERY, report.rule().kind());
        assertEquals("325 ILCS 5/4", report.rule().legalBasis());
        assertEquals(Instant.parse("2026-11-21T10:15:30Z"), report.start());
        assertEquals(Instant.parse("2026-11-21T11:15:30Z"), report.due());
        assertTrue(report.rule().isMetBy(DeliveryStatus.DELIVERED));
        assertFalse(report.rule().isMetBy(DeliveryStatus.FAILED), "a failed delivery has not met it");
    }

    @Test
    void shortenedClocksFromConfigurationAreUsed() {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(Map.of("investigationClock", "PT90M", "reportDeadline", "PT5M")),
                Redelivery.DEFAULT, new RecordingStatusReporter(), true);

        assertEquals(Duration.ofMinutes(90), rule(adapter, "us-il-investigation").length());
        assertEquals(Duration.ofMinutes(5), rule(adapter, "us-il-report").length());
    }

    @Test
    void aClockThatIsNotADurationIsRefusedAtActivation() {
        for (String key : List.of("investigationClock", "reportDeadline")) {
            assertThrows(IllegalArgumentException.class, () -> new IllinoisAdapter(Configs.adapter(Map.of(key, "24")),
                    Redelivery.DEFAULT, new RecordingStatusReporter(), true));
            assertThrows(IllegalArgumentException.class, () -> new IllinoisAdapter(Configs.adapter(Map.of(key, "-PT1H")),
                    Redelivery.DEFAULT, new RecordingStatusReporter(), true));
        }
    }

    private static DeadlineRule rule(IllinoisAdapter adapter, String id) {
        return adapter.deadlineRules().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }
}

package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.Referral;

/** 325 ILCS 5/7.4: DCFS begins an investigation within 24 hours of the report. */
class IllinoisDeadlineTest {

    private final Referral referral = referral(IllinoisAdapter.US_IL, Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED));

    @Test
    void theInvestigationClockRuns24HoursFromTheReportsReceipt() {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(), new RecordingStatusReporter(), Clock.systemUTC());

        List<Deadline> deadlines = adapter.deadlinesFor(referral);

        assertEquals(1, deadlines.size());
        Deadline investigation = deadlines.get(0);
        assertEquals("us-il-investigation", investigation.rule().id());
        assertEquals("325 ILCS 5/7.4", investigation.rule().legalBasis());
        assertEquals(Instant.parse("2026-11-21T10:15:30Z"), investigation.start());
        assertEquals(Instant.parse("2026-11-22T10:15:30Z"), investigation.due());
    }

    @Test
    void aShortenedClockFromConfigurationIsUsed() {
        IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(Map.of("investigationClock", "PT90M")),
                new RecordingStatusReporter(), Clock.systemUTC());

        Deadline investigation = adapter.deadlinesFor(referral).get(0);

        assertEquals(Duration.ofMinutes(90), investigation.rule().length());
        assertEquals(Instant.parse("2026-11-21T11:45:30Z"), investigation.due());
        assertEquals(List.of(investigation.rule()), adapter.deadlineRules());
    }

    @Test
    void aClockThatIsNotADurationIsRefusedAtActivation() {
        assertThrows(IllegalArgumentException.class, () -> new IllinoisAdapter(Configs.adapter(Map.of("investigationClock", "24")),
                new RecordingStatusReporter(), Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class, () -> new IllinoisAdapter(Configs.adapter(Map.of("investigationClock", "-PT1H")),
                new RecordingStatusReporter(), Clock.systemUTC()));
    }
}

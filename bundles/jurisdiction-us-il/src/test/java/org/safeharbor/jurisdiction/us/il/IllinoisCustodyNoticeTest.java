package org.safeharbor.jurisdiction.us.il;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.LawEnforcementReferrals;
import org.safeharbor.tck.RecordingStatusReporter;

/**
 * A law-enforcement custody notice in Illinois, as the Safe Children Act has it (325 ILCS 5/7.4; docs/domain.md, "Custody
 * notices"): reported to the State Central Register as allegation 40 about the child as victim, the reporter's role (the
 * reference schema's neutral field for who reported) "law enforcement" and nothing of the offense; the delivery deadline
 * and DCFS's 24-hour investigation clock both run, from receipt.
 */
class IllinoisCustodyNoticeTest {

    private final IllinoisAdapter adapter = new IllinoisAdapter(Configs.adapter(), Redelivery.DEFAULT, new RecordingStatusReporter(), true);
    private final Referral notice = LawEnforcementReferrals.referral(IllinoisAdapter.US_IL);

    @Test
    void theRegisterReceivesAllegation40WithTheNeutralReporterRoleAndNoOffense() {
        assertTrue(adapter.takes(notice));
        String payload = adapter.format().write(notice).orElseThrow();
        assertTrue(payload.contains(">40<"), payload);
        assertTrue(payload.contains("<il:Role>law enforcement</il:Role>") || payload.contains(">law enforcement</"), payload);
        assertTrue(payload.contains("Ravensholt County Sheriff"), "where the minor is: the agency, for the investigator");
        String text = payload.toLowerCase(Locale.ROOT);
        for (String word : LawEnforcementReferrals.CRIMINAL_JUSTICE_WORDS) {
            assertFalse(text.contains(word), word + ": " + payload);
        }
        Referral back = adapter.format().read(payload);
        assertEquals("law enforcement", back.reporter().role());
    }

    @Test
    void theDeliveryDeadlineAndDcfsTwentyFourHourInvestigationClockRun() {
        List<Deadline> clocks = adapter.deadlinesFor(notice);
        assertEquals(Set.of("us-il-report", "us-il-investigation"), Set.copyOf(clocks.stream().map(d -> d.rule().id()).toList()));
        Deadline investigation = clocks.stream().filter(d -> d.rule().id().equals("us-il-investigation")).findFirst().orElseThrow();
        assertEquals("325 ILCS 5/7.4", investigation.rule().legalBasis());
        assertEquals(Duration.ofHours(24), investigation.rule().length());
        assertEquals(ConformanceReferrals.RECEIVED_AT, investigation.start());
    }
}

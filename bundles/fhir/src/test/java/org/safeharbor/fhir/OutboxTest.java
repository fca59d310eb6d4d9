package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;

/**
 * A crash between the store's commit and the enqueue leaves a referral stored as RECEIVED and on no
 * queue. The outbox sweep finds it and queues it, so an accepted referral is never lost.
 */
class OutboxTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");

    @Test
    void aReferralStoredButNeverQueuedIsQueuedByTheSweepAndOnlyOnce() throws Exception {
        try (IntakeHarness harness = new IntakeHarness(1_048_576, Clock.systemUTC())) {
            harness.installed.add(IL);
            Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
            Referral referral = new Referral(new ReferralId("r-crash"), child, null, null, Instant.now(), null,
                    List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
            // what the intake had done when the process died: stored, not queued
            harness.store.accept("ehr|crash-1", referral, true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));

            assertEquals(0, harness.intake.enqueueUnqueued(Instant.now().minusSeconds(60), 100), "too recent: the intake may still be queueing it");
            assertEquals(1, harness.intake.enqueueUnqueued(Instant.now().plusSeconds(1), 100));

            assertEquals(List.of("r-crash"), harness.queue("US-IL").stream()
                    .map(e -> e.getMessage().getHeader("referralId", String.class)).toList());
            assertEquals(DeliveryStatus.QUEUED, harness.store.find(new ReferralId("r-crash")).orElseThrow().deliveries().get(0).status());
            assertEquals(0, harness.intake.enqueueUnqueued(Instant.now().plusSeconds(1), 100), "queued once");
        }
    }
}

package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
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
import org.safeharbor.api.v1.StatusUpdate;

class MessageStoreTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Jurisdiction MO = Jurisdiction.of("US-MO");

    private MessageStore store;

    @BeforeEach
    void freshDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        // the schema is idempotent: a second start on the same database must not fail
        new MessageStore(h2, Clock.systemUTC());
    }

    private static Referral referral(String id) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
        return new Referral(new ReferralId(id), child, null, null, Instant.parse("2026-11-21T11:59:00Z"), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
    }

    private static Map<Jurisdiction, DeliveryStatus> queuedIlHeldMo() {
        Map<Jurisdiction, DeliveryStatus> m = new LinkedHashMap<>();
        m.put(IL, DeliveryStatus.QUEUED);
        m.put(MO, DeliveryStatus.ON_HOLD);
        return m;
    }

    @Test
    void acceptStoresReferralRawSubmissionAndFirstStatusPerJurisdiction() {
        MessageStore.Accepted accepted = store.accept("ehr|msg-1", referral("r-1"), true, "{\"resourceType\":\"Bundle\"}",
                "application/fhir+json", queuedIlHeldMo());
        assertTrue(accepted.created());
        StoredReferral stored = store.find(new ReferralId("r-1")).orElseThrow();
        assertEquals(referral("r-1"), stored.referral());
        assertEquals(List.of(IL, MO), stored.deliveries().stream().map(Delivery::jurisdiction).toList());
        assertEquals(List.of(DeliveryStatus.QUEUED, DeliveryStatus.ON_HOLD), stored.deliveries().stream().map(Delivery::status).toList());
        assertEquals(List.of("received: accepted"), store.events(new ReferralId("r-1")));
    }

    @Test
    void sameSubmissionTwiceReturnsTheFirstReferralAndCreatesNoSecond() {
        store.accept("ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json", queuedIlHeldMo());
        MessageStore.Accepted again = store.accept("ehr|msg-1", referral("r-2"), true, "raw", "application/fhir+json", queuedIlHeldMo());
        assertFalse(again.created());
        assertEquals("r-1", again.stored().referral().id().value());
        assertTrue(store.find(new ReferralId("r-2")).isEmpty());
    }

    @Test
    void theSameKeyWithOtherContentIsAConflictAndLeavesTheFirstUntouched() {
        store.accept("hospital-a", "hospital-a|ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json", queuedIlHeldMo());
        assertThrows(MessageStore.SubmissionConflict.class, () -> store.accept("hospital-a", "hospital-a|ehr|msg-1", referral("r-2"),
                true, "other raw", "application/fhir+json", queuedIlHeldMo()));
        assertTrue(store.find(new ReferralId("r-2")).isEmpty());
        assertEquals("hospital-a", store.submittedBy(new ReferralId("r-1")).orElseThrow());
    }

    @Test
    void statusUpdateKeepsTheStateIntakeNumberAndLogsTheStage() {
        store.accept("ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json", queuedIlHeldMo());
        Instant t = Instant.parse("2026-11-21T12:05:00Z");
        store.update(new StatusUpdate(new ReferralId("r-1"), IL, DeliveryStatus.ACKNOWLEDGED, "IL-2026-000123", t, null));
        store.update(new StatusUpdate(new ReferralId("r-1"), IL, DeliveryStatus.SCREENED_IN, null, t.plusSeconds(60), "hotline screened in"));
        Delivery il = store.find(new ReferralId("r-1")).orElseThrow().deliveries().get(0);
        assertEquals(DeliveryStatus.SCREENED_IN, il.status());
        assertEquals("IL-2026-000123", il.stateIntakeNumber());
        assertEquals(t.plusSeconds(60), il.updatedAt());
        assertEquals(List.of("received: accepted", "acknowledged US-IL", "screened_in US-IL: hotline screened in"),
                store.events(new ReferralId("r-1")));
    }

    @Test
    void quarantineKeepsTheRawPayloadCutAtTheLimit() {
        byte[] payload = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
        String id = store.quarantine(413, null, "payload too large", "application/fhir+json", payload, 10);
        Rejection kept = store.rejections(10).get(0);
        assertEquals(id, kept.id());
        assertEquals(413, kept.httpStatus());
        assertEquals("x".repeat(10), kept.raw());
        assertTrue(kept.truncated());
    }

    @Test
    void clocksAreDueForWatchedDeliveriesOnlyAndAtTheirScheduledCheck() {
        store.accept("ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json", queuedIlHeldMo());
        ReferralId r1 = new ReferralId("r-1");
        Instant now = Instant.parse("2026-11-21T12:00:00Z");
        store.scheduleClockChecks(List.of(new MessageStore.ClockCheck(r1, IL, DeliveryStatus.QUEUED, null)));
        assertEquals(List.of(MO), jurisdictionsDue(now));

        store.update(new StatusUpdate(r1, IL, DeliveryStatus.DELIVERED, null, Instant.parse("2026-11-21T12:01:00Z"), null));
        List<MessageStore.OpenDelivery> due = store.clocksDue(now, 10);
        assertEquals(List.of(IL, MO), due.stream().map(o -> o.delivery().jurisdiction()).sorted(java.util.Comparator.comparing(Jurisdiction::code)).toList(),
                "a change of status is checked at the next scan: a delivery deadline met, a state's clock may follow");
        assertTrue(due.stream().allMatch(o -> o.acknowledgedAt() == null), "no state has answered yet");

        // a scan that read IL while QUEUED does not overwrite the check its new status set
        store.scheduleClockChecks(List.of(new MessageStore.ClockCheck(r1, IL, DeliveryStatus.QUEUED, null)));
        assertEquals(List.of(IL, MO), jurisdictionsDue(now));

        store.scheduleClockChecks(List.of(new MessageStore.ClockCheck(r1, IL, DeliveryStatus.DELIVERED, null),
                new MessageStore.ClockCheck(r1, MO, DeliveryStatus.ON_HOLD, now.plusSeconds(3600))));
        assertEquals(List.of(), jurisdictionsDue(now.plusSeconds(3599)), "not due before its next threshold");
        assertEquals(List.of(MO), jurisdictionsDue(now.plusSeconds(3600)));

        Instant acknowledged = Instant.parse("2026-11-21T12:02:00Z");
        store.update(new StatusUpdate(r1, IL, DeliveryStatus.ACKNOWLEDGED, "SCR-1", acknowledged, null));
        store.update(new StatusUpdate(r1, IL, DeliveryStatus.SCREENED_IN, null, acknowledged.plusSeconds(60), null));
        MessageStore.OpenDelivery il = store.clocksDue(now, 10).stream().filter(o -> o.delivery().jurisdiction().equals(IL)).findFirst()
                .orElseThrow(() -> new AssertionError("the state's answer starts its own clock: watched"));
        assertEquals(acknowledged, il.acknowledgedAt(), "the state's clock starts at its first answer, not a later one");

        store.update(new StatusUpdate(r1, IL, DeliveryStatus.INVESTIGATION_OPENED, null, acknowledged.plusSeconds(120), null));
        assertEquals(List.of(), jurisdictionsDue(now), "the state's decision ends every clock");
        List<MessageStore.WatchedDelivery> watched = store.watchedDeliveries(null, null, 10);
        assertEquals(List.of(MO), watched.stream().map(w -> w.open().delivery().jurisdiction()).toList(),
                "a change of rules re-checks watched deliveries only");
        assertEquals(now.plusSeconds(3600), watched.get(0).nextCheck(), "with the check each has scheduled");
        assertEquals(List.of(), store.watchedDeliveries(r1, MO, 10), "the page after the last is empty");
        store.scheduleClockChecks(List.of(new MessageStore.ClockCheck(r1, MO, DeliveryStatus.ON_HOLD, now)));
        assertEquals(List.of(MO), jurisdictionsDue(now));

        store.scheduleClockChecks(List.of(new MessageStore.ClockCheck(r1, MO, DeliveryStatus.ON_HOLD, null)));
        store.update(new StatusUpdate(r1, MO, DeliveryStatus.FAILED, null, acknowledged, "gave up"));
        assertEquals(List.of(MO), jurisdictionsDue(now), "a failed delivery has not met its delivery deadline: still watched");

        store.recordReplay(r1, IL, "submission", null, "karaf");
        MessageStore.OpenDelivery replayed = store.clocksDue(now, 10).stream().filter(o -> o.delivery().jurisdiction().equals(IL))
                .findFirst().orElseThrow(() -> new AssertionError("a replayed delivery is open again, so are its clocks"));
        assertEquals(null, replayed.acknowledgedAt(), "the state's clock starts again with its answer to the replay");
    }

    @Test
    void watchedDeliveriesArePagedInKeyOrderEachOnce() {
        for (String id : List.of("r-3", "r-1", "r-2")) {
            store.accept("ehr|" + id, referral(id), true, "raw", "application/fhir+json", queuedIlHeldMo());
        }
        store.update(new StatusUpdate(new ReferralId("r-2"), IL, DeliveryStatus.SCREENED_OUT, null, Instant.now(), null));
        List<String> seen = new java.util.ArrayList<>();
        List<MessageStore.WatchedDelivery> page = store.watchedDeliveries(null, null, 2);
        while (!page.isEmpty()) {
            page.forEach(w -> seen.add(w.open().referral().id().value() + " " + w.open().delivery().jurisdiction().code()));
            MessageStore.OpenDelivery last = page.get(page.size() - 1).open();
            page = store.watchedDeliveries(last.referral().id(), last.delivery().jurisdiction(), 2);
        }
        assertEquals(List.of("r-1 US-IL", "r-1 US-MO", "r-2 US-MO", "r-3 US-IL", "r-3 US-MO"), seen,
                "pages of two across referrals and within one; r-2's screened-out delivery ends its clocks");
    }

    private List<Jurisdiction> jurisdictionsDue(Instant now) {
        return store.clocksDue(now, 10).stream().map(o -> o.delivery().jurisdiction()).toList();
    }

    @Test
    void aRiskSignalNotSentIsStoredWithItsReasonAndNoClock() {
        store.accept(null, "ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.NOT_SENT),
                Map.of(IL, "a risk signal is not a report"));
        Delivery il = store.find(new ReferralId("r-1")).orElseThrow().deliveries().get(0);
        assertEquals(DeliveryStatus.NOT_SENT, il.status());
        assertEquals("a risk signal is not a report", il.reason());
        assertEquals(List.of(), jurisdictionsDue(Instant.parse("2030-01-01T00:00:00Z")));
        assertEquals(0, store.unqueued(Instant.parse("2030-01-01T00:00:00Z"), 10).size(), "never queued by the outbox");
    }

    @Test
    void eachDeadlineAlertLevelIsRaisedOnce() {
        store.accept("ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json", queuedIlHeldMo());
        Instant due = Instant.parse("2026-11-22T11:59:00Z");
        assertTrue(store.raiseDeadlineAlert(new ReferralId("r-1"), IL, "us-il-investigation", "90%", due));
        assertFalse(store.raiseDeadlineAlert(new ReferralId("r-1"), IL, "us-il-investigation", "90%", due));
        assertTrue(store.raiseDeadlineAlert(new ReferralId("r-1"), IL, "us-il-investigation", "breached", due));
        assertEquals(List.of("90%", "breached"), store.deadlineAlerts(new ReferralId("r-1")).stream().map(DeadlineAlert::level).toList());
        assertTrue(store.events(new ReferralId("r-1")).contains("deadline-90% US-IL: us-il-investigation due " + due));
        assertTrue(store.raiseDeadlineAlert(new ReferralId("r-1"), IL, "us-il-investigation", org.safeharbor.api.v1.DeadlineRule.Kind.STATE,
                "50%", due));
        assertEquals(List.of(false, false, true), store.deadlineAlerts(new ReferralId("r-1")).stream().map(DeadlineAlert::isStatesClock).toList());
        assertTrue(store.events(new ReferralId("r-1")).contains("state-deadline-50% US-IL: us-il-investigation due " + due));
    }

    @Test
    void markingQueuedNeverOverwritesTheStatesAnswer() {
        // the jurisdiction bundle can consume and answer before the intake records QUEUED
        store.accept("ehr|msg-1", referral("r-1"), true, "raw", "application/fhir+json",
                Map.of(IL, DeliveryStatus.RECEIVED, MO, DeliveryStatus.RECEIVED));
        Instant t = Instant.parse("2026-11-21T12:00:01Z");
        store.update(new StatusUpdate(new ReferralId("r-1"), IL, DeliveryStatus.NOT_SENT, null, t, "nothing for US-IL"));
        assertFalse(store.markQueued(new StatusUpdate(new ReferralId("r-1"), IL, DeliveryStatus.QUEUED, null, t.plusMillis(5), null)));
        assertTrue(store.markQueued(new StatusUpdate(new ReferralId("r-1"), MO, DeliveryStatus.ON_HOLD, null, t.plusMillis(5), "held")));
        List<Delivery> deliveries = store.find(new ReferralId("r-1")).orElseThrow().deliveries();
        assertEquals(DeliveryStatus.NOT_SENT, deliveries.get(0).status());
        assertEquals(DeliveryStatus.ON_HOLD, deliveries.get(1).status());
    }

    @Test
    void attemptNumbersGrowAndEachKeepsItsPayloadAndOutcome() {
        store.accept("ehr|msg-a", referral("r-a"), true, "{}", "application/fhir+json", queuedIlHeldMo());
        ReferralId id = new ReferralId("r-a");
        assertEquals(1, store.recordAttempt(id, IL, "<report n='1'/>"));
        store.recordAttemptFailed(id, IL, 1, "ConnectException");
        assertEquals(2, store.recordAttempt(id, IL, "<report n='2'/>"));
        store.update(new StatusUpdate(id, IL, DeliveryStatus.ACKNOWLEDGED, "IL-1", Instant.parse("2026-11-21T12:00:01Z"), null));
        assertEquals(1, store.recordAttempt(id, MO, "mo"), "numbered per jurisdiction");

        List<Attempt> attempts = store.attempts(id).stream().filter(a -> a.jurisdiction().equals(IL)).toList();
        assertEquals(List.of(1, 2), attempts.stream().map(Attempt::attempt).toList());
        assertEquals("FAILED", attempts.get(0).outcome());
        assertEquals("ConnectException", attempts.get(0).detail());
        assertEquals("ACKNOWLEDGED", attempts.get(1).outcome());
        assertEquals(Optional.of("<report n='1'/>"), store.storedOutput(id, IL, 1));
        assertEquals(Optional.empty(), store.storedOutput(id, IL, 3));
        assertEquals(2, store.lastAttempt(id, IL));
        assertTrue(store.events(id).contains("attempt-failed US-IL: attempt 1: ConnectException"), store.events(id).toString());
    }

    @Test
    void aReplayIsQueuedLinkedToTheOriginalAndToTheAttemptThatCarriesIt() {
        store.accept("ehr|msg-r", referral("r-r"), true, "{}", "application/fhir+json", queuedIlHeldMo());
        ReferralId id = new ReferralId("r-r");
        store.recordAttempt(id, IL, "first");
        store.update(new StatusUpdate(id, IL, DeliveryStatus.FAILED, null, Instant.parse("2026-11-21T12:00:01Z"), "gave up"));

        String replayId = store.recordReplay(id, IL, "output", 1, "karaf");
        assertEquals(DeliveryStatus.QUEUED, store.find(id).orElseThrow().deliveries().get(0).status());
        assertEquals(2, store.recordAttempt(id, IL, "first"));

        Replay replay = store.replays(id).get(0);
        assertEquals(replayId, replay.id());
        assertEquals("output", replay.source());
        assertEquals(1, replay.sourceAttempt());
        assertEquals(2, replay.attempt(), "linked to the attempt that carried it");
        assertTrue(store.events(id).stream().anyMatch(e -> e.startsWith("replay US-IL: replay " + replayId + " from output (attempt 1) by karaf")));
    }

    @Test
    void operatorsListDeliveriesByStatusAndJurisdiction() {
        store.accept("ehr|msg-l1", referral("r-l1"), true, "{}", "application/fhir+json", queuedIlHeldMo());
        store.accept("ehr|msg-l2", referral("r-l2"), true, "{}", "application/fhir+json", queuedIlHeldMo());
        store.update(new StatusUpdate(new ReferralId("r-l2"), IL, DeliveryStatus.FAILED, null, Instant.parse("2026-11-21T12:00:01Z"), "gave up"));

        assertEquals(4, store.deliveries(null, null, 100).size());
        List<DeliverySummary> failed = store.deliveries(DeliveryStatus.FAILED, null, 100);
        assertEquals(List.of(new ReferralId("r-l2")), failed.stream().map(DeliverySummary::referralId).toList());
        assertEquals(2, store.deliveries(null, MO, 100).size());
        assertEquals(1, store.deliveries(null, null, 1).size(), "limited");
    }

    @Test
    void storedButNeverQueuedDeliveriesAreFoundForTheOutbox() {
        store.accept("ehr|msg-o", referral("r-o"), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));
        // the store's clock says 12:00; "older than" a moment after that finds it, a moment before does not
        assertEquals(1, store.unqueued(Instant.parse("2026-11-21T12:00:05Z"), 10).size());
        assertEquals(0, store.unqueued(Instant.parse("2026-11-21T11:59:55Z"), 10).size());
        store.markQueued(new StatusUpdate(new ReferralId("r-o"), IL, DeliveryStatus.QUEUED, null, Instant.parse("2026-11-21T12:00:01Z"), null));
        assertEquals(0, store.unqueued(Instant.parse("2026-11-21T12:00:05Z"), 10).size());
    }

    @Test
    void retentionKeepsOpenReferralsAlwaysAndErroredOnesLongerThanDelivered() {
        store.accept("ehr|msg-d", referral("r-done"), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        store.accept("ehr|msg-f", referral("r-failed"), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        store.accept("ehr|msg-q", referral("r-open"), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        Instant t = Instant.parse("2026-11-21T12:00:01Z");
        store.recordAttempt(new ReferralId("r-done"), IL, "payload");
        store.update(new StatusUpdate(new ReferralId("r-done"), IL, DeliveryStatus.ACKNOWLEDGED, "IL-9", t, null));
        store.update(new StatusUpdate(new ReferralId("r-failed"), IL, DeliveryStatus.FAILED, null, t, "gave up"));
        store.quarantine(400, "Bundle", "not a Bundle", "application/fhir+json", "x".getBytes(), 100);

        Instant before = Instant.parse("2026-11-21T11:00:00Z");
        Instant after = Instant.parse("2026-11-22T00:00:00Z");
        assertEquals(new MessageStore.Purged(0, 0), store.purge(before, before, before), "nothing is old enough");
        assertEquals(new MessageStore.Purged(1, 0), store.purge(after, before, before), "only the delivered one is past its retention");
        assertTrue(store.find(new ReferralId("r-done")).isEmpty());
        assertTrue(store.attempts(new ReferralId("r-done")).isEmpty());
        assertTrue(store.find(new ReferralId("r-failed")).isPresent(), "errored ones are kept longer");
        assertEquals(new MessageStore.Purged(1, 1), store.purge(after, after, after));
        assertTrue(store.find(new ReferralId("r-failed")).isEmpty());
        assertTrue(store.find(new ReferralId("r-open")).isPresent(), "an undelivered referral is never deleted");
    }
    @Test
    void retentionDeletesInBatchesAndSaysHowFarItIs() {
        int past = Retention.BATCH * 2 + 100;
        Instant t = Instant.parse("2026-11-21T12:00:01Z");
        for (int i = 0; i < past; i++) {
            store.accept("ehr|msg-b" + i, referral("r-b" + i), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
            store.update(new StatusUpdate(new ReferralId("r-b" + i), IL, DeliveryStatus.ACKNOWLEDGED, "IL-" + i, t, null));
        }
        store.accept("ehr|msg-open", referral("r-still-open"), true, "{}", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));

        List<long[]> steps = new java.util.ArrayList<>();
        Instant after = Instant.parse("2026-11-22T00:00:00Z");
        assertEquals(new MessageStore.Purged(past, 0), store.purge(after, after, after, (done, total) -> steps.add(new long[] {done, total})));
        assertEquals(List.of("500 of 1100", "1000 of 1100", "1100 of 1100"),
                steps.stream().map(p -> p[0] + " of " + p[1]).toList(), "one report per batch of " + Retention.BATCH);
        assertTrue(store.find(new ReferralId("r-b0")).isEmpty());
        assertTrue(store.find(new ReferralId("r-still-open")).isPresent(), "an undelivered referral is never deleted");
        assertEquals(new MessageStore.Purged(0, 0), store.purge(after, after, after, (done, total) -> steps.add(new long[] {done, total})));
        assertEquals(3, steps.size(), "nothing to delete, nothing reported");
    }

    // ------------------------------------------------------------------ the status state machine (issue 11)

    private DeliveryStatus statusOf(String id, Jurisdiction jurisdiction) {
        return store.find(new ReferralId(id)).orElseThrow().deliveries().stream()
                .filter(d -> d.jurisdiction().equals(jurisdiction)).findFirst().orElseThrow().status();
    }

    private static StatusUpdate status(String id, Jurisdiction jurisdiction, DeliveryStatus status, String reason) {
        return new StatusUpdate(new ReferralId(id), jurisdiction, status, null, Instant.parse("2026-11-21T12:00:05Z"), reason);
    }

    @Test
    void aStatusMovesForwardOnlyAndALateEarlierOneIsNotApplied() {
        store.accept("ehr|fwd", referral("r-fwd"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        store.recordAttempt(new ReferralId("r-fwd"), IL, "<payload/>");
        store.report(status("r-fwd", IL, DeliveryStatus.ACKNOWLEDGED, null));
        store.report(status("r-fwd", IL, DeliveryStatus.SCREENED_IN, null));

        // a late "received" (acknowledged), a delivery route's DELIVERED and a bare QUEUED come after it
        store.report(status("r-fwd", IL, DeliveryStatus.ACKNOWLEDGED, null));
        store.report(status("r-fwd", IL, DeliveryStatus.DELIVERED, null));
        store.update(status("r-fwd", IL, DeliveryStatus.QUEUED, null));

        assertEquals(DeliveryStatus.SCREENED_IN, statusOf("r-fwd", IL));
        assertTrue(store.events(new ReferralId("r-fwd")).contains("status-not-applied US-IL: ACKNOWLEDGED after SCREENED_IN (forward only)"),
                store.events(new ReferralId("r-fwd")).toString());
        assertEquals(List.of(DeliveryStatus.SCREENED_IN), store.clocksDue(Instant.parse("2030-01-01T00:00:00Z"), 10).stream()
                .map(o -> o.delivery().status()).toList(), "a move back reopens no delivery clock: only the state's own runs on");
        // and on: the investigation, which ends every clock
        store.report(status("r-fwd", IL, DeliveryStatus.INVESTIGATION_OPENED, null));
        assertEquals(DeliveryStatus.INVESTIGATION_OPENED, statusOf("r-fwd", IL));
        assertTrue(store.clocksDue(Instant.parse("2030-01-01T00:00:00Z"), 10).isEmpty());
    }

    @Test
    void aTerminalStatusIsNeverOverwrittenByALaterOne() {
        store.accept("ehr|term", referral("r-term"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        store.recordAttempt(new ReferralId("r-term"), IL, "<payload/>");
        store.report(status("r-term", IL, DeliveryStatus.ACKNOWLEDGED, null));
        store.report(status("r-term", IL, DeliveryStatus.INVESTIGATION_OPENED, "case opened"));

        for (DeliveryStatus later : DeliveryStatus.values()) {
            store.report(status("r-term", IL, later, "forged " + later));
        }

        StoredReferral stored = store.find(new ReferralId("r-term")).orElseThrow();
        assertEquals(DeliveryStatus.INVESTIGATION_OPENED, stored.deliveries().get(0).status());
        assertEquals("case opened", stored.deliveries().get(0).reason(), "not even the same status rewrites a terminal one");
        for (DeliveryStatus status : DeliveryStatus.values()) {
            assertEquals(status != DeliveryStatus.RECEIVED, MessageStore.mayMove(DeliveryStatus.QUEUED, status), "QUEUED -> " + status);
            if (status.isTerminal()) {
                for (DeliveryStatus to : DeliveryStatus.values()) {
                    assertFalse(MessageStore.mayMove(status, to), status + " -> " + to);
                }
            }
        }
    }

    @Test
    void aStatusForAnUnknownReferralOrAnotherJurisdictionIsRefusedAndWritesNothing() {
        store.accept("ehr|known", referral("r-known"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));

        java.util.NoSuchElementException unknown = org.junit.jupiter.api.Assertions.assertThrows(java.util.NoSuchElementException.class,
                () -> store.report(status("r-nobody", IL, DeliveryStatus.SCREENED_OUT, null)));
        org.junit.jupiter.api.Assertions.assertThrows(java.util.NoSuchElementException.class,
                () -> store.report(status("r-known", MO, DeliveryStatus.INVESTIGATION_OPENED, null)));

        assertFalse(unknown.getMessage().contains("SELECT") || unknown.getMessage().contains("INSERT"), unknown.getMessage());
        assertTrue(store.find(new ReferralId("r-nobody")).isEmpty());
        assertEquals(List.of(IL), store.find(new ReferralId("r-known")).orElseThrow().deliveries().stream().map(Delivery::jurisdiction).toList(),
                "no delivery is created for a jurisdiction that never had the referral");
    }

    @Test
    void aStatesAnswerForAReferralNoAttemptCarriedIsRefusedAndItsClocksRunOn() {
        store.accept("ehr|undelivered", referral("r-und"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        Instant now = Instant.parse("2026-11-21T12:00:00Z");
        assertEquals(1, store.clocksDue(now, 10).size());

        // never attempted: a forged "investigation opened" (or "received") must not close it and stop its clocks
        for (DeliveryStatus forged : List.of(DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.REJECTED)) {
            org.junit.jupiter.api.Assertions.assertThrows(java.util.NoSuchElementException.class, () -> store.report(status("r-und", IL, forged, null)));
        }
        // every attempt failed (the state was down): still not received
        int attempt = store.recordAttempt(new ReferralId("r-und"), IL, "<payload/>");
        store.recordAttemptFailed(new ReferralId("r-und"), IL, attempt, "ConnectException");
        org.junit.jupiter.api.Assertions.assertThrows(java.util.NoSuchElementException.class,
                () -> store.report(status("r-und", IL, DeliveryStatus.SCREENED_OUT, null)));

        assertEquals(DeliveryStatus.QUEUED, statusOf("r-und", IL));
        assertEquals(1, store.clocksDue(now, 10).size(), "its clocks are still watched");

        // the next attempt is under way: the state's answer to it is taken
        store.recordAttempt(new ReferralId("r-und"), IL, "<payload/>");
        store.report(status("r-und", IL, DeliveryStatus.ACKNOWLEDGED, null));
        assertEquals(DeliveryStatus.ACKNOWLEDGED, statusOf("r-und", IL));
    }

    @Test
    void theStatesRefusalOfAnAttemptIsTakenButNotAForgedOneWhileTheStateWasDown() {
        // what the core's JurisdictionPipeline does when the state refuses the report: the attempt failed as "refused", then REJECTED
        store.accept("ehr|refused", referral("r-ref"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        int refused = store.recordAttempt(new ReferralId("r-ref"), IL, "<payload/>");
        store.recordAttemptFailed(new ReferralId("r-ref"), IL, refused, "refused: SOAP fault Client (InvalidReport)");
        store.report(status("r-ref", IL, DeliveryStatus.REJECTED, "refused by US-IL"));
        assertEquals(DeliveryStatus.REJECTED, statusOf("r-ref", IL));

        // the state was down: a "rejected" from anyone is not its answer
        store.accept("ehr|down", referral("r-down"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        int down = store.recordAttempt(new ReferralId("r-down"), IL, "<payload/>");
        store.recordAttemptFailed(new ReferralId("r-down"), IL, down, "IllinoisDeliveryException (ConnectException)");
        org.junit.jupiter.api.Assertions.assertThrows(java.util.NoSuchElementException.class,
                () -> store.report(status("r-down", IL, DeliveryStatus.REJECTED, "forged")));
        assertEquals(DeliveryStatus.QUEUED, statusOf("r-down", IL));
    }
}

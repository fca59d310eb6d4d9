package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.MessageStore;

/**
 * A dead letter that expired from the broker into the message store is still a dead letter: harbor:replay
 * --dead-letters sends it again (from the store, as a recorded replay) with those still on the broker, once.
 */
class DeadLetterCommandsTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");

    /** The replay service as the operator's commands see it: it records each replay in the store, as the real one does. */
    static final class RecordingReplay implements ReferralReplay {
        final MessageStore store;
        final List<String> calls = new ArrayList<>();
        final List<Queued> onBroker = new ArrayList<>();

        RecordingReplay(MessageStore store) {
            this.store = store;
        }

        @Override
        public Queued replay(ReferralId referralId, Jurisdiction jurisdiction, Source source, Integer attempt, String requestedBy) {
            calls.add(referralId.value() + " " + jurisdiction.code() + " " + source + " " + requestedBy);
            return new Queued(store.recordReplay(referralId, jurisdiction, source.name().toLowerCase(), attempt, requestedBy), referralId,
                    jurisdiction);
        }

        @Override
        public List<DeadLetter> deadLetters(Jurisdiction jurisdiction) {
            return List.of();
        }

        @Override
        public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy) {
            return replayDeadLetters(jurisdiction, requestedBy, Progress.NONE);
        }

        /** As the real one: the total when it begins, then after each message moved. */
        @Override
        public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy, Progress progress) {
            calls.add("dead-letters " + jurisdiction.code());
            List<Queued> moved = new ArrayList<>();
            progress.moved(0, onBroker.size());
            for (Queued q : onBroker) {
                moved.add(q);
                progress.moved(moved.size(), onBroker.size());
            }
            onBroker.clear();
            return moved;
        }
    }

    @Test
    void expiredDeadLettersAreReplayedFromTheStoreOnce() {
        MessageStore store = TestStore.fresh();
        ReferralId expired = TestStore.accept(store, "r-expired", Instant.now().minus(Duration.ofDays(40)), Map.of(ZZ, DeliveryStatus.FAILED));
        ReferralId onBroker = TestStore.accept(store, "r-on-broker", Instant.now(), Map.of(ZZ, DeliveryStatus.FAILED));
        assertTrue(store.recordExpired("ID:m-1", expired, ZZ, DeliveryContract.deadLetters(ZZ), Instant.now().minus(Duration.ofDays(31))));
        RecordingReplay replay = new RecordingReplay(store);
        replay.onBroker.add(new ReferralReplay.Queued("p-1", onBroker, ZZ));

        List<ReferralReplay.Queued> queued = ReplayCommand.replayDeadLetters(replay, store, ZZ, "alice");

        assertEquals(List.of(onBroker, expired), queued.stream().map(ReferralReplay.Queued::referralId).toList());
        assertEquals(List.of("dead-letters US-ZZ", "r-expired US-ZZ SUBMISSION alice"), replay.calls);
        assertEquals(DeliveryStatus.QUEUED, store.find(expired).orElseThrow().deliveries().get(0).status());
        // replayed: no longer listed as an expired dead letter, not sent a second time
        assertTrue(store.expiredDeadLetters(ZZ).isEmpty());
        assertEquals(List.of(), ReplayCommand.replayDeadLetters(replay, store, ZZ, "alice"));
    }

    @Test
    void aBulkReplayPrintsItsProgressEveryTenMessagesAndAtTheEndTheExpiredOnesCounted() {
        MessageStore store = TestStore.fresh();
        ReferralId expired = TestStore.accept(store, "r-expired", Instant.now().minus(Duration.ofDays(40)), Map.of(ZZ, DeliveryStatus.FAILED));
        assertTrue(store.recordExpired("ID:m-1", expired, ZZ, DeliveryContract.deadLetters(ZZ), Instant.now().minus(Duration.ofDays(31))));
        RecordingReplay replay = new RecordingReplay(store);
        for (int i = 1; i <= 25; i++) {
            replay.onBroker.add(new ReferralReplay.Queued("p-" + i, new ReferralId("r-" + i), ZZ));
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);

        List<ReferralReplay.Queued> queued = ReplayCommand.replayDeadLetters(replay, store, ZZ, "alice",
                ReplayCommand.progressLines(out, ReplayCommand.PROGRESS_EVERY));

        assertEquals(26, queued.size());
        assertEquals(List.of("moved 10 of 26", "moved 20 of 26", "moved 26 of 26"),
                bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        // and listed for harbor:operations and the console, with who started it
        org.safeharbor.store.Operations.Operation op = store.operations().recent().get(0);
        assertEquals(org.safeharbor.store.Operations.Kind.REPLAY_DEAD_LETTERS, op.kind());
        assertEquals(ZZ.code(), op.subject());
        assertEquals("alice", op.startedBy());
        assertEquals("26 of 26", op.progressText());
        assertEquals("26 dead letter(s) queued again", op.outcome());
    }

    @Test
    void progressLinesComeEveryTenAndAtTheEndOnly() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ReferralReplay.Progress lines = ReplayCommand.progressLines(new java.io.PrintStream(bytes, true,
                java.nio.charset.StandardCharsets.UTF_8), 10);
        for (int done = 0; done <= 120; done++) {
            lines.moved(done, 120);
        }
        lines.moved(120, 120);
        List<String> printed = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(12, printed.size(), printed.toString());
        assertEquals("moved 30 of 120", printed.get(2));
        assertEquals("moved 120 of 120", printed.get(11));
        bytes.reset();
        ReplayCommand.progressLines(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), 10).moved(0, 0);
        assertEquals("", bytes.toString(java.nio.charset.StandardCharsets.UTF_8), "nothing to move, no progress line");
    }
}

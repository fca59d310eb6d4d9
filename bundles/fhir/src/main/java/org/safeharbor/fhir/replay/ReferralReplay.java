package org.safeharbor.fhir.replay;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * What an operator can do to send a referral again (the {@code harbor:replay} and
 * {@code harbor:dead-letters} commands). Every replay is recorded in the message store, linked to
 * the original referral and to the delivery attempt that carries it; the state sees the same
 * referral id with a higher attempt number.
 */
@ProviderType
public interface ReferralReplay {

    /** Where a replay takes the referral from. */
    enum Source {
        /** The hospital's original submission, read again through today's mappings. */
        SUBMISSION,
        /** The state payload an earlier attempt sent, resent byte for byte. */
        OUTPUT
    }

    /** A replay that was queued. */
    record Queued(String replayId, ReferralId referralId, Jurisdiction jurisdiction) {
    }

    /** A message on a jurisdiction's dead-letter queue (ids only). */
    record DeadLetter(String messageId, ReferralId referralId, Instant deadLetteredAt) {
    }

    /**
     * Queues the referral for one jurisdiction again.
     *
     * @param attempt for {@link Source#OUTPUT}, the attempt whose payload is resent; null for the last one
     * @throws IllegalArgumentException when the referral, or the stored output, does not exist
     */
    Queued replay(ReferralId referralId, Jurisdiction jurisdiction, Source source, Integer attempt, String requestedBy);

    /** The messages on a jurisdiction's dead-letter queue, oldest first (browsed, not taken). */
    List<DeadLetter> deadLetters(Jurisdiction jurisdiction);

    /**
     * Moves every message on the jurisdiction's dead-letter queue back to its queue, each as a
     * recorded replay; each move is one broker transaction, so a crash loses none.
     */
    List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy);

    /**
     * Where a long replay has got to: called on the replaying thread, so it should be quick and must not throw.
     *
     * @since 1.1
     */
    @FunctionalInterface
    interface Progress {
        /** A listener that ignores the progress. */
        Progress NONE = (done, total) -> { };

        /**
         * @param done  the messages moved so far
         * @param total the messages there were to move when the replay began (at least {@code done}: a message that
         *              arrives on the queue during the replay is moved too, and counted in both)
         */
        void moved(int done, int total);
    }

    /**
     * As {@link #replayDeadLetters(Jurisdiction, String)}, telling {@code progress} the total when it begins
     * ({@code moved(0, total)}) and after each message moved, so the shell and the console can show how far a bulk
     * replay has got. This default, for implementations written before 1.1, reports only the end.
     *
     * @since 1.1
     */
    default List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy, Progress progress) {
        List<Queued> moved = replayDeadLetters(jurisdiction, requestedBy);
        progress.moved(moved.size(), moved.size());
        return moved;
    }
}

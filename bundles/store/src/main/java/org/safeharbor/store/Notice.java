package org.safeharbor.store;

import java.time.Instant;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * A notice a state's law requires besides the report (e.g. Massachusetts DCF's notice to the District Attorney,
 * G.L. c.119 s.51B(k)): a disclosure of its own, with its own status and attempts.
 *
 * @param jurisdiction the jurisdiction whose law requires it
 * @param recipient    who receives it, e.g. {@code district-attorney}
 * @param status       where it stands
 * @param trigger      the state's status that made it due
 * @param reason       why it failed, when it did; no personal data
 * @param recordedAt   when it became due
 * @param updatedAt    when its status last changed
 * @param attempts     how many attempts were made
 */
public record Notice(Jurisdiction jurisdiction, String recipient, Status status, DeliveryStatus trigger, String reason,
                     Instant recordedAt, Instant updatedAt, int attempts) {

    /** Where a notice stands. */
    public enum Status {
        /** Recorded, not yet on its queue (a crash in between: queued again by the bundle's sweep). */
        PENDING,
        /** On its durable queue, to be sent (and retried). */
        QUEUED,
        /** The recipient took it. */
        SENT,
        /** Gave up after its retries: on its dead-letter queue for an operator. */
        FAILED;

        /** The lower-case code shown to the hospital and operators, e.g. {@code sent}. */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}

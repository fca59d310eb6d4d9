package org.safeharbor.api.v1;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A clock a jurisdiction declares. Three kinds, because the law gives each duty to someone else
 * (docs/domain.md, "Clocks"):
 * <ul>
 *   <li>{@link Kind#DELIVERY}: the adapter's own deadline, e.g. Massachusetts' written report within 48 hours
 *       (G.L. c.119 s.51A), which this adapter carries for the hospital. It runs from the referral's receipt
 *       until the state's system confirms receipt (delivered or any later answer); a failed delivery has not
 *       met it, so it runs on.</li>
 *   <li>{@link Kind#STATE}: the state's own statutory clock, e.g. Illinois DCFS' 24 hours to begin an
 *       investigation (325 ILCS 5/7.4). It starts with the state's acknowledgement and is satisfied by one of
 *       {@link #satisfiedBy()} (e.g. investigation opened, screened out); the core watches it after delivery
 *       and reports its breach as the state's, not ours.</li>
 *   <li>{@link Kind#REPORTER}: a duty of the reporting hospital that no adapter can discharge, e.g.
 *       Massachusetts' oral report "immediately". Never watched; told to the hospital when it submits.</li>
 * </ul>
 * The length is configuration (so tests can shorten it); the legal basis is not.
 *
 * @param id          short stable id, e.g. {@code us-il-investigation}
 * @param description what must happen before the clock runs out
 * @param length      the clock's length (zero only for a reporter's duty due immediately)
 * @param legalBasis  the public source, e.g. {@code 325 ILCS 5/7.4}
 * @param kind        whose clock it is
 * @param satisfiedBy for a state's clock, the statuses that satisfy it; empty for the other kinds
 */
@ProviderType
public record DeadlineRule(String id, String description, Duration length, String legalBasis, Kind kind,
                           Set<DeliveryStatus> satisfiedBy) {

    /** Whose clock it is. */
    public enum Kind {
        /** The adapter's: from receipt until the state's system confirms receipt. */
        DELIVERY("delivery"),
        /** The state's: from its acknowledgement until a status in {@link DeadlineRule#satisfiedBy()}. */
        STATE("state"),
        /** The reporting hospital's own duty: told, never watched. */
        REPORTER("reporter");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        /** The stable lower-case code, e.g. {@code state}, used in the store, logs and metrics. */
        public String code() {
            return code;
        }

        /** The kind of a code; unknown codes (an older store) read as {@link #DELIVERY}. */
        public static Kind ofCode(String code) {
            for (Kind kind : values()) {
                if (kind.code.equals(code)) {
                    return kind;
                }
            }
            return DELIVERY;
        }
    }

    /** The statuses in which the state's system has confirmed receipt: a delivery deadline is met. */
    public static final Set<DeliveryStatus> RECEIPT_CONFIRMED = Set.copyOf(EnumSet.of(DeliveryStatus.DELIVERED,
            DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT,
            DeliveryStatus.INVESTIGATION_OPENED));

    /** The statuses that are the state's answer: the first of them starts a state's clock. */
    public static final Set<DeliveryStatus> STATE_ANSWERS = Set.copyOf(EnumSet.of(DeliveryStatus.ACKNOWLEDGED,
            DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT, DeliveryStatus.INVESTIGATION_OPENED));

    public DeadlineRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(length, "length");
        Objects.requireNonNull(legalBasis, "legalBasis");
        Objects.requireNonNull(kind, "kind");
        satisfiedBy = satisfiedBy == null ? Set.of() : Set.copyOf(satisfiedBy);
        if (length.isNegative() || (length.isZero() && kind != Kind.REPORTER)) {
            throw new IllegalArgumentException("deadline length must be positive: " + id);
        }
        if (kind == Kind.STATE && satisfiedBy.isEmpty()) {
            throw new IllegalArgumentException("a state's clock needs the statuses that satisfy it: " + id);
        }
        if (kind != Kind.STATE && !satisfiedBy.isEmpty()) {
            throw new IllegalArgumentException("only a state's clock is satisfied by a status: " + id);
        }
    }

    /** A delivery deadline (the adapter's own), as before kinds existed. */
    public DeadlineRule(String id, String description, Duration length, String legalBasis) {
        this(id, description, length, legalBasis, Kind.DELIVERY, Set.of());
    }

    /** The adapter's delivery deadline: from receipt until the state's system confirms receipt. */
    public static DeadlineRule delivery(String id, String description, Duration length, String legalBasis) {
        return new DeadlineRule(id, description, length, legalBasis, Kind.DELIVERY, Set.of());
    }

    /** A state's own clock: from its acknowledgement until one of {@code satisfiedBy}. */
    public static DeadlineRule state(String id, String description, Duration length, String legalBasis,
                                     Set<DeliveryStatus> satisfiedBy) {
        return new DeadlineRule(id, description, length, legalBasis, Kind.STATE, satisfiedBy);
    }

    /** The reporting hospital's own duty, e.g. an oral report due immediately ({@code Duration.ZERO}). */
    public static DeadlineRule reporter(String id, String description, Duration length, String legalBasis) {
        return new DeadlineRule(id, description, length, legalBasis, Kind.REPORTER, Set.of());
    }

    /** This rule's deadline for a clock started at {@code start}. */
    public Deadline startingAt(Instant start) {
        return new Deadline(this, start, start.plus(length));
    }

    /** The same rule with another length, e.g. a shortened clock from configuration. */
    public DeadlineRule withLength(Duration newLength) {
        return new DeadlineRule(id, description, newLength, legalBasis, kind, satisfiedBy);
    }

    /** Whether the core watches this clock (the reporter's duties are only told). */
    public boolean isWatched() {
        return kind != Kind.REPORTER;
    }

    /**
     * Whether a delivery at {@code status} has met this clock: a delivery deadline once the state's
     * system confirmed receipt, a state's clock once a status that satisfies it arrived.
     */
    public boolean isMetBy(DeliveryStatus status) {
        return switch (kind) {
            case DELIVERY -> RECEIPT_CONFIRMED.contains(status);
            case STATE -> satisfiedBy.contains(status);
            case REPORTER -> true;
        };
    }
}

package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a referral stands for one jurisdiction, from acceptance by the adapter to the state's
 * decision. The hospital follows these through its FHIR {@code Task}.
 */
@ProviderType
public enum DeliveryStatus {
    /** Accepted by the adapter and durably stored. */
    RECEIVED(false),
    /** On the jurisdiction's durable queue, waiting for delivery. */
    QUEUED(false),
    /** Held on the queue because no bundle for the jurisdiction is installed. */
    ON_HOLD(false),
    /**
     * Nothing was sent: the jurisdiction's rules give this state nothing from this referral (e.g.
     * only an at-risk signal, or the case belongs to another authority).
     */
    NOT_SENT(true),
    /** Handed to the state's system, which confirmed receipt on the transport. */
    DELIVERED(false),
    /** The state acknowledged the report and gave it an intake number. */
    ACKNOWLEDGED(false),
    /** The state screened the report in. */
    SCREENED_IN(false),
    /** The state screened the report out. */
    SCREENED_OUT(true),
    /** The state opened an investigation or assessment. */
    INVESTIGATION_OPENED(true),
    /** The state rejected the report as malformed; kept in quarantine with the state's reason. */
    REJECTED(true),
    /** Delivery gave up after its retries; kept on the dead-letter queue for an operator. */
    FAILED(true);

    private final boolean terminal;

    DeliveryStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** True when no further automatic change is expected. */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * True while the referral has not been handed to the state: received, queued or on hold. The one definition
     * of "open" (the outbox, retention and the clocks' delivery deadlines rest on it).
     */
    public boolean isOpen() {
        return this == RECEIVED || this == QUEUED || this == ON_HOLD;
    }
}

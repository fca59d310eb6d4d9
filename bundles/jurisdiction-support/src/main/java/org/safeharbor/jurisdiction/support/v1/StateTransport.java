package org.safeharbor.jurisdiction.support.v1;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.annotation.versioning.ConsumerType;
import org.safeharbor.api.v1.DeliveryContract;

/**
 * A state's transport: the part of a jurisdiction bundle that carries its payload to the state and the state's
 * answers back. The core owns everything around it (routes/ {@code JurisdictionPipeline}: the queue, the idempotent
 * consumer, the numbered attempt, retries, dead letters, quarantine, the status report); a bundle supplies its
 * {@link org.safeharbor.api.v1.JurisdictionAdapter} (rules, format, clocks) and, on the same service object, this.
 *
 * <pre>
 * core:  referrals.US-XX ─▶ rules ─▶ format ─▶ attempt n ─▶ direct:US-XX-deliver ─▶ report the answer
 * state:                                                    └─ this transport's route: send, read the answer
 * </pre>
 *
 * The delivery route receives the state's payload as body, the referral in
 * {@link DeliveryContract#REFERRAL_PROPERTY} and the headers {@link DeliveryContract#STATE_REFERRAL_ID} and
 * {@link DeliveryContract#STATE_ATTEMPT}, which it passes on to the state (and no other header:
 * {@link AdapterHeaders}). It answers with {@link StateAnswer}; it throws {@link StateRejectedException} when
 * the state refuses the report (quarantined at once) and anything else for a passing failure (retried).
 */
@ConsumerType
public interface StateTransport {

    /** The retry policy for passing failures; a bundle returns the one from its configuration. */
    default Redelivery redelivery() {
        return Redelivery.DEFAULT;
    }

    /**
     * Adds this state's routes to the core's builder: the one {@code routes.from(deliverEndpoint)} that carries an
     * attempt to the state, and any routes of its own (status call-backs, batches). Throw to keep the state's routes
     * from starting (e.g. a refused configuration); the core logs why and leaves its referrals on the queue.
     */
    void configure(RouteBuilder routes, String deliverEndpoint) throws Exception;
}

package org.safeharbor.routes;

import org.apache.camel.CamelContext;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * In what order a jurisdiction's queue is delivered, on one node or many. Each queue message carries an Artemis message
 * group ({@link DeliveryContract#MESSAGE_GROUP}); the broker gives a group's messages to one consumer at a time, in
 * order, whichever node it is on.
 * <ul>
 *   <li>a state with one consumer per node ({@code queueConsumers=1}, the default) is delivered in order: one group, the
 *       jurisdiction, and its receive route runs on one node at a time, under its own lease ({@link #lease}; the
 *       {@link Singletons} service). The group alone is not enough: when a consumer's connection dies, Artemis removes
 *       the consumer from the queue before it puts the consumer's unacknowledged messages back, so a message that
 *       arrives in between can reach the group's next consumer, on the other node, before them. With the lease the next
 *       consumer starts only once the dead node's lease has ended, long after those messages are back in order; the
 *       group still keeps two consumers apart should a node that lost its lease not have stopped yet. (A CI run of
 *       ClusterIT saw a referral overtaken by the next one when only the group ordered them.)</li>
 *   <li>a state with more ({@code queueConsumers.US-XX=4}): a group per referral, so referrals go out in parallel on
 *       every node's consumers, and the copies of one referral (the outbox's, a hospital's resend) never reach two
 *       consumers at once: the second finds the first's delivered key.</li>
 * </ul>
 * The broker bounds its group table with {@code default-group-buckets} (etc/artemis.xml, etc/production/artemis-broker.xml).
 */
final class DeliveryOrder {

    /** Route groups that start with this run under the lease of that name ({@link Singletons}). */
    static final String LEASE_PREFIX = "safeharbor-in-order-";

    private DeliveryOrder() {
    }

    /** Consumers of the jurisdiction's queue on this node: its own {@code queueConsumers.US-XX}, else {@code queueConsumers}. */
    static int consumers(CamelContext camel, Jurisdiction jurisdiction) {
        var properties = camel.getPropertiesComponent();
        return Integer.parseInt(properties.resolveProperty(JurisdictionPipeline.QUEUE_CONSUMERS + "." + jurisdiction.code())
                .or(() -> properties.resolveProperty(JurisdictionPipeline.QUEUE_CONSUMERS)).orElse("1"));
    }

    /** Whether the jurisdiction's referrals are delivered in the order they were accepted (one consumer per node). */
    static boolean inOrder(CamelContext camel, Jurisdiction jurisdiction) {
        return consumers(camel, jurisdiction) == 1;
    }

    /** The message group of a referral's message on the jurisdiction's queue. */
    static String group(CamelContext camel, Jurisdiction jurisdiction, String referralId) {
        return inOrder(camel, jurisdiction) ? jurisdiction.code() : referralId;
    }

    /**
     * The lease (and route group) under which an in-order jurisdiction's receive route runs: one per state, so
     * different nodes can deliver different states.
     */
    static String lease(Jurisdiction jurisdiction) {
        return LEASE_PREFIX + jurisdiction.code();
    }
}

package org.safeharbor.routes;

import org.apache.camel.CamelContext;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * In what order a jurisdiction's queue is delivered, on one node or many: each queue message carries an Artemis message
 * group ({@value #GROUP}), and the broker gives a group's messages to one consumer at a time, in order, whichever node
 * it is on; when that consumer goes (its node dies), the group moves to another with the unacknowledged messages first.
 * <ul>
 *   <li>a state with one consumer per node ({@code queueConsumers=1}, the default): one group, the jurisdiction, so its
 *       referrals are delivered one at a time in the order they were accepted, across all nodes;</li>
 *   <li>a state with more ({@code queueConsumers.US-XX=4}): a group per referral, so referrals go out in parallel on
 *       every node's consumers, and the copies of one referral (the outbox's, a hospital's resend) never reach two
 *       consumers at once: the second finds the first's delivered key.</li>
 * </ul>
 * The broker bounds its group table with {@code default-group-buckets} (etc/artemis.xml, etc/production/artemis-broker.xml).
 */
final class DeliveryOrder {

    /** The JMS property of a message group; Qpid JMS carries it as the AMQP {@code group-id}. */
    static final String GROUP = "JMSXGroupID";

    private DeliveryOrder() {
    }

    /** Consumers of the jurisdiction's queue on this node: its own {@code queueConsumers.US-XX}, else {@code queueConsumers}. */
    static int consumers(CamelContext camel, Jurisdiction jurisdiction) {
        var properties = camel.getPropertiesComponent();
        return Integer.parseInt(properties.resolveProperty(JurisdictionPipeline.QUEUE_CONSUMERS + "." + jurisdiction.code())
                .or(() -> properties.resolveProperty(JurisdictionPipeline.QUEUE_CONSUMERS)).orElse("1"));
    }

    /** The message group of a referral's message on the jurisdiction's queue. */
    static String group(CamelContext camel, Jurisdiction jurisdiction, String referralId) {
        return consumers(camel, jurisdiction) == 1 ? jurisdiction.code() : referralId;
    }
}

package org.safeharbor.shell;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.ReferralId;

/**
 * Takes the messages of given referrals off a queue: a JMS selector on the {@link DeliveryContract#REFERRAL_ID}
 * header picks them, so every other message stays where it is, in its order. One broker transaction per
 * {@value #CHUNK} referrals.
 */
final class HeldMessages {

    static final int CHUNK = 100;
    /** How long the broker may take to hand over the next matching message before the queue counts as done. */
    static final long RECEIVE_MILLIS = 2_000;

    private HeldMessages() {
    }

    /** Removes every message on {@code queue} that carries one of {@code ids}; returns how many it removed. */
    static int remove(ConnectionFactory factory, String queue, List<ReferralId> ids) throws JMSException {
        int removed = 0;
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            connection.start();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                        selector(ids.subList(from, Math.min(ids.size(), from + CHUNK))))) {
                    while (consumer.receive(RECEIVE_MILLIS) != null) {
                        removed++;
                    }
                }
                session.commit();
            }
        }
        return removed;
    }

    /** {@code referralId IN ('a', 'b')}, each id quoted as a JMS selector string literal. */
    static String selector(List<ReferralId> ids) {
        return DeliveryContract.REFERRAL_ID + " IN (" + ids.stream().map(id -> "'" + id.value().replace("'", "''") + "'")
                .collect(Collectors.joining(", ")) + ")";
    }
}

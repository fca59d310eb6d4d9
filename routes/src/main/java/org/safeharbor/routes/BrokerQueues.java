package org.safeharbor.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jms.core.JmsTemplate;

/**
 * The jurisdictions' queues (and the services referrals' two) as the broker counts them, read through ActiveMQ Artemis' management address
 * ({@value #MANAGEMENT_ADDRESS}) over AMQP: the broker's queue names, then each {@code referrals.*} queue's message and
 * consumer count, one request and reply each. Browsing a queue would carry every message across to count it; a
 * management request costs the broker a counter read. It runs on the connection factory it is given (the core's
 * caching one, so one shared connection), never a connection of its own. On a broker with security on, the adapter's
 * user needs the {@code manage} permission on {@value #MANAGEMENT_ADDRESS} (README, "Metrics and alerts").
 */
final class BrokerQueues {

    static final String MANAGEMENT_ADDRESS = "activemq.management";
    /** {@code referrals.US-IL}, {@code referrals.US-IL.DLQ}, {@code referrals.US-MA.notices.DLQ}, ... */
    private static final Pattern JURISDICTION_QUEUE = Pattern.compile("referrals\\.([A-Z]{2}-[A-Z0-9]{1,3})(?:\\.([A-Za-z0-9.-]+))?");
    /** The services referrals' queue and its dead letters (README "Services referrals"): no jurisdiction of their own. */
    private static final Pattern SERVICES_QUEUE = Pattern.compile("services\\.referrals(\\.DLQ)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One jurisdiction queue's counts.
     *
     * @param kind {@code referrals} (the queue the pipeline consumes), {@code dlq}, {@code quarantine}, or a further
     *             queue's purpose ({@code notices}, {@code notices.dlq})
     */
    record Depth(String jurisdiction, String kind, long messages, long consumers) {
    }

    private final ConnectionFactory connections;
    private final long timeoutMillis;

    BrokerQueues(ConnectionFactory connections, long timeoutMillis) {
        this.connections = connections;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * A queue where messages wait for an operator: a jurisdiction's dead letters ({@code referrals.US-XX.DLQ},
     * {@code referrals.US-MA.notices.DLQ}) or its quarantine ({@code referrals.US-XX.quarantine}).
     */
    record Parked(String jurisdiction, String queue) {
    }

    /** Every jurisdiction queue on the broker with its counts; {@link IllegalStateException} if the broker did not answer. */
    List<Depth> read() {
        return withManagement(management -> {
            List<Depth> depths = new ArrayList<>();
            for (JsonNode name : management.invoke("broker", "getQueueNames").path(0)) {
                Matcher queue = JURISDICTION_QUEUE.matcher(name.asText());
                Matcher services = SERVICES_QUEUE.matcher(name.asText());
                if (queue.matches() || services.matches()) {
                    String resource = "queue." + name.asText();
                    // the services queues: jurisdiction "" (no label in Prometheus), kind services and services.dlq
                    depths.add(new Depth(queue.matches() ? queue.group(1) : "", queue.matches() ? kind(queue.group(2))
                            : services.group(1) == null ? "services" : "services.dlq",
                            management.attribute(resource, "messageCount"), management.attribute(resource, "consumerCount")));
                }
            }
            return depths;
        });
    }

    /** The dead-letter and quarantine queues on the broker (names only, nothing counted). */
    List<Parked> parked() {
        return withManagement(management -> {
            List<Parked> parked = new ArrayList<>();
            for (JsonNode name : management.invoke("broker", "getQueueNames").path(0)) {
                Matcher queue = JURISDICTION_QUEUE.matcher(name.asText());
                if (queue.matches() && isParked(kind(queue.group(2)))) {
                    parked.add(new Parked(queue.group(1), name.asText()));
                }
            }
            return parked;
        });
    }

    /** True for the kinds of queue where messages wait for an operator: {@code dlq}, {@code notices.dlq}, {@code quarantine}. */
    static boolean isParked(String kind) {
        return kind.equals("dlq") || kind.endsWith(".dlq") || kind.equals("quarantine");
    }

    private interface ManagementCall<T> {
        T call(Management management) throws JMSException;
    }

    /** Runs requests on the management address in one session of the shared connection, with a temporary reply queue. */
    private <T> T withManagement(ManagementCall<T> call) {
        JmsTemplate jms = new JmsTemplate(connections);
        return jms.execute(session -> {
            TemporaryQueue replies = session.createTemporaryQueue();
            try (MessageProducer requests = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
                 MessageConsumer answers = session.createConsumer(replies)) {
                return call.call(new Management(session, requests, answers, replies, timeoutMillis));
            } finally {
                replies.delete();
            }
        }, true);
    }

    /** The {@code queue} label of a jurisdiction queue from what follows {@code referrals.US-XX}. */
    static String kind(String suffix) {
        return suffix == null ? "referrals" : suffix.toLowerCase(Locale.ROOT);
    }

    /** Request and reply on the management address, in one session. */
    private record Management(Session session, MessageProducer requests, MessageConsumer answers, TemporaryQueue replies,
                              long timeoutMillis) {

        JsonNode invoke(String resource, String operation) throws JMSException {
            TextMessage request = session.createTextMessage("[]");
            request.setStringProperty("_AMQ_OperationName", operation);
            return send(resource, request);
        }

        long attribute(String resource, String attribute) throws JMSException {
            TextMessage request = session.createTextMessage("[]");
            request.setStringProperty("_AMQ_Attribute", attribute);
            JsonNode value = send(resource, request).path(0);
            if (!value.canConvertToLong()) {
                throw new IllegalStateException("the broker answered " + attribute + " of " + resource + " without a number");
            }
            return value.asLong();
        }

        private JsonNode send(String resource, TextMessage request) throws JMSException {
            request.setStringProperty("_AMQ_ResourceName", resource);
            request.setJMSReplyTo(replies);
            requests.send(request);
            Message reply = answers.receive(timeoutMillis);
            if (reply == null) {
                throw new IllegalStateException("no answer from the broker's management address within " + timeoutMillis + " ms");
            }
            if (!reply.getBooleanProperty("_AMQ_OperationSucceeded")) {
                throw new IllegalStateException("the broker refused the management request on " + resource
                        + " (on a secured broker, grant the adapter's user 'manage' on " + MANAGEMENT_ADDRESS + ")");
            }
            String body = reply instanceof TextMessage text ? text.getText() : reply.getBody(String.class);
            try {
                return JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the broker's management answer is not JSON", e);
            }
        }
    }
}

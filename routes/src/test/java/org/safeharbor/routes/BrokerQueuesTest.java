package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Queue depths and consumers as a real Artemis broker counts them, read over AMQP through its management address on
 * one shared connection, and the gauges served at /metrics from them.
 */
class BrokerQueuesTest {

    @TempDir
    static Path data;
    static TestArtemis broker;
    static String url;
    static Connection consumerConnection;

    @BeforeAll
    static void start() throws Exception {
        broker = TestArtemis.start(data);
        url = broker.url;

        JmsConnectionFactory factory = new JmsConnectionFactory(url);
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            send(session, "referrals.US-ZZ", 3);
            send(session, "referrals.US-ZZ.DLQ", 2);
            send(session, "referrals.US-ZZ.quarantine", 1);
            send(session, "referrals.US-MA.notices.DLQ", 1);
            send(session, "services.referrals.DLQ", 2);
            send(session, "not-a-referral-queue", 4);
        }
        // a delivering jurisdiction: one consumer on its queue, which it has emptied
        consumerConnection = factory.createConnection();
        Session session = consumerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("referrals.US-YY"));
        consumerConnection.start();
        assertTrue(consumer != null);
    }

    private static void send(Session session, String queue, int messages) throws Exception {
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        for (int i = 0; i < messages; i++) {
            producer.send(session.createTextMessage("{\"id\":\"r-" + i + "\"}"));
        }
        producer.close();
    }

    @AfterAll
    static void stop() throws Exception {
        consumerConnection.close();
        broker.close();
    }

    @Test
    void everyJurisdictionQueueIsCountedByTheBrokerOnOneConnection() throws Exception {
        CachingConnectionFactory shared = new CachingConnectionFactory(new JmsConnectionFactory(url));
        try {
            BrokerQueues queues = new BrokerQueues(shared, 5_000);
            Set<BrokerQueues.Depth> read = new TreeSet<>(java.util.Comparator.comparing(BrokerQueues.Depth::toString));
            read.addAll(queues.read());
            assertEquals(new TreeSet<>(List.of(
                    "Depth[jurisdiction=, kind=services.dlq, messages=2, consumers=0]",
                    "Depth[jurisdiction=US-MA, kind=notices.dlq, messages=1, consumers=0]",
                    "Depth[jurisdiction=US-YY, kind=referrals, messages=0, consumers=1]",
                    "Depth[jurisdiction=US-ZZ, kind=dlq, messages=2, consumers=0]",
                    "Depth[jurisdiction=US-ZZ, kind=quarantine, messages=1, consumers=0]",
                    "Depth[jurisdiction=US-ZZ, kind=referrals, messages=3, consumers=0]")),
                    new TreeSet<>(read.stream().map(Object::toString).toList()), "only referrals.* queues and the services referrals' dead letters, nothing consumed");
            queues.read();
            queues.read();
            // the broker's own count of connections: the shared one, the test's consumer, nothing per read
            assertEquals(2, broker.server().getConnectionCount());
        } finally {
            shared.destroy();
        }
    }

    @Test
    void theDeadLetterAndQuarantineQueuesAreTheParkedOnes() {
        CachingConnectionFactory shared = new CachingConnectionFactory(new JmsConnectionFactory(url));
        try {
            assertEquals(new TreeSet<>(List.of("US-MA referrals.US-MA.notices.DLQ", "US-ZZ referrals.US-ZZ.DLQ", "US-ZZ referrals.US-ZZ.quarantine")),
                    new TreeSet<>(new BrokerQueues(shared, 5_000).parked().stream().map(p -> p.jurisdiction() + " " + p.queue()).toList()));
        } finally {
            shared.destroy();
        }
    }

    @Test
    void gaugesServeTheLastReadAndWithdrawItWhileTheBrokerIsUnreachable() throws Exception {
        CachingConnectionFactory shared = new CachingConnectionFactory(new JmsConnectionFactory(url));
        AtomicBoolean reachable = new AtomicBoolean(true);
        Metrics metrics = new Metrics();
        try (OperationsMetrics.Gauges gauges = new OperationsMetrics.Gauges(metrics, reachable::get,
                     new BrokerQueues(shared, 5_000)::read, () -> null)) {
            gauges.refresh();
            String scraped = metrics.scrape();
            assertTrue(scraped.contains("safeharbor_queue_depth{jurisdiction=\"US-ZZ\",queue=\"dlq\"} 2.0"), scraped);
            assertTrue(scraped.contains("safeharbor_queue_depth{jurisdiction=\"US-ZZ\",queue=\"referrals\"} 3.0"), scraped);
            assertTrue(scraped.contains("safeharbor_queue_consumers{jurisdiction=\"US-ZZ\"} 0.0"), "nothing delivers US-ZZ: " + scraped);
            assertTrue(scraped.contains("safeharbor_queue_consumers{jurisdiction=\"US-YY\"} 1.0"), scraped);
            assertTrue(scraped.contains("safeharbor_broker_up 1.0"), scraped);
            assertTrue(scraped.contains("safeharbor_database_up 0.0"), "no DataSource: " + scraped);

            reachable.set(false);
            gauges.refresh();
            scraped = metrics.scrape();
            assertTrue(scraped.contains("safeharbor_broker_up 0.0"), scraped);
            assertFalse(scraped.contains("safeharbor_queue_depth{"), "no stale depth while the broker is down: " + scraped);
        } finally {
            metrics.close();
            shared.destroy();
        }
    }

    @Test
    void aBrokerThatDoesNotAnswerWithdrawsTheQueueGaugesButIsStillUp() {
        Metrics metrics = new Metrics();
        AtomicBoolean answers = new AtomicBoolean(true);
        try (OperationsMetrics.Gauges gauges = new OperationsMetrics.Gauges(metrics, () -> true, () -> {
            if (!answers.get()) {
                throw new IllegalStateException("the broker refused the management request");
            }
            return List.of(new BrokerQueues.Depth("US-ZZ", "dlq", 1, 0));
        }, () -> null)) {
            gauges.refresh();
            assertTrue(metrics.scrape().contains("safeharbor_queue_depth{jurisdiction=\"US-ZZ\",queue=\"dlq\"} 1.0"));
            answers.set(false);
            gauges.refresh();
            String scraped = metrics.scrape();
            assertFalse(scraped.contains("safeharbor_queue_depth{"), scraped);
            assertTrue(scraped.contains("safeharbor_broker_up 1.0"), scraped);
        } finally {
            metrics.close();
        }
    }

    @Test
    void theQueueLabelNamesTheKindOfQueue() {
        assertEquals("referrals", BrokerQueues.kind(null));
        assertEquals("dlq", BrokerQueues.kind("DLQ"));
        assertEquals("quarantine", BrokerQueues.kind("quarantine"));
        assertEquals("notices.dlq", BrokerQueues.kind("notices.DLQ"));
    }
}

package org.safeharbor.shell;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.safeharbor.api.v1.DeliveryContract;

/** A real ActiveMQ Artemis on a free loopback port, spoken to over AMQP as the adapter does. */
final class TestBroker implements AutoCloseable {

    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    final JmsConnectionFactory connections;

    TestBroker(Path data) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.setJournalDirectory(data.resolve("journal").toString());
        config.setBindingsDirectory(data.resolve("bindings").toString());
        config.setPagingDirectory(data.resolve("paging").toString());
        config.setLargeMessagesDirectory(data.resolve("large").toString());
        config.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        broker.setConfiguration(config);
        broker.start();
        connections = new JmsConnectionFactory("amqp://127.0.0.1:" + port);
    }

    /** Puts a referral's message on a queue, as the core does: the referral id in its header. */
    void send(String queue, String referralId) throws Exception {
        try (Connection connection = connections.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            TextMessage message = session.createTextMessage("{\"id\":\"" + referralId + "\"}");
            message.setStringProperty(DeliveryContract.REFERRAL_ID, referralId);
            producer.send(message);
        }
    }

    /** The referral ids of the messages on a queue, in order (browsed, not taken). */
    List<String> referralIds(String queue) throws Exception {
        try (Connection connection = connections.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            connection.start();
            List<String> ids = new ArrayList<>();
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                for (Object m : Collections.list(browser.getEnumeration())) {
                    ids.add(((Message) m).getStringProperty(DeliveryContract.REFERRAL_ID));
                }
            }
            return ids;
        }
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}

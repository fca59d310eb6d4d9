package org.safeharbor.routes;

import java.net.ServerSocket;
import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * A real ActiveMQ Artemis on a free loopback port with an AMQP acceptor, as the adapter's tests speak to it (public for
 * the intake's tests in org.safeharbor.fhir).
 */
public final class TestArtemis implements AutoCloseable {

    private final EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    public final String url;

    private TestArtemis(Configuration config, String url) throws Exception {
        this.url = url;
        broker.setConfiguration(config);
        broker.start();
    }

    /** Without persistence or security, its files under {@code data}. */
    public static TestArtemis start(Path data) throws Exception {
        return start(data, freePort());
    }

    /** On {@code port}: the same broker started again after {@link #close()} (without persistence, empty). */
    public static TestArtemis start(Path data, int port) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.setJournalDirectory(data.resolve("journal").toString());
        config.setBindingsDirectory(data.resolve("bindings").toString());
        config.setPagingDirectory(data.resolve("paging").toString());
        config.setLargeMessagesDirectory(data.resolve("large").toString());
        config.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        return new TestArtemis(config, "amqp://127.0.0.1:" + port);
    }

    public static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public ActiveMQServer server() {
        return broker.getActiveMQServer();
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}

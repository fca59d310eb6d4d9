package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.karaf.jaas.modules.properties.PropertiesLoginModule;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker as the distribution ships it (etc/artemis.xml, the realm of etc/org.apache.activemq.artemis.cfg
 * with Karaf's PropertiesLoginModule over the generated users file): security on, an anonymous connection or a wrong
 * password refused, and the adapter, as its generated user, does all it does (send, consume, read queue depths on
 * the management address with a temporary reply queue).
 */
class BrokerSecurityTest {

    @TempDir
    static Path dir;
    static EmbeddedActiveMQ broker;
    static String url;
    static Path users;
    static javax.security.auth.login.Configuration previous;

    static Path shippedArtemisXml() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).resolve(
                "../karaf-distribution/assembly/src/main/resources/assembly/etc/artemis.xml").normalize();
    }

    @BeforeAll
    static void start() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        System.setProperty("karaf.etc", etc.toString());
        System.setProperty("karaf.data", dir.resolve("data").toString());
        int port = TestArtemis.freePort();
        System.setProperty("safeharbor.amqp.port", String.valueOf(port));
        url = "amqp://127.0.0.1:" + port;
        users = BrokerUsers.file();
        BrokerUsers.adapter(users); // what the Broker component does at its first start

        // Karaf's JAAS configuration holds the realm BrokerRealm registers: the same login module and options
        previous = javax.security.auth.login.Configuration.getConfiguration();
        javax.security.auth.login.Configuration.setConfiguration(new javax.security.auth.login.Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return BrokerRealm.NAME.equals(name) ? new AppConfigurationEntry[] {new AppConfigurationEntry(
                        PropertiesLoginModule.class.getName(), AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("users", users.toString()))} : null;
            }
        });
        ActiveMQJAASSecurityManager security = new ActiveMQJAASSecurityManager(BrokerRealm.NAME);
        security.setRolePrincipalClass("org.apache.karaf.jaas.boot.principal.RolePrincipal");
        security.setUserPrincipalClass("org.apache.karaf.jaas.boot.principal.UserPrincipal");
        broker = new EmbeddedActiveMQ();
        broker.setConfigResourcePath(shippedArtemisXml().toUri().toString());
        broker.setSecurityManager(security);
        broker.start();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.stop();
        javax.security.auth.login.Configuration.setConfiguration(previous);
        System.clearProperty("karaf.etc");
        System.clearProperty("karaf.data");
        System.clearProperty("safeharbor.amqp.port");
    }

    @Test
    void theShippedBrokerHasSecurityOnAndOnlyAnAmqpAcceptorOnLoopback() {
        assertTrue(broker.getActiveMQServer().getConfiguration().isSecurityEnabled());
        assertEquals(1, broker.getActiveMQServer().getConfiguration().getAcceptorConfigurations().size());
        assertTrue(broker.getActiveMQServer().getConfiguration().getAcceptorConfigurations().iterator().next().getParams()
                .get("host").equals("127.0.0.1"));
    }

    @Test
    void anAnonymousConnectionIsRefused() {
        assertThrows(JMSSecurityException.class, () -> {
            try (Connection connection = new JmsConnectionFactory(url).createConnection()) {
                connection.start();
            }
        });
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThrows(JMSSecurityException.class, () -> {
            try (Connection connection = new JmsConnectionFactory(BrokerUsers.ADAPTER, "not-it", url).createConnection()) {
                connection.start();
            }
        });
    }

    @Test
    void theUsersFileIsOwnerOnlyAndItsPasswordGenerated() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        BrokerUsers.Credentials adapter = BrokerUsers.adapter(users);
        assertTrue(adapter.password().matches("[A-Za-z0-9]{32}"));
        assertEquals(adapter, BrokerUsers.adapter(users), "generated once");
        assertNotEquals(adapter.password(), BrokerUsers.adapter(dir.resolve("other.users")).password(), "each installation its own");
    }

    @Test
    void theAdapterConnectsAsItsGeneratedUserAndDoesWhatItDoes() throws Exception {
        Broker adapter = new Broker();
        adapter.activate(BrokerTest.config(url)); // no username configured: the generated one
        try {
            assertTrue(adapter.isReachable());
            try (Connection connection = adapter.listenerConnectionFactory().createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue("referrals.US-ZZ")).send(session.createTextMessage("r-1"));
                MessageConsumer consumer = session.createConsumer(session.createQueue("referrals.US-ZZ"));
                connection.start();
                assertEquals("r-1", ((TextMessage) consumer.receive(5_000)).getText());
            }
            // queue depths over the management address, as /metrics reads them (manage, a temporary reply queue)
            assertTrue(new BrokerQueues(adapter.connectionFactory(), 5_000).read().stream()
                    .anyMatch(d -> d.jurisdiction().equals("US-ZZ") && d.kind().equals("referrals")));
        } finally {
            adapter.deactivate();
        }
    }

}

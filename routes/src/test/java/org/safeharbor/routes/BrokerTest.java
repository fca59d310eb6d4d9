package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jms.connection.CachingConnectionFactory;

/** The broker probe behind /health, without a broker: it must say "unreachable", quickly. */
class BrokerTest {

    private Broker broker;

    /** What DS would build from the configuration PID: an instance of the annotation type. */
    static Broker.Config config(String url) {
        return config(url, 10);
    }

    static Broker.Config config(String url, int sessionCacheSize) {
        return new Broker.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return Broker.Config.class;
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public String username() {
                return "";
            }

            @Override
            public String password() {
                return "";
            }

            @Override
            public int sessionCacheSize() {
                return sessionCacheSize;
            }

            public int queueConsumers() {
                return 1;
            }
        };
    }

    @AfterEach
    void deactivate() {
        if (broker != null) {
            broker.deactivate();
        }
    }

    @Test
    void closedPortIsUnreachableWithinSeconds() {
        broker = new Broker();
        // Port 1 on loopback: nothing listens, so the TCP connect is refused at once.
        // No amqp.connectTimeout/jms.connectTimeout needed: a refusal is not a timeout.
        broker.activate(config("amqp://127.0.0.1:1"));

        // Preemptive: a hanging probe fails the test after 5 s instead of blocking the build.
        boolean reachable = assertTimeoutPreemptively(Duration.ofSeconds(5), broker::isReachable,
                "the /health broker probe must not hang on a refused connection");

        assertFalse(reachable);
        assertEquals("amqp://127.0.0.1:1", broker.url());
    }

    @Test
    void activationBuildsTheSharedCachingFactoryFromTheConfigWithoutConnecting() {
        broker = new Broker();
        // Activation must not need a running broker: CamelRuntime activates against it at boot.
        broker.activate(config("amqp://127.0.0.1:1", 7));

        CachingConnectionFactory shared = assertInstanceOf(CachingConnectionFactory.class, broker.connectionFactory());
        assertEquals(7, shared.getSessionCacheSize());
    }

    /**
     * Production uses failover:(...) URLs, with which Qpid JMS retries the initial connect for ever by
     * default: the health probe must still answer within seconds.
     */
    @Test
    void unreachableFailoverUrlIsReportedWithinSeconds() {
        broker = new Broker();
        broker.activate(config("failover:(amqp://127.0.0.1:1)"));

        assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(5), broker::isReachable));
    }

    @Test
    void reportedUrlCarriesNoCredentials() {
        assertEquals("amqp://broker.example:5672", Broker.redact("amqp://broker.example:5672?jms.username=u&jms.password=secret"));
        assertEquals("amqps://broker.example:5671", Broker.redact("amqps://user:secret@broker.example:5671"));
        assertEquals("failover:(amqp://a:5672,amqp://b:5672)",
                Broker.redact("failover:(amqp://a:5672?jms.password=x,amqp://b:5672)?failover.maxReconnectAttempts=5"));
    }

    @Test
    void probeOfAFailoverUrlGivesUpAfterOneAttempt() {
        assertEquals("amqp://a:5672", Broker.probeUrl("amqp://a:5672"));
        assertEquals("failover:(amqp://a:5672)?failover.maxReconnectAttempts=1&failover.startupMaxReconnectAttempts=1",
                Broker.probeUrl("failover:(amqp://a:5672)"));
        assertEquals("failover:(amqp://a:5672?x=1)?y=2&failover.maxReconnectAttempts=1&failover.startupMaxReconnectAttempts=1",
                Broker.probeUrl("failover:(amqp://a:5672?x=1)?y=2"));
    }

    @Test
    void queueConsumersGetThePlainFactoryNeverTheCachingOne() {
        // a consumer cached by CachingConnectionFactory keeps its prefetched messages while nobody reads them
        broker = new Broker();
        broker.activate(config("amqp://127.0.0.1:1"));
        assertInstanceOf(org.apache.qpid.jms.JmsConnectionFactory.class, broker.listenerConnectionFactory());
        assertInstanceOf(CachingConnectionFactory.class, broker.connectionFactory());
    }

    /**
     * /health answers anyone as often as they ask: the probe keeps one connection instead of opening one a call,
     * opens a new one when the broker drops it, and while the broker is unreachable tries again at most every
     * {@link Broker#PROBE_RETRY_MILLIS} ms.
     */
    @Test
    void theHealthProbeKeepsOneConnectionAndReconnectsOnlyAfterItBroke() throws Exception {
        broker = new Broker();
        broker.activate(config("amqp://127.0.0.1:1"));
        java.util.concurrent.atomic.AtomicReference<jakarta.jms.ExceptionListener> listener = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
        jakarta.jms.Connection connection = (jakarta.jms.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {jakarta.jms.Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setExceptionListener")) {
                        listener.set((jakarta.jms.ExceptionListener) args[0]);
                    }
                    return null;
                });
        broker.probeFactory((jakarta.jms.ConnectionFactory) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {jakarta.jms.ConnectionFactory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createConnection")) {
                        opened.incrementAndGet();
                        if (down.get()) {
                            throw new jakarta.jms.JMSException("connection refused");
                        }
                        return connection;
                    }
                    return null;
                }));

        for (int i = 0; i < 100; i++) {
            org.junit.jupiter.api.Assertions.assertTrue(broker.isReachable());
        }
        assertEquals(1, opened.get(), "a hundred health checks, one connection");

        down.set(true);
        listener.get().onException(new jakarta.jms.JMSException("the broker went away"));
        assertFalse(broker.isReachable(), "the broken connection is noticed and a new one cannot be opened");
        for (int i = 0; i < 100; i++) {
            assertFalse(broker.isReachable());
        }
        assertEquals(2, opened.get(), "while unreachable, no new attempt within " + Broker.PROBE_RETRY_MILLIS + " ms");

        down.set(false);
        Thread.sleep(Broker.PROBE_RETRY_MILLIS + 100);
        org.junit.jupiter.api.Assertions.assertTrue(broker.isReachable(), "back once the broker is");
        org.junit.jupiter.api.Assertions.assertTrue(broker.isReachable());
        assertEquals(3, opened.get());
    }

    @Test
    void aStateCanHaveItsOwnNumberOfConsumers() {
        assertEquals(Map.of("US-MA", 4, "US-TX", 1), Broker.queueConsumersByJurisdiction(
                Map.of("queueConsumers", "1", "queueConsumers.US-MA", "4", "queueConsumers.US-TX", " 1 ", "url", "amqp://x")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Broker.queueConsumersByJurisdiction(Map.of("queueConsumers.US-MA", "many")));
        assertTrue(refused.getMessage().contains("queueConsumers.US-MA must be a number of at least 1"), refused.getMessage());
    }
}

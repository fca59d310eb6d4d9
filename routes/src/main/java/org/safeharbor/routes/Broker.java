package org.safeharbor.routes;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The connection to the message broker over AMQP 1.0 (PID {@code org.safeharbor.broker}).
 * The embedded default is the Artemis broker inside Karaf on localhost; production points the URL
 * at an external Artemis cluster. A change of the PID re-creates the connection and, through DS,
 * restarts the CamelContext that uses it.
 */
@Component(service = Broker.class, configurationPid = Broker.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = Broker.Config.class)
public class Broker {

    static final String PID = "org.safeharbor.broker";
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge broker", description = "AMQP 1.0 connection to ActiveMQ Artemis")
    public @interface Config {
        @AttributeDefinition(description = "Qpid JMS connection URI, e.g. amqp://localhost:5672 or failover:(amqp://a:5672,amqp://b:5672)")
        String url() default "amqp://127.0.0.1:5672";

        @AttributeDefinition(required = false, description = "The adapter's user on the broker. Empty: the embedded broker's"
                + " generated one (etc/safeharbor-broker.users)")
        String username() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false)
        String password() default "";

        @AttributeDefinition(description = "Sessions the shared producer connection keeps open")
        int sessionCacheSize() default 10;

        @AttributeDefinition(description = "Consumers per jurisdiction queue on each node. 1 delivers each state's referrals in"
                + " the order they were accepted, across all nodes; more deliver in parallel (faster, e.g. to drain a backlog)"
                + " and so out of order. One state's own: queueConsumers.US-XX")
        int queueConsumers() default 1;
    }

    /** How long a health probe may take: a failover URL would otherwise retry for ever. */
    static final int PROBE_TIMEOUT_MILLIS = 3_000;

    /** The least time between two connection attempts of the probe while the broker is unreachable. */
    static final long PROBE_RETRY_MILLIS = 2_000;

    private String redactedUrl;
    private ConnectionFactory probeFactory;
    private final Object probeLock = new Object();
    // guarded by probeLock
    private Connection probeConnection;
    private int probeAttempts;
    private long lastProbeAttempt;
    private boolean lastProbeFailed;
    // set by the connection's listener thread
    private volatile boolean probeBroken;
    private JmsConnectionFactory listeners;
    private CachingConnectionFactory shared;
    private int queueConsumers;
    private java.util.Map<String, Integer> queueConsumersByJurisdiction = java.util.Map.of();

    /** Without states of their own number of consumers (tests). */
    void activate(Config config) {
        activate(config, java.util.Map.of());
    }

    @Activate
    void activate(Config config, java.util.Map<String, Object> properties) {
        if (config.queueConsumers() < 1) {
            throw new IllegalArgumentException(PID + ": queueConsumers must be at least 1, not " + config.queueConsumers());
        }
        queueConsumers = config.queueConsumers();
        queueConsumersByJurisdiction = queueConsumersByJurisdiction(properties);
        String user = blankToNull(config.username());
        String password = blankToNull(config.password());
        java.nio.file.Path users = BrokerUsers.file();
        if (user == null && users != null) {
            // the embedded broker refuses anonymous connections: the adapter is its generated user
            BrokerUsers.Credentials adapter = BrokerUsers.adapter(users);
            user = adapter.user();
            password = adapter.password();
        }
        redactedUrl = redact(config.url());
        listeners = new JmsConnectionFactory(user, password, config.url());
        shared = new CachingConnectionFactory(new JmsConnectionFactory(user, password, config.url()));
        shared.setSessionCacheSize(config.sessionCacheSize());
        shared.setReconnectOnException(true);
        JmsConnectionFactory probe = new JmsConnectionFactory(user, password, probeUrl(config.url()));
        probe.setConnectTimeout(PROBE_TIMEOUT_MILLIS);
        probeFactory = probe;
        LOG.info("Broker connection configured: {}", redactedUrl);
    }

    @Deactivate
    void deactivate() {
        shared.destroy();
        synchronized (probeLock) {
            closeProbe();
        }
    }

    /** The factory the health probe connects with (a test's own). */
    void probeFactory(ConnectionFactory factory) {
        probeFactory = factory;
    }

    /** The pooled connection factory the CamelContext's {@code amqp} producers send with. */
    public ConnectionFactory connectionFactory() {
        return shared;
    }

    /**
     * The plain connection factory for queue consumers. Never the caching one: a consumer cached
     * by it keeps the messages it prefetched while nobody reads them, so referrals would sit
     * unprocessed until the connection closes.
     */
    public ConnectionFactory listenerConnectionFactory() {
        return listeners;
    }

    /** Consumers per jurisdiction queue on this node (1: in order). */
    public int queueConsumers() {
        return queueConsumers;
    }

    /** The states with their own number of consumers ({@code queueConsumers.US-XX}), by jurisdiction code. */
    public java.util.Map<String, Integer> queueConsumersByJurisdiction() {
        return queueConsumersByJurisdiction;
    }

    static java.util.Map<String, Integer> queueConsumersByJurisdiction(java.util.Map<String, Object> properties) {
        java.util.Map<String, Integer> byCode = new java.util.TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith("queueConsumers.")) {
                String code = org.safeharbor.api.v1.Jurisdiction.of(key.substring("queueConsumers.".length())).code();
                int consumers;
                try {
                    consumers = Integer.parseInt(String.valueOf(value).trim());
                } catch (NumberFormatException e) {
                    consumers = 0;
                }
                if (consumers < 1) {
                    throw new IllegalArgumentException(PID + ": " + key + " must be a number of at least 1, not " + value);
                }
                byCode.put(code, consumers);
            }
        });
        return java.util.Map.copyOf(byCode);
    }

    /** The configured URI without user info or options (which may carry credentials), for logs and /health. */
    public String url() {
        return redactedUrl;
    }

    /**
     * True while the probe's one connection to the broker is open. {@code /health} answers anyone, as often as they
     * ask: a connection per call would let any caller make the broker accept connections at will. So the probe keeps
     * one connection, learns that it broke from its exception listener, and then opens a new one (within a few
     * seconds); after a failed attempt the next one waits {@value #PROBE_RETRY_MILLIS} ms, DOWN meanwhile.
     */
    public boolean isReachable() {
        synchronized (probeLock) {
            if (probeConnection != null && !probeBroken) {
                return true;
            }
            closeProbe();
            long now = System.nanoTime();
            if (lastProbeFailed && now - lastProbeAttempt < PROBE_RETRY_MILLIS * 1_000_000L) {
                return false;
            }
            probeAttempts++;
            lastProbeAttempt = now;
            lastProbeFailed = true;
            try {
                Connection connection = probeFactory.createConnection();
                probeBroken = false;
                connection.setExceptionListener(e -> probeBroken = true);
                connection.start();
                probeConnection = connection;
                lastProbeFailed = false;
                return true;
            } catch (Exception e) {
                LOG.debug("Broker probe failed: {}", e.toString());
                return false;
            }
        }
    }

    /** How many connections the probe opened or tried to open (for tests). */
    int probeAttempts() {
        synchronized (probeLock) {
            return probeAttempts;
        }
    }

    private void closeProbe() {
        if (probeConnection != null) {
            try {
                probeConnection.close();
            } catch (Exception e) {
                LOG.debug("Broker probe connection did not close cleanly: {}", e.toString());
            }
            probeConnection = null;
        }
    }

    /** Drops {@code user:password@} and every {@code ?option} part, e.g. {@code jms.password=...}. */
    static String redact(String url) {
        return url.replaceAll("\\?[^,)]*", "").replaceAll("//[^/@,)]*@", "//");
    }

    /** The same URI, but a failover URI gives up after one attempt instead of retrying for ever. */
    static String probeUrl(String url) {
        if (!url.startsWith("failover:")) {
            return url;
        }
        String options = url.substring(url.lastIndexOf(')') + 1);
        return url + (options.contains("?") ? "&" : "?")
                + "failover.maxReconnectAttempts=1&failover.startupMaxReconnectAttempts=1";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

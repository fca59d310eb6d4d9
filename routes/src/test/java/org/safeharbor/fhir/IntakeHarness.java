package org.safeharbor.fhir;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.component.stub.StubComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcDataSource;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.routes.IntakeRoute;
import org.safeharbor.routes.QueueBody;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;

/**
 * The real intake server, wired as {@link FhirEndpoint} wires it, on an embedded Jetty at 127.0.0.1 (free port),
 * with a fresh H2 message store and a CamelContext holding the core's {@link IntakeRoute} (store, split by
 * jurisdiction, queue). These tests live in routes, in the intake's package, because the intake's classes are the
 * fhir bundle's private ones and the route is the core's: the fhir module cannot depend on routes.
 *
 * <p>The {@code amqp} component is Camel's stub component (an in-memory SEDA queue per AMQP queue name): unit tests
 * run with no broker. The Pax Exam integration test in karaf-distribution/itests covers the real AMQP broker.
 */
final class IntakeHarness implements AutoCloseable {

    final MessageStore store;
    final DefaultCamelContext camel;
    /** The jurisdictions whose bundle is "installed"; tests change it. */
    final Set<Jurisdiction> installed = ConcurrentHashMap.newKeySet();
    /** Of those, the ones whose bundle declares a rule that receives risk signals; tests change it. */
    final Set<Jurisdiction> receivingRiskSignals = ConcurrentHashMap.newKeySet();
    /** The reporter's duties each installed bundle declares; tests change it. */
    final java.util.Map<Jurisdiction, List<DeadlineRule>> reporterDuties = new ConcurrentHashMap<>();
    final String base;
    final int maxPayloadBytes;
    final IntakeService intake;
    /** The queue messages' body, sealed with the store's keys as the core seals it. */
    final QueueBody queueBody;
    final TestTokens tokens = new TestTokens();
    /** The message store's database, for tests that look at what is stored with plain JDBC. */
    final JdbcDataSource dataSource;
    /** The intake's quarantine interceptor: it counts the refusals it did not keep. */
    final IntakeInterceptors.Quarantine quarantine;
    /** What the intake counted and timed ({@link IntakeMetrics}), as /metrics would serve it. */
    final io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters =
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    private final ProducerTemplate producer;
    private final Server jetty;

    /** Without a limit on the submissions a client may make. */
    IntakeHarness(int maxPayloadBytes, Clock clock) throws Exception {
        this(maxPayloadBytes, clock, new org.safeharbor.auth.RateLimiter(0, 1, System::nanoTime));
    }

    IntakeHarness(int maxPayloadBytes, Clock clock, org.safeharbor.auth.RateLimiter submissions) throws Exception {
        this(maxPayloadBytes, clock, submissions, clock, new StubComponent(), IntakeService.DEFAULT_HOLD);
    }

    /**
     * With a broker of the test's own ({@code amqp}, e.g. a real Artemis), the outbox's clock ({@code routeClock}) apart
     * from the reader's, and the intake's hold during an outage.
     */
    IntakeHarness(int maxPayloadBytes, Clock clock, Clock routeClock, org.apache.camel.Component amqp, Duration hold) throws Exception {
        this(maxPayloadBytes, clock, new org.safeharbor.auth.RateLimiter(0, 1, System::nanoTime), routeClock, amqp, hold);
    }

    private IntakeHarness(int maxPayloadBytes, Clock clock, org.safeharbor.auth.RateLimiter submissions, Clock routeClock,
                          org.apache.camel.Component amqp, Duration hold) throws Exception {
        this.maxPayloadBytes = maxPayloadBytes;
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:intake-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(dataSource);
        queueBody = new QueueBody(new StoreCipher(store.keys()));

        camel = new DefaultCamelContext();
        camel.addComponent("amqp", amqp);
        // the core's intake route, as IntakePath adds it (its outbox timer idle here)
        camel.addRoutes(new IntakeRoute(store, installed::contains, routeClock, Duration.ofDays(1), Duration.ofSeconds(10), queueBody));
        camel.start();
        producer = camel.createProducerTemplate();

        FhirContext fhir = FhirContext.forR4Cached();
        SubmissionReader reader = new SubmissionReader(AllegationMaps.load(fhir), clock);
        intake = new IntakeService(reader, producer,
                j -> installed.contains(j) ? java.util.Optional.of(new InstalledBundle(j)) : java.util.Optional.empty(), () -> null, hold);
        List<Object> interceptors = new ArrayList<>(IntakeInterceptors.all(fhir, store, maxPayloadBytes, tokens, submissions));
        interceptors.add(new IntakeMetrics(meters)); // as FhirEndpoint adds it
        quarantine = interceptors.stream().filter(IntakeInterceptors.Quarantine.class::isInstance).map(IntakeInterceptors.Quarantine.class::cast)
                .findFirst().orElseThrow();
        IntakeServer server = new IntakeServer(fhir, new IntakeProvider(fhir, intake, maxPayloadBytes),
                new TaskProvider(store), new AuditEventProvider(fhir, store), interceptors);

        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(server), "/fhir/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/fhir";
    }

    /** An installed jurisdiction bundle as the intake sees it: its risk-signal rule and its reporter's duties. */
    private final class InstalledBundle implements JurisdictionAdapter {
        private final Jurisdiction jurisdiction;

        InstalledBundle(Jurisdiction jurisdiction) {
            this.jurisdiction = jurisdiction;
        }

        public Jurisdiction jurisdiction() { return jurisdiction; }
        public String displayName() { return "test bundle " + jurisdiction.code(); }
        public List<DeadlineRule> deadlineRules() { return reporterDuties.getOrDefault(jurisdiction, List.of()); }

        public StateFormat format() {
            return new StateFormat() {
                public String mediaType() { return "text/plain"; }
                public java.util.Optional<String> write(Referral referral) { throw new UnsupportedOperationException(); }
                public Referral read(String payload) { throw new UnsupportedOperationException(); }
                public Set<ReferralField> disclosedFields() { return Set.of(); }
                public java.util.Map<AllegationType, String> unsupportedTypes() { return java.util.Map.of(); }
                public java.util.Optional<String> atRiskRule() {
                    return receivingRiskSignals.contains(jurisdiction) ? java.util.Optional.of("test rule") : java.util.Optional.empty();
                }
            };
        }
    }

    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    /** {@code POST <base><path>} with a FHIR JSON body and, unless null, a bearer token. */
    java.net.http.HttpResponse<String> post(String path, String token, String body) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return send(request, token);
    }

    /** {@code GET <base><path>} (or a full URL) with, unless null, a bearer token. */
    java.net.http.HttpResponse<String> get(String path, String token) throws Exception {
        return send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(path.startsWith("http") ? path : base + path))
                .header("Accept", "application/fhir+json").GET(), token);
    }

    private java.net.http.HttpResponse<String> send(java.net.http.HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** What was put on the jurisdiction's queue ({@code amqp:queue:referrals.<jurisdiction>}). */
    BlockingQueue<Exchange> queue(String jurisdiction) {
        return camel.getEndpoint("amqp:queue:" + DeliveryContract.queue(Jurisdiction.of(jurisdiction)), SedaEndpoint.class).getQueue();
    }

    /** Every message on every queue, as "queue name: referral id". */
    List<String> everythingQueued() {
        List<String> all = new ArrayList<>();
        camel.getEndpoints().stream().filter(SedaEndpoint.class::isInstance).map(SedaEndpoint.class::cast)
                .map(SedaEndpoint::getQueue).distinct()
                .forEach(q -> q.forEach(e -> all.add(e.getMessage().getHeader(DeliveryContract.JURISDICTION) + ": "
                        + e.getMessage().getHeader(DeliveryContract.REFERRAL_ID))));
        return all;
    }

    void clearQueues() {
        camel.getEndpoints().stream().filter(SedaEndpoint.class::isInstance).map(SedaEndpoint.class::cast)
                .forEach(e -> e.getQueue().clear());
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        intake.close();
        producer.close();
        camel.stop();
    }
}

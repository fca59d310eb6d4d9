package org.safeharbor.fhir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.h2.jdbcx.JdbcDataSource;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.store.MessageStore;

/**
 * The intake's FHIR server as {@link FhirEndpoint} wires it (its providers and interceptors, HAPI's RestfulServer) on an
 * embedded Jetty at 127.0.0.1, with an H2 message store. In place of the core's intake route (routes/ IntakeRoute, whose
 * HTTP tests live in routes) {@link DeliveryContract#INTAKE_ENDPOINT} only stores the referral and keeps what it was
 * handed: what these tests look at is the intake's answer and the canonical referral, not the queues.
 */
final class FhirServerHarness implements AutoCloseable {

    final MessageStore store;
    final String base;
    final TestTokens tokens = new TestTokens();
    /** The services-referral bundle, when a test installs one (null: none). */
    volatile org.safeharbor.fhir.services.ServicesReferrals services;
    /** Every canonical referral handed to the core's intake route, in order. */
    final List<Referral> handedOver = new CopyOnWriteArrayList<>();
    private final DefaultCamelContext camel;
    private final ProducerTemplate producer;
    private final Server jetty;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    FhirServerHarness() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:fhir-server-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(dataSource);
        camel = new DefaultCamelContext();
        camel.addRoutes(storingIntake(store, handedOver));
        camel.start();
        producer = camel.createProducerTemplate();

        FhirContext fhir = FhirContext.forR4Cached();
        IntakeService intake = new IntakeService(new SubmissionReader(AllegationMaps.load(fhir), Clock.systemUTC()), producer,
                j -> Optional.empty(), () -> services);
        int maxPayloadBytes = 1_048_576;
        IntakeServer server = new IntakeServer(fhir, new IntakeProvider(fhir, intake, maxPayloadBytes), new TaskProvider(store, () -> services),
                new AuditEventProvider(fhir, store),
                IntakeInterceptors.all(fhir, store, maxPayloadBytes, tokens, new org.safeharbor.auth.RateLimiter(0, 1, System::nanoTime),
                        () -> services));
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(server, "/fhir/*");
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        jetty.setHandler(context);
        jetty.start();
        base = jetty.getURI().resolve("/fhir").toString();
    }

    /**
     * In place of the core's intake route: {@link DeliveryContract#INTAKE_ENDPOINT} stores the referral with the statuses the
     * intake decided and keeps what it was handed.
     */
    static RouteBuilder storingIntake(MessageStore store, List<Referral> handedOver) {
        return new RouteBuilder() {
            @Override
            @SuppressWarnings("unchecked")
            public void configure() {
                from(DeliveryContract.INTAKE_ENDPOINT).process(exchange -> {
                    org.apache.camel.Message in = exchange.getMessage();
                    Referral referral = in.getBody(Referral.class);
                    handedOver.add(referral);
                    Map<Jurisdiction, DeliveryStatus> initial = in.getHeader(DeliveryContract.SUBMISSION_STATUS, Map.class);
                    in.setBody(store.accept(in.getHeader(DeliveryContract.SUBMITTED_BY, String.class),
                            in.getHeader(DeliveryContract.SUBMISSION_KEY, String.class), referral,
                            in.getHeader(DeliveryContract.SUBMISSION_ACTIONABLE, Boolean.class),
                            in.getHeader(DeliveryContract.SUBMISSION_RAW, String.class),
                            in.getHeader(DeliveryContract.SUBMISSION_MEDIA_TYPE, String.class), initial == null ? Map.of() : initial));
                });
            }
        };
    }

    /** {@code POST <base><path>} with a FHIR JSON body and, unless null, a bearer token. */
    HttpResponse<String> post(String path, String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    /** {@code GET <base><path>} with, unless null, a bearer token. */
    HttpResponse<String> get(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/fhir+json").GET(), token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        producer.close();
        camel.stop();
    }
}

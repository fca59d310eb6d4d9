package org.safeharbor.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.Communication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Notice;
import org.safeharbor.store.StoredReferral;

/**
 * A team's notices end to end in a CamelContext with the message store on H2 and a real HTTPS receiver (Jetty, a
 * certificate made for the test): the state's intake number makes one notice due, retried on 503 and then sent, each
 * attempt a NOTICE audit entry listing the payload's fields; a receiver that keeps failing gets the last retry, then the
 * notice is FAILED and on the team's dead-letter queue.
 */
class CoordinationRoutesTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private static final String PASSWORD = "coordination-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<Integer> answers = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private MessageStore store;
    private JdbcDataSource h2;
    private Server receiver;
    private DefaultCamelContext camel;
    private CoordinationRoutes routes;
    private Path keyStore;

    @BeforeEach
    void start() throws Exception {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2);
        keyStore = dir.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        receiver = receiver(keyStore);
    }

    /** The team's receiver: records each body and answers the next of {@link #answers} (201 when none is left). */
    private Server receiver(Path keys) throws Exception {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keys.toString());
        tls.setKeyStorePassword(PASSWORD);
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer());
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!"/fhir/Communication".equals(Request.getPathInContext(request)) || !"POST".equals(request.getMethod())) {
                    response.setStatus(404);
                    callback.succeeded();
                    return true;
                }
                received.add(Content.Source.asString(request, StandardCharsets.UTF_8));
                contentTypes.add(request.getHeaders().get("Content-Type"));
                int n = requests.getAndIncrement();
                response.setStatus(n < answers.size() ? answers.get(n) : 201);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        return server;
    }

    private void routes(Team team, Redelivery retry) throws Exception {
        String url = "https://localhost:" + ((ServerConnector) receiver.getConnectors()[0]).getLocalPort() + "/fhir";
        Team at = new Team(team.name(), team.jurisdiction(), team.kind(), team.display(), java.net.URI.create(url), team.contact(),
                team.lawfulBasis(), team.fields());
        HttpsClient https = HttpsClient.of(MA, at.purpose(), Duration.ofSeconds(5), Duration.ofSeconds(5))
                .trustStore(keyStore.toString(), PASSWORD);
        routes = new CoordinationRoutes(at, new NoticeRoutes.Queues("direct:notices", "direct:notices", "seda:dlq", "direct:sweep"),
                "direct:watch", Duration.ofDays(2), retry, https, store, new IntakeNumbers(h2),
                id -> store.find(id).map(StoredReferral::referral), new CoordinationPayload(TeamTest.FHIR), Clock.systemUTC());
        camel = new DefaultCamelContext();
        camel.addRoutes(routes);
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
            routes.close();
        }
        receiver.stop();
    }

    /** A referral accepted for Massachusetts delivered, the state answering with its intake number (as DCF does). */
    private Referral numbered(String id, String intakeNumber) {
        Referral referral = TestReferral.of(id);
        store.accept("ehr|" + id, referral, true, "{\"resourceType\":\"Bundle\"}", "application/fhir+json", Map.of(MA, DeliveryStatus.QUEUED));
        store.update(new StatusUpdate(referral.id(), MA, DeliveryStatus.DELIVERED, intakeNumber, Instant.now(), null));
        return referral;
    }

    private List<JsonNode> noticeAudits(Referral referral) throws Exception {
        List<JsonNode> result = new java.util.ArrayList<>();
        for (AuditRecord record : store.auditRecords(AuditQuery.ALL, 0, 500)) {
            if (record.json().contains(referral.id().value()) && record.json().contains("coordination-ma-seen--team")) {
                result.add(JSON.readTree(record.json()));
            }
        }
        return result;
    }

    @Test
    void theIntakeNumberMakesOneNoticeDueRetriedThenSentEachAttemptAudited() throws Exception {
        routes(Team.of(TeamTest.config(Map.of()), true), new Redelivery(3, Duration.ofMillis(10), 1.0, Duration.ofMillis(10)));
        answers.addAll(List.of(503, 503));
        Referral referral = TestReferral.of("r-sent");
        store.accept("ehr|r-sent", referral, true, "{\"resourceType\":\"Bundle\"}", "application/fhir+json", Map.of(MA, DeliveryStatus.QUEUED));
        assertEquals(0, routes.watch(), "no intake number yet: no notice");
        store.update(new StatusUpdate(referral.id(), MA, DeliveryStatus.DELIVERED, "MA-2026-000001", Instant.now(), null));

        assertEquals(1, routes.watch());
        assertEquals(0, routes.watch(), "once per team");

        assertEquals(3, received.size(), "two 503s, then taken");
        assertEquals("application/fhir+json", contentTypes.get(2));
        Communication notice = TeamTest.FHIR.newJsonParser().parseResource(Communication.class, received.get(2));
        assertEquals("r-sent", notice.getIdentifierFirstRep().getValue());
        assertEquals(List.of("State intake number: MA-2026-000001", "Contact: " + TeamTest.CONTACT),
                notice.getPayload().stream().map(p -> p.getContentStringType().getValue()).toList());
        assertFalse(received.get(2).contains("Jane") || received.get(2).contains("2010-05-06"));
        Notice recorded = store.notices(referral.id()).get(0);
        assertEquals("coordination-ma-seen--team", recorded.recipient());
        assertEquals(Notice.Status.SENT, recorded.status());
        assertEquals(3, recorded.attempts());

        List<JsonNode> audits = noticeAudits(referral);
        assertEquals(3, audits.size(), "each attempt is an audited disclosure: " + audits);
        assertEquals(Set.of("resourceType", "status", "category[].coding[].system", "category[].coding[].code",
                        "category[].coding[].display", "identifier[].system", "identifier[].value", "sent", "recipient[].type",
                        "recipient[].identifier.system", "recipient[].identifier.value", "recipient[].display", "payload[].contentString"),
                fields(audits.get(0)), "the payload's fields, no Patient's");
    }

    @Test
    void aReceiverThatKeepsFailingGetsTheLastRetryThenTheNoticeIsFailedAndDeadLettered() throws Exception {
        routes(Team.of(TeamTest.config(Map.of()), true), new Redelivery(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10)));
        answers.addAll(List.of(503, 500, 502, 503));
        Referral referral = numbered("r-failed", "MA-2026-000002");

        assertEquals(1, routes.watch());

        assertEquals(3, received.size(), "the first try and two retries");
        Notice recorded = store.notices(referral.id()).get(0);
        assertEquals(Notice.Status.FAILED, recorded.status());
        assertTrue(recorded.reason().startsWith("gave up after 3 attempts (HTTP 502); on the dead-letter queue referrals.US-MA.coordination-ma-seen.DLQ"),
                recorded.reason());
        assertEquals(1, camel.getEndpoint("seda:dlq", SedaEndpoint.class).getQueue().size());
        assertEquals(3, noticeAudits(referral).size());
        assertEquals(0, routes.watch(), "a failed notice waits for an operator, it is not made due again");
    }

    @Test
    void withALawfulBasisTheAuditListsExactlyTheFieldsDisclosed() throws Exception {
        routes(Team.of(TeamTest.config(Map.of("lawfulBasis", "MOU with the SEEN team", "fields", new String[] {"CHILD_NAME,CHILD_BIRTH_DATE"})),
                true), new Redelivery(0, Duration.ofMillis(10), 1.0, Duration.ofMillis(10)));
        Referral referral = numbered("r-basis", "MA-2026-000003");

        assertEquals(1, routes.watch());

        assertTrue(received.get(0).contains("\"birthDate\":\"2010-05-06\""));
        Set<String> fields = fields(noticeAudits(referral).get(0));
        assertTrue(fields.containsAll(Set.of("contained[].name[].family", "contained[].name[].given[]", "contained[].birthDate",
                "subject.reference", "reasonCode[].text")), fields.toString());
        assertEquals(Set.of("contained[].resourceType", "contained[].id", "contained[].name[].family", "contained[].name[].given[]",
                "contained[].birthDate"), fields.stream().filter(f -> f.startsWith("contained")).collect(java.util.stream.Collectors.toSet()),
                "the Patient's fields are exactly the team's");
    }

    /** The field names an audit record lists. */
    private static Set<String> fields(JsonNode audit) {
        for (JsonNode detail : audit.path("entity").path(0).path("detail")) {
            if ("disclosed-fields".equals(detail.path("type").asText())) {
                return Set.of(detail.path("valueString").asText().split(", "));
            }
        }
        return Set.of();
    }
}

package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Task;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.safeharbor.client.SmartBackendClient;

/**
 * Trust at the door, in the packed distribution: SMART Backend Services tokens from real signed
 * assertions, HTTPS with the CA the adapter made on first start, and each hospital confined to its
 * own referrals, over real HTTPS with HAPI's generic client.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SmartAuthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TASK = Pattern.compile("Task/([0-9a-f-]{36})");

    @Inject
    private org.osgi.framework.BundleContext bundleContext;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Before
    public void up() throws Exception {
        SafeHarborKaraf.awaitFhir();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
    }

    @Test
    public void discoveryAdvertisesBackendServicesAndAValidAssertionGetsAShortLivedToken() throws Exception {
        JsonNode config = JSON.readTree(SafeHarborKaraf.get("/fhir/.well-known/smart-configuration").body());
        assertEquals(SafeHarborKaraf.baseUrl() + "/auth/token", config.path("token_endpoint").asText());
        assertEquals("private_key_jwt", config.path("token_endpoint_auth_methods_supported").path(0).asText());
        assertTrue(config.path("token_endpoint_auth_signing_alg_values_supported").toString().contains("ES384"));
        assertTrue(config.path("token_endpoint_auth_signing_alg_values_supported").toString().contains("RS384"));
        assertEquals("client_credentials", config.path("grant_types_supported").path(0).asText());

        SmartBackendClient.Token token = SafeHarborKaraf.hospital(SafeHarborKaraf.HOSPITAL).token("system/Bundle.c system/Patient.rs");
        assertEquals("only the registered scope is granted", "system/Bundle.c", token.scope());
        assertEquals(300, token.expiresIn());
    }

    @Test
    public void invalidAssertionsAreRefusedWithTheirOAuthErrorCodes() throws Exception {
        SmartBackendClient hospital = SafeHarborKaraf.hospital(SafeHarborKaraf.HOSPITAL);
        URI tokenUrl = hospital.tokenEndpoint();
        var key = SmartBackendClient.readKey(Path.of(System.getProperty("safeharbor.itest.clients"), SafeHarborKaraf.HOSPITAL + ".key.json"));
        String wrongAudience = SmartBackendClient.assertion(SafeHarborKaraf.HOSPITAL, "https://elsewhere.example/token", key, Duration.ofMinutes(4));
        assertRefused(401, "invalid_client", () -> hospital.token(tokenUrl, "system/Bundle.c", wrongAudience));
        String unknownClient = SmartBackendClient.assertion("nobody", tokenUrl.toString(), key, Duration.ofMinutes(4));
        assertRefused(401, "invalid_client", () -> hospital.token(tokenUrl, "system/Bundle.c", unknownClient));
        String otherKey = SmartBackendClient.assertion(SafeHarborKaraf.HOSPITAL, tokenUrl.toString(), SmartBackendClient.generateKey("ES384"),
                Duration.ofMinutes(4));
        assertRefused(401, "invalid_client", () -> hospital.token(tokenUrl, "system/Bundle.c", otherKey));
        String once = SmartBackendClient.assertion(SafeHarborKaraf.HOSPITAL, tokenUrl.toString(), key, Duration.ofMinutes(4));
        hospital.token(tokenUrl, "system/Bundle.c", once);
        assertRefused(401, "invalid_client", () -> hospital.token(tokenUrl, "system/Bundle.c", once));
        String tooLong = SmartBackendClient.assertion(SafeHarborKaraf.HOSPITAL, tokenUrl.toString(), key, Duration.ofMinutes(30));
        assertRefused(401, "invalid_client", () -> hospital.token(tokenUrl, "system/Bundle.c", tooLong));
        String fine = SmartBackendClient.assertion(SafeHarborKaraf.HOSPITAL, tokenUrl.toString(), key, Duration.ofMinutes(4));
        assertRefused(400, "invalid_scope", () -> hospital.token(tokenUrl, "system/Patient.rs", fine));
    }

    @Test
    public void withoutAValidTokenNothingIsSubmittedOrRead() throws Exception {
        String taskId = submit(SafeHarborKaraf.HOSPITAL, sample());
        for (String authorization : new String[] {null, "Bearer not-a-token"}) {
            assertEquals(401, send("POST", "/fhir/$process-message", authorization, sample()).statusCode());
            assertEquals(401, send("POST", "/fhir", authorization, collection(sample())).statusCode());
            assertEquals(401, send("GET", "/fhir/Task/" + taskId, authorization, null).statusCode());
        }
        // HAPI's generic client with a token that lacks the scope
        String submitOnly = SafeHarborKaraf.hospital(SafeHarborKaraf.HOSPITAL).token("system/Bundle.c").bearer();
        assertEquals(404, send("GET", "/fhir/Task/" + taskId, submitOnly, null).statusCode());
        String readOnly = SafeHarborKaraf.hospital(SafeHarborKaraf.HOSPITAL).token("system/Task.rs").bearer();
        assertEquals(403, send("POST", "/fhir/$process-message", readOnly, sample()).statusCode());
        assertEquals(200, send("GET", "/fhir/metadata", null, null).statusCode());
    }

    /**
     * The FHIR package an EHR vendor validates against ships in the distribution ({@code fhir/package.tgz}), and the
     * profile the intake enforces is served from it without a token (it holds no personal data).
     */
    @Test
    public void theFhirPackageShipsWithTheDistributionAndItsProfilesArePublic() throws Exception {
        Path shipped = Path.of(System.getProperty("karaf.home"), "fhir", "package.tgz");
        assertTrue("the distribution carries " + shipped, Files.isRegularFile(shipped));
        String tar;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(shipped))) {
            tar = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8); // tar entries are stored as they are
        }
        assertTrue("an npm-style FHIR package", tar.contains("package/package.json"));
        String url = "https://fhir.safeharbor-bridge.org/StructureDefinition/screening-report";
        assertTrue("the package holds the submission profile", tar.contains(url));
        HttpResponse<String> served = send("GET", "/fhir/StructureDefinition/screening-report", null, null);
        assertEquals(200, served.statusCode());
        assertEquals(url, JSON.readTree(served.body()).path("url").asText());
    }

    @Test
    public void hospitalBNeitherReadsNorImpersonatesHospitalA() throws Exception {
        IGenericClient a = SafeHarborKaraf.fhirClient(SafeHarborKaraf.HOSPITAL);
        IGenericClient b = SafeHarborKaraf.fhirClient(SafeHarborKaraf.HOSPITAL_B);
        String taskOfA = submit(SafeHarborKaraf.HOSPITAL, sample());
        assertEquals(taskOfA, a.read().resource(Task.class).withId(taskOfA).execute().getIdElement().getIdPart());
        try {
            b.read().resource(Task.class).withId(taskOfA).execute();
            fail("hospital B read hospital A's Task");
        } catch (ResourceNotFoundException expected) {
            // exactly what a Task that does not exist answers
        }
        try {
            b.read().resource(Task.class).withId(UUID.randomUUID().toString()).execute();
            fail("a Task that does not exist");
        } catch (ResourceNotFoundException expected) {
            // the same
        }
        // A's source endpoint, sent by B
        Bundle asA = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, sample());
        try {
            b.operation().processMessage().setMessageBundle(asA).synchronous(OperationOutcome.class).execute();
            fail("hospital B sent as hospital A's endpoint");
        } catch (BaseServerResponseException e) {
            assertEquals(403, e.getStatusCode());
        }
    }

    @Test
    public void aPreClaimedSubmissionKeyDoesNotSwallowTheGenuineReport() throws Exception {
        String genuine = sample();
        String claimed = genuine.replace("https://ehr.gateway.example.org/fhir", SafeHarborKaraf.HOSPITAL_B_ENDPOINT);
        assertNotEquals(genuine, claimed);
        String attackerTask = submit(SafeHarborKaraf.HOSPITAL_B, claimed);
        HttpResponse<String> answer = send("POST", "/fhir/$process-message", SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL), genuine);
        assertEquals(answer.body(), 202, answer.statusCode());
        assertTrue("a new referral, not 'already accepted': " + answer.body(), answer.body().contains("Accepted: follow"));
        assertNotEquals(attackerTask, taskId(answer));

        // the same key with other content: 409, and the first referral stays as it was
        HttpResponse<String> conflict = send("POST", "/fhir/$process-message", SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL),
                genuine.replace("\"T76.52XA\"", "\"T74.52XA\""));
        assertEquals(conflict.body(), 409, conflict.statusCode());
    }

    @Test
    public void theGeneratedCaValidatesTheServerAndNothingAnswersInClearText() throws Exception {
        assertTrue(Files.readString(SafeHarborKaraf.caCertificate()).startsWith("-----BEGIN CERTIFICATE-----"));
        // every request of this suite trusts only that CA; and plain HTTP on the same port gets no HTTP answer
        String port = System.getProperty(SafeHarborKaraf.HTTP_PORT);
        try {
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            fail("plain HTTP was answered: " + plain.statusCode());
        } catch (IOException expected) {
            // no clear-text listener
        }
        String clients = SafeHarborKaraf.shell(sessionFactory, "harbor:clients", "viewer");
        assertTrue(clients, clients.contains(SafeHarborKaraf.HOSPITAL) && clients.contains(SafeHarborKaraf.HOSPITAL_B));
        assertFalse("no key material is printed: " + clients, clients.contains("\"x\"") || clients.contains("\"d\""));
    }

    // ------------------------------------------------------------------ helpers

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(int status, String error, Call call) throws Exception {
        try {
            call.run();
            fail("expected " + status + " " + error);
        } catch (SmartBackendClient.TokenRefused refused) {
            assertEquals(status, refused.status());
            assertEquals(error, refused.error());
        }
    }

    /** A sample as a new submission (its own identifier and message id). */
    private static String sample() throws IOException {
        FhirContext fhir = FhirContext.forR4Cached();
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class,
                Files.readString(Path.of(System.getProperty("safeharbor.samples"), "lives-in-one-state-seen-in-another.json")));
        bundle.getIdentifier().setValue("auth-it-" + UUID.randomUUID());
        ((MessageHeader) bundle.getEntryFirstRep().getResource()).setId(UUID.randomUUID().toString());
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static String collection(String message) {
        FhirContext fhir = FhirContext.forR4Cached();
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, message);
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.getEntry().remove(0);
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static String submit(String clientId, String body) throws Exception {
        HttpResponse<String> answer = send("POST", "/fhir/$process-message", SafeHarborKaraf.bearer(clientId), body);
        assertEquals(answer.body(), 202, answer.statusCode());
        return taskId(answer);
    }

    private static String taskId(HttpResponse<String> answer) {
        Matcher m = TASK.matcher(answer.body());
        assertTrue(answer.body(), m.find());
        return m.group(1);
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SafeHarborKaraf.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return SafeHarborKaraf.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

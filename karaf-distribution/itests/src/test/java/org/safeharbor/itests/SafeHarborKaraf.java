package org.safeharbor.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.wrappedBundle;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.safeharbor.client.SmartBackendClient;

/**
 * How the integration tests boot SafeHarbor Bridge: the real assembly tar.gz as built, unpacked
 * fresh, with free ports so a running demo does not collide with the tests.
 *
 * <p>The distribution itself resolves artifacts only from its own system/ folder (it is offline);
 * the tests open the local Maven repository only so Pax Exam can install its own probe bundles.
 */
public final class SafeHarborKaraf {

    /** System property, inside Karaf, with the HTTPS port the tests chose. */
    public static final String HTTP_PORT = "safeharbor.http.port";
    /** The hospital most tests submit as: both scopes, every sample's source endpoint. */
    public static final String HOSPITAL = "itest-hospital";
    /** A second hospital, registered for its own endpoint only: the one that must not see the first's referrals. */
    public static final String HOSPITAL_B = "itest-hospital-b";
    public static final String HOSPITAL_B_ENDPOINT = "https://ehr.hospital-b.example.org/fhir";
    private static final Map<String, SmartBackendClient.Token> TOKENS = new ConcurrentHashMap<>();

    private SafeHarborKaraf() {
    }

    public static Option[] distribution() {
        String assembly = required("safeharbor.assembly");
        String httpPort = String.valueOf(freePort());
        String amqpPort = String.valueOf(freePort());
        Path clients = registerHospitals();
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(assembly).toURI().toString())
                    .name("SafeHarbor Bridge")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder(),
            logLevel(LogLevel.INFO),
            // ports: read by etc/org.safeharbor.http.cfg, etc/artemis.xml and etc/org.safeharbor.broker.cfg
            editConfigurationFilePut("etc/system.properties", HTTP_PORT, httpPort),
            editConfigurationFilePut("etc/system.properties", "safeharbor.amqp.port", amqpPort),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    required("maven.repo.local")),
            systemProperty("safeharbor.sample.bundle").value(required("safeharbor.sample.bundle")),
            systemProperty("safeharbor.sample.sandbox").value(required("safeharbor.sample.sandbox")),
            systemProperty("safeharbor.samples").value(new File(required("safeharbor.samples")).getAbsolutePath()),
            // the hospitals, registered as an operator does (a file each in etc/safeharbor/clients/); their
            // private keys stay outside Karaf, where the probe reads them
            replaceConfigurationFile("etc/safeharbor/clients/" + HOSPITAL + ".json", clients.resolve(HOSPITAL + ".json").toFile()),
            replaceConfigurationFile("etc/safeharbor/clients/" + HOSPITAL_B + ".json", clients.resolve(HOSPITAL_B + ".json").toFile()),
            systemProperty("safeharbor.itest.clients").value(clients.toAbsolutePath().toString()),
            wrappedBundle("file:" + new File(required("safeharbor.smart-client")).getAbsolutePath()),
        };
    }

    /** Key pairs and registrations of the two test hospitals, made in the test driver before Karaf starts. */
    private static Path registerHospitals() {
        try {
            Path dir = Files.createDirectories(Path.of(required("safeharbor.itest.clients")));
            List<String> sampleEndpoints = new ArrayList<>();
            try (var samples = Files.newDirectoryStream(Path.of(required("safeharbor.samples")), "*.json")) {
                for (Path sample : samples) {
                    Matcher m = SOURCE_ENDPOINT.matcher(Files.readString(sample));
                    while (m.find()) {
                        sampleEndpoints.add(m.group(1));
                    }
                }
            }
            String scopes = SmartBackendClient.SCOPE_SUBMIT + " " + SmartBackendClient.SCOPE_READ_TASKS;
            register(dir, HOSPITAL, sampleEndpoints.stream().distinct().toList(), scopes);
            register(dir, HOSPITAL_B, List.of(HOSPITAL_B_ENDPOINT), scopes);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern SOURCE_ENDPOINT = Pattern.compile("\"endpoint\"\\s*:\\s*\"(https://ehr\\.[^\"]+)\"");

    private static void register(Path dir, String clientId, List<String> endpoints, String scopes) throws IOException {
        var key = SmartBackendClient.generateKey("ES384");
        Files.writeString(dir.resolve(clientId + ".key.json"), key.toJSONString());
        Files.writeString(dir.resolve(clientId + ".json"),
                SmartBackendClient.registration(clientId, clientId, key, List.of(scopes.split(" ")), endpoints));
    }

    /** The adapter's generated CA certificate, from inside Karaf. */
    public static Path caCertificate() {
        return Path.of(System.getProperty("karaf.etc"), "safeharbor", "tls", "ca.crt");
    }

    /** A TLS context trusting only the adapter's generated CA, from inside Karaf. */
    public static SSLContext tls() throws IOException {
        return SmartBackendClient.trusting(caCertificate());
    }

    /** A test hospital's SMART client, from inside Karaf. */
    public static SmartBackendClient hospital(String clientId) throws IOException {
        Path keys = Path.of(required("safeharbor.itest.clients"));
        return new SmartBackendClient(clientId, SmartBackendClient.readKey(keys.resolve(clientId + ".key.json")),
                URI.create(baseUrl() + "/fhir"), tls());
    }

    /** A current access token of a test hospital (both scopes), got the standard way and reused while it is valid. */
    public static String bearer(String clientId) throws IOException, InterruptedException {
        SmartBackendClient.Token token = TOKENS.get(clientId);
        if (token == null || token.expiresWithin(Duration.ofSeconds(60))) {
            token = hospital(clientId).token(SmartBackendClient.SCOPE_SUBMIT + " " + SmartBackendClient.SCOPE_READ_TASKS);
            TOKENS.put(clientId, token);
        }
        return token.bearer();
    }

    /**
     * HAPI's generic client as a hospital uses it, from inside Karaf: HTTPS trusting the adapter's CA,
     * and this hospital's access token on every request.
     */
    public static ca.uhn.fhir.rest.client.api.IGenericClient fhirClient(String clientId) throws IOException, InterruptedException {
        ca.uhn.fhir.context.FhirContext fhir = ca.uhn.fhir.context.FhirContext.forR4();
        fhir.getRestfulClientFactory().setHttpClient(org.apache.http.impl.client.HttpClients.custom().setSSLContext(tls()).build());
        fhir.getRestfulClientFactory().setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
        ca.uhn.fhir.rest.client.api.IGenericClient client = fhir.newRestfulGenericClient(baseUrl() + "/fhir");
        client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(
                bearer(clientId).substring("Bearer ".length())));
        return client;
    }

    /** Runs a shell command in a new session, as a user with exactly these roles (Karaf's itests do the same). */
    public static String shell(org.apache.karaf.shell.api.console.SessionFactory sessions, String command, String... roles)
            throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session session = sessions.create(new java.io.ByteArrayInputStream(new byte[0]), print, print);
        javax.security.auth.Subject subject = new javax.security.auth.Subject();
        subject.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.UserPrincipal("itest"));
        for (String role : roles) {
            subject.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal(role));
        }
        try {
            Object result = javax.security.auth.Subject.doAs(subject,
                    (java.security.PrivilegedExceptionAction<Object>) () -> session.execute(command));
            print.flush();
            return out.toString(java.nio.charset.StandardCharsets.UTF_8) + (result == null ? "" : result);
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        } finally {
            session.close();
        }
    }

    /** An HTTPS client trusting the adapter's CA. */
    public static HttpClient http() throws IOException {
        return HttpClient.newBuilder().sslContext(tls()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The adapter's base URL (HTTPS, the host name its generated certificate is made for), from inside Karaf. */
    public static String baseUrl() {
        return "https://localhost:" + Objects.requireNonNull(System.getProperty(HTTP_PORT), HTTP_PORT);
    }

    /**
     * GET a path on the adapter's HTTPS server from inside Karaf; under {@code /fhir} (but its
     * CapabilityStatement) with the test hospital's access token.
     */
    public static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (path.startsWith("/fhir/") && !path.startsWith("/fhir/metadata") && !path.startsWith("/fhir/.well-known")) {
            request.header("Authorization", bearer(HOSPITAL));
        }
        return http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (60 s at most) until the FHIR intake answers its CapabilityStatement and issues tokens. */
    public static void awaitFhir() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (get("/fhir/metadata").statusCode() == 200 && bearer(HOSPITAL) != null) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the FHIR intake did not come up within 60 s; the container's threads: " + threadDump());
    }

    /** Every thread's stack (no personal data: the tests' own samples only), written to data/log for a failed wait. */
    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (java.lang.management.ThreadInfo thread : java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
            if (thread.getLockName() != null) {
                dump.append(" on ").append(thread.getLockName()).append(" owned by ").append(thread.getLockOwnerName());
            }
            dump.append('\n');
            for (StackTraceElement frame : thread.getStackTrace()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        Path file = Path.of(System.getProperty("karaf.data", "."), "log", "threads-at-failure.txt");
        try {
            Files.writeString(file, dump);
            return file.toString();
        } catch (IOException e) {
            return dump.toString();
        }
    }

    /**
     * Waits (60 s at most) until every project bundle is active: Karaf starts them in start-level
     * order after the boot features are installed, the jurisdictions last.
     */
    public static void awaitAllProjectBundlesActive(org.osgi.framework.BundleContext context) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && java.util.Arrays.stream(context.getBundles())
                .anyMatch(b -> b.getSymbolicName().startsWith("org.safeharbor.") && b.getState() != org.osgi.framework.Bundle.ACTIVE)) {
            Thread.sleep(250);
        }
    }

    /** Installs feature safeharbor-sandbox unless it is there, then waits for the intake and every project bundle. */
    /** A sample of bundles/fhir/samples ({@code relativePath}) as a new submission: a fresh message identifier and header id. */
    public static org.hl7.fhir.r4.model.Bundle freshSample(String relativePath) throws IOException {
        ca.uhn.fhir.context.FhirContext fhir = ca.uhn.fhir.context.FhirContext.forR4Cached();
        org.hl7.fhir.r4.model.Bundle bundle = fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
                Files.readString(Path.of(System.getProperty("safeharbor.samples"), relativePath)));
        bundle.getIdentifier().setValue("it-" + java.util.UUID.randomUUID());
        bundle.getEntryFirstRep().getResource().setId(java.util.UUID.randomUUID().toString());
        return bundle;
    }

    /** Submits a message Bundle as the test hospital, asserts 202 and returns the id of the referral's Task. */
    public static String submitAsHospital(org.hl7.fhir.r4.model.Bundle bundle) throws IOException, InterruptedException {
        HttpResponse<String> accepted = http().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/$process-message"))
                        .timeout(Duration.ofSeconds(60)).header("Authorization", bearer(HOSPITAL))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser()
                                .encodeResourceToString(bundle))).build(), HttpResponse.BodyHandlers.ofString());
        org.junit.Assert.assertEquals(accepted.body(), 202, accepted.statusCode());
        String location = accepted.headers().firstValue("Content-Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public static void withSandbox(org.apache.karaf.features.FeaturesService features, org.osgi.framework.BundleContext context)
            throws Exception {
        if (!features.isInstalled(features.getFeature("safeharbor-sandbox"))) {
            features.installFeature("safeharbor-sandbox");
        }
        awaitFhir();
        awaitAllProjectBundlesActive(context);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests through Maven (failsafe)");
        }
        return value;
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up) and outside Pax Exam's own (21000-21099):
     * a port the kernel hands out for bind(0) may be handed out again to Pax Exam's RMI registry in the
     * container, which then answers on it instead of the service the test configured.
     */
    public static int freePort() {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            int port = 22_000 + random.nextInt(10_000);
            try (ServerSocket socket = new ServerSocket(port)) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port between 22000 and 32000");
    }
}

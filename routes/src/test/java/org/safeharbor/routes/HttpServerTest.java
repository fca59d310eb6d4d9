package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The core server speaks TLS 1.2+ with a certificate from the CA it makes on first start, and nothing in clear. */
class HttpServerTest {

    private HttpServer http;

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.deactivate();
        }
    }

    @Test
    void firstStartMakesACaThatValidatesTheServerForLocalhostAndLoopback() throws Exception {
        int port = start(-1);
        Path tls = TestHttps.ETC.resolve("safeharbor/tls");
        assertTrue(Files.exists(tls.resolve("ca.crt")));
        for (String key : new String[] {"ca.p12", "server.p12", "keystore.password"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(key))), key);
        }
        // only the generated CA is trusted, and the JDK checks the host name against the certificate
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
            HttpResponse<String> answer = TestHttps.client().send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/nothing"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode(), host);
        }
    }

    /** An EHR retries a 503 and gives up on a 404: until the intake is mounted, /fhir and /auth say "not yet". */
    @Test
    void theIntakeAndTokenPathsAnswer503UntilMountedAndAgainOnceUnmounted() throws Exception {
        int port = start(-1);
        for (String path : new String[] {"/fhir/$process-message", "/fhir/Task/x", "/auth/token"}) {
            HttpResponse<String> answer = post(port, path);
            assertEquals(503, answer.statusCode(), path);
            assertEquals(String.valueOf(NotYetMounted.RETRY_AFTER_SECONDS), answer.headers().firstValue("Retry-After").orElse(null), path);
            assertTrue(answer.body().contains("\"OperationOutcome\"") && answer.body().contains("\"transient\""), answer.body());
        }
        assertEquals(404, post(port, "/elsewhere").statusCode(), "only the reserved paths wait");

        jakarta.servlet.Servlet intake = new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
                response.setStatus(202);
            }
        };
        assertTrue(!http.isServing("/fhir/*"), "the placeholder is not the intake");
        http.bindServlet(intake, java.util.Map.of(HttpServer.PATH_PROPERTY, "/fhir/*"));
        assertEquals(202, post(port, "/fhir/$process-message").statusCode(), "mounted: the real servlet answers");
        assertTrue(http.isServing("/fhir/*") && !http.isServing("/auth/*"));
        assertEquals(503, post(port, "/auth/token").statusCode(), "the token path still waits for its own servlet");

        http.unbindServlet(intake);
        assertEquals(503, post(port, "/fhir/$process-message").statusCode(), "unmounted (a bundle restarting): 503 again, not 404");
        assertTrue(!http.isServing("/fhir/*"));
        http.bindServlet(intake, java.util.Map.of(HttpServer.PATH_PROPERTY, "/auth/token"));
        assertTrue(http.isServing("/auth/token") && !http.isServing("/fhir/*"), "exactly the path spec mounted");
    }

    /** The placeholder gives way to the servlet in one step: a hospital sending meanwhile never meets Camel's 404. */
    @Test
    void whileTheIntakeIsMountedUnderLoadNoRequestIsAnswered404() throws Exception {
        int port = start(-1);
        java.util.Map<Integer, Integer> answers = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread[] hospitals = new Thread[4];
        for (int i = 0; i < hospitals.length; i++) {
            hospitals[i] = new Thread(() -> {
                while (sending.get()) {
                    try {
                        answers.merge(post(port, "/fhir/$process-message").statusCode(), 1, Integer::sum);
                    } catch (Exception e) {
                        answers.merge(-1, 1, Integer::sum);
                    }
                }
            });
            hospitals[i].start();
        }
        for (int round = 0; round < 20; round++) {
            jakarta.servlet.Servlet intake = new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void service(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response) {
                    response.setStatus(202);
                }
            };
            Thread.sleep(20);
            http.bindServlet(intake, java.util.Map.of(HttpServer.PATH_PROPERTY, "/fhir/*"));
            Thread.sleep(20);
            http.unbindServlet(intake);
        }
        sending.set(false);
        for (Thread hospital : hospitals) {
            hospital.join();
        }
        assertTrue(answers.getOrDefault(202, 0) > 0 && answers.getOrDefault(503, 0) > 0, answers::toString);
        assertEquals(java.util.Set.of(202, 503), answers.keySet(), "only the intake's answer or 503 + Retry-After: " + answers);
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return TestHttps.client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSecondStartKeepsTheSameCa() throws Exception {
        start(-1);
        String ca = Files.readString(TestHttps.caCertificate());
        http.deactivate();
        http = null;
        start(-1);
        assertEquals(ca, Files.readString(TestHttps.caCertificate()));
    }

    @Test
    void noPlainHttpAnswerOnTheHttpsPort() throws Exception {
        int port = start(-1);
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void tls10And11HandshakesFailWhile12And13Succeed() throws Exception {
        int port = start(-1);
        // the control: the probe does negotiate when the server agrees
        assertEquals("TLSv1.2", probe(port, "TLSv1.2"));
        assertEquals("TLSv1.3", probe(port, "TLSv1.3"));
        assertEquals("refused", probe(port, "TLSv1.1"));
        assertEquals("refused", probe(port, "TLSv1"));
    }

    private int start(int plainHttpPort) throws Exception {
        int port = freePort();
        http = new HttpServer();
        http.activate(TestHttps.config("127.0.0.1", port, plainHttpPort));
        return port;
    }

    /** A child JVM with TLS 1.0/1.1 allowed on its client side, so only our server can refuse them. */
    private static String probe(int port, String protocol) throws Exception {
        Path security = Files.createTempFile("tls-probe", ".security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, NULL\n");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + security, "-cp", System.getProperty("java.class.path"),
                TlsProbe.class.getName(), "127.0.0.1", String.valueOf(port), protocol).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes()).trim();
        child.waitFor();
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import org.safeharbor.client.SmartBackendClient;

/**
 * How the tests reach the adapter, the way a hospital does: over HTTPS trusting only the CA the adapter
 * generated at its first start ({@code etc/safeharbor/tls/ca.crt}), as a client registered in
 * {@code etc/safeharbor/clients/} with its own key pair, with a SMART Backend Services access token on
 * every {@code /fhir} request. The token is renewed when it has less than a minute left, and at once
 * when the adapter answers 401 (tokens survive a restart, since the adapter keeps its signing key; this
 * does not rely on it).
 */
final class HospitalAuth {

    static final String CLIENT_ID = "resilience-hospital";
    static final String SCOPES = SmartBackendClient.SCOPE_SUBMIT + " " + SmartBackendClient.SCOPE_READ_TASKS;
    static final Duration RENEW_BEFORE = Duration.ofSeconds(60);

    private final Path etc;
    private final URI fhirBase;
    private final JWK key;
    // guarded by this
    private HttpClient http;
    private SmartBackendClient smart;
    private SmartBackendClient.Token token;
    private int tokensIssued;

    /**
     * @param etc  the distribution's {@code etc/}
     * @param base the adapter's HTTPS base, e.g. {@code https://127.0.0.1:8443}
     */
    HospitalAuth(Path etc, URI base) {
        this(etc, base, SmartBackendClient.generateKey("ES384"));
    }

    private HospitalAuth(Path etc, URI base, JWK key) {
        this.etc = etc;
        this.fhirBase = base.resolve("/fhir");
        this.key = key;
    }

    /**
     * The same client (its registration, its key, the CA it trusts) reaching the adapter at another address: another
     * node sharing this one's {@code etc/safeharbor/}, or the load balancer in front of them (ClusterIT).
     */
    HospitalAuth at(URI base) {
        return new HospitalAuth(etc, base, key);
    }

    /**
     * Writes the client's registration to {@code etc/safeharbor/clients/<client id>.json}, allowed to send
     * as the {@code MessageHeader.source.endpoint} of {@code sample}, before the adapter starts.
     */
    void register(Path sample) {
        register(List.of(sample));
    }

    /** The same, allowed to send as the source endpoint of each of {@code samples} (e.g. every sample of bundles/fhir). */
    void register(List<Path> samples) {
        try {
            List<String> sourceEndpoints = new java.util.ArrayList<>();
            for (Path sample : samples) {
                String sourceEndpoint = new ObjectMapper().readTree(sample.toFile()).path("entry").path(0).path("resource")
                        .path("source").path("endpoint").asText("");
                if (sourceEndpoint.isEmpty()) {
                    throw new IllegalStateException("no MessageHeader.source.endpoint in " + sample);
                }
                if (!sourceEndpoints.contains(sourceEndpoint)) {
                    sourceEndpoints.add(sourceEndpoint);
                }
            }
            Path clients = Files.createDirectories(etc.resolve("safeharbor/clients"));
            Files.writeString(clients.resolve(CLIENT_ID + ".json"), SmartBackendClient.registration(CLIENT_ID,
                    "Resilience tests' hospital", key, List.of(SCOPES.split(" ")), sourceEndpoints) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path caCertificate() {
        return etc.resolve("safeharbor/tls/ca.crt");
    }

    /** The HTTPS client, trusting the adapter's CA only; an IOException until the adapter has made the CA. */
    synchronized HttpClient http() throws IOException {
        if (http == null) {
            Path ca = caCertificate();
            if (!Files.exists(ca) || !Files.readString(ca).contains("-----END CERTIFICATE-----")) {
                throw new IOException("no CA certificate " + ca + " yet (the adapter makes it at its first start)");
            }
            SSLContext tls = SmartBackendClient.trusting(ca);
            http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1).build();
            smart = new SmartBackendClient(CLIENT_ID, key, fhirBase, tls);
        }
        return http;
    }

    /** {@code Bearer <token>}, with a token that has more than {@link #RENEW_BEFORE} left (a new one otherwise). */
    synchronized String bearer() throws IOException, InterruptedException {
        http();
        if (token == null || token.expiresWithin(RENEW_BEFORE)) {
            token = smart.token(SCOPES);
            tokensIssued++;
        }
        return token.bearer();
    }

    /** How many tokens the adapter issued to this client so far. */
    synchronized int tokensIssued() {
        return tokensIssued;
    }

    /** The adapter answered 401 to {@code bearer}: the next {@link #bearer()} gets a new token. */
    private synchronized void refused(String bearer) {
        if (token != null && token.bearer().equals(bearer)) {
            token = null;
        }
    }

    /**
     * Sends the request with the bearer token; a 401 gets a new token and one more try. The answer
     * of the second try stands.
     */
    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        String bearer = bearer();
        HttpResponse<String> response = http().send(request.copy().header("Authorization", bearer).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 401) {
            return response;
        }
        refused(bearer);
        return http().send(request.copy().header("Authorization", bearer()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the request without a token (e.g. /health, /metrics, /fhir/metadata), over the same TLS. */
    HttpResponse<String> sendAnonymous(HttpRequest request) throws IOException, InterruptedException {
        return http().send(request, HttpResponse.BodyHandlers.ofString());
    }
}

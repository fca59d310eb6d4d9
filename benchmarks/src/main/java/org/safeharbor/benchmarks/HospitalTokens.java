package org.safeharbor.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLContext;

import com.nimbusds.jose.jwk.JWK;
import org.HdrHistogram.Histogram;
import org.safeharbor.client.SmartBackendClient;

/**
 * One simulated hospital's SMART Backend Services client, as a hospital's EHR runs it: its own key pair
 * and registration file (written into the distribution's {@code etc/safeharbor/clients/} before Karaf
 * starts), and an access token from the adapter's token endpoint, renewed when less than a minute of it
 * is left or when the adapter answers 401. Every token request is timed into {@link Cost}, so that the
 * benchmark reports what authentication costs apart from the submissions.
 */
final class HospitalTokens {

    static final String SCOPES = SmartBackendClient.SCOPE_SUBMIT + " " + SmartBackendClient.SCOPE_READ_TASKS;
    static final java.time.Duration RENEW_BEFORE = java.time.Duration.ofSeconds(60);

    /** What the token requests of all hospitals cost, in microseconds per request (discovery included in the first). */
    static final class Cost {
        private final Histogram first = Hospitals.histogram();
        private final Histogram renewals = Hospitals.histogram();
        private long afterUnauthorized;

        synchronized void record(long nanos, boolean firstOfItsHospital, boolean after401) {
            (firstOfItsHospital ? first : renewals).recordValue(Math.max(0, nanos / 1000));
            if (after401) {
                afterUnauthorized++;
            }
        }

        /** One line for the summary. */
        synchronized String first() {
            return first.getTotalCount() + " tokens, one per hospital (smart-configuration discovery, a TLS handshake, an ES384"
                    + " assertion, POST /auth/token): " + LoadDriver.percentiles(first);
        }

        synchronized String renewals() {
            return renewals.getTotalCount() == 0 ? "none (no token came within " + RENEW_BEFORE.toSeconds() + " s of expiry)"
                    : renewals.getTotalCount() + " renewals (within " + RENEW_BEFORE.toSeconds() + " s of expiry"
                    + (afterUnauthorized > 0 ? "; " + afterUnauthorized + " after a 401" : "; none after a 401") + "): "
                    + LoadDriver.percentiles(renewals);
        }
    }

    final String clientId;
    private final JWK key = SmartBackendClient.generateKey("ES384");
    private final Cost cost;
    // guarded by this
    private SmartBackendClient client;
    private SmartBackendClient.Token token;
    private boolean refused;

    HospitalTokens(String clientId, Cost cost) {
        this.clientId = clientId;
        this.cost = cost;
    }

    /** Writes {@code <clientsDirectory>/<client id>.json}: its public key, the scopes, the source endpoint it sends as. */
    void register(Path clientsDirectory, String sourceEndpoint) throws IOException {
        Files.createDirectories(clientsDirectory);
        Files.writeString(clientsDirectory.resolve(clientId + ".json"), SmartBackendClient.registration(clientId,
                "Benchmark hospital " + clientId, key, List.of(SCOPES.split(" ")), List.of(sourceEndpoint)) + "\n");
    }

    /** From now on talks to the adapter at {@code fhirBase} over {@code tls}. */
    synchronized void connect(URI fhirBase, SSLContext tls) {
        client = new SmartBackendClient(clientId, key, fhirBase, tls);
        token = null;
    }

    /** {@code Bearer <token>}: the current token, or a new one (timed) when it is near expiry or was refused. */
    synchronized String bearer() throws IOException, InterruptedException {
        if (client == null) {
            throw new IllegalStateException(clientId + " is not connected");
        }
        if (token == null || refused || token.expiresWithin(RENEW_BEFORE)) {
            boolean first = token == null && !refused;
            boolean after401 = refused;
            long start = System.nanoTime();
            token = client.token(SCOPES);
            cost.record(System.nanoTime() - start, first, after401);
            refused = false;
        }
        return token.bearer();
    }

    /** The adapter answered 401 to {@code bearer}: the next {@link #bearer()} gets a new token. */
    synchronized void refused(String bearer) {
        if (token != null && token.bearer().equals(bearer)) {
            refused = true;
        }
    }
}

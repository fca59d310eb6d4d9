package org.safeharbor.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.auth.RateLimiter;
import org.safeharbor.client.SmartBackendClient;
import org.safeharbor.client.SmartBackendClient.TokenRefused;

/**
 * Token requests beyond the per-address limit get 429 with Retry-After before the assertion is read, and a token
 * request whose body has no declared length (chunked) is read no further than its bound.
 */
class TokenRateLimitTest {

    @TempDir
    static Path work;
    static AuthServer server;
    static JWK key;
    /** The limiter's clock: it moves only when a test moves it. */
    static final AtomicLong NANOS = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        server = new AuthServer(work, Clock.systemUTC(), new RateLimiter(6, 2, NANOS::get));
        key = SmartBackendClient.generateKey("ES384");
        server.register("st-marys.json", SmartBackendClient.registration("st-marys", "St Mary's", key,
                List.of(SmartBackendClient.SCOPE_SUBMIT), List.of("https://ehr.st-marys.example/fhir")));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void beyondTheBurstTheAddressIsAnswered429WithRetryAfterUntilTimePasses() throws Exception {
        HttpResponse<String> chunked = postChunked("grant_type=client_credentials&" + "x=".repeat(20_000));
        assertEquals(400, chunked.statusCode(), "a chunked body over the bound is refused, counted like any request");
        assertTrue(chunked.body().contains("too large"), chunked.body());

        SmartBackendClient hospital = server.client("st-marys", key);
        hospital.token(SmartBackendClient.SCOPE_SUBMIT);
        TokenRefused refused = org.junit.jupiter.api.Assertions.assertThrows(TokenRefused.class,
                () -> hospital.token(SmartBackendClient.SCOPE_SUBMIT));
        assertEquals(429, refused.status(), refused.getMessage());

        HttpResponse<String> limited = postChunked("grant_type=client_credentials");
        assertEquals(429, limited.statusCode());
        assertEquals("10", limited.headers().firstValue("Retry-After").orElseThrow(), "6 a minute: the next in 10 s");
        assertEquals("slow_down", new ObjectMapper().readTree(limited.body()).get("error").asText());

        NANOS.addAndGet(10_000_000_000L);
        assertEquals(SmartBackendClient.SCOPE_SUBMIT, hospital.token(SmartBackendClient.SCOPE_SUBMIT).scope());
    }

    private static HttpResponse<String> postChunked(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        HttpClient http = HttpClient.newBuilder().sslContext(SmartBackendClient.trusting(server.caPem))
                .version(HttpClient.Version.HTTP_1_1).build();
        // a body publisher of unknown length: sent chunked, without Content-Length
        return http.send(HttpRequest.newBuilder(server.tokenUrl).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

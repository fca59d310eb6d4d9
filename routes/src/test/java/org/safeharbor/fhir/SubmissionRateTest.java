package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.RateLimiter;
import org.safeharbor.auth.Scopes;

/**
 * The per-client limit on submissions: beyond it 429 with Retry-After, before the body is read and with nothing
 * kept; another client is not held back; reads of Tasks are not submissions. The limiter's clock moves only when
 * the test moves it.
 */
class SubmissionRateTest {

    static final AtomicLong NANOS = new AtomicLong();
    static final String HOSPITAL_B = "token-hospital-b";
    static IntakeHarness intake;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        intake = new IntakeHarness(64 * 1024, Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC),
                new RateLimiter(6, 2, NANOS::get));
        intake.tokens.add(HOSPITAL_B, new Caller("hospital-b", "hospital", Set.of(Scopes.SUBMIT, Scopes.READ_TASKS), TestTokens.ALL_TEST_ENDPOINTS));
        intake.installed.add(org.safeharbor.api.v1.Jurisdiction.of("US-IL"));
    }

    @AfterAll
    static void stop() throws Exception {
        intake.close();
    }

    static HttpResponse<String> submit(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(intake.base + "/$process-message"))
                .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(Samples.json(Samples.fresh("t76-52xa-suspected.json")))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void beyondItsBurstAClientIsAnswered429WithRetryAfterAndNothingIsKept() throws Exception {
        assertEquals(202, submit(TestTokens.HOSPITAL_A).statusCode());
        assertEquals(202, submit(TestTokens.HOSPITAL_A).statusCode());
        int rejectionsBefore = intake.store.rejections(1000).size();

        HttpResponse<String> limited = submit(TestTokens.HOSPITAL_A);
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("10", limited.headers().firstValue("Retry-After").orElseThrow(), "6 a minute: the next in 10 s");
        // refused before its body was read: the connection is not reused, so the next submission goes on a new one
        assertEquals("close", limited.headers().firstValue("Connection").orElse("(none)"), "Connection header of the 429");
        assertTrue(limited.body().contains("OperationOutcome") && limited.body().contains("Too many submissions"), limited.body());
        assertEquals(rejectionsBefore, intake.store.rejections(1000).size(), "a refused flood is not kept");

        assertEquals(202, submit(HOSPITAL_B).statusCode(), "another client is not held back");
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(intake.base + "/metadata")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode());

        NANOS.addAndGet(10_000_000_000L);
        assertEquals(202, submit(TestTokens.HOSPITAL_A).statusCode(), "allowed again once its time has passed");
    }
}

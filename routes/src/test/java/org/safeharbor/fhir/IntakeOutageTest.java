package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.Exchange;
import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.routes.TestArtemis;
import org.safeharbor.store.MessageStore;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The intake during a broker outage (issue 20), against a real ActiveMQ Artemis that the test stops and starts again,
 * reached as production reaches it: Qpid JMS with a {@code failover:} URL through the pooled connection factory, which
 * holds a send while the broker is away. The hospital's request waits at most the intake's hold, then gets 503 with
 * Retry-After and an OperationOutcome (never 500, never a request held until the broker is back); the hand-over goes on,
 * the outbox sweep leaves it alone while it is in flight, and when the broker is back each delivery is on its queue
 * exactly once; the hospital's resend gets 202 and the same referral.
 */
class IntakeOutageTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
    private static final Duration HOLD = Duration.ofSeconds(2);
    private static final List<String> QUEUES = List.of("referrals.US-IL", "referrals.US-MO");

    @TempDir
    Path data;

    @Test
    void aSubmissionDuringABrokerOutageIsAnswered503WithinTheHoldAndQueuedOnceWhenTheBrokerIsBack() throws Exception {
        int port = TestArtemis.freePort();
        TestArtemis broker = TestArtemis.start(data, port);
        CachingConnectionFactory factory = new CachingConnectionFactory(new JmsConnectionFactory("failover:(amqp://127.0.0.1:" + port
                + ")?failover.initialReconnectDelay=100&failover.maxReconnectDelay=500"));
        factory.setReconnectOnException(true); // as Broker sets it
        // the sweep's clock a minute ahead: every stored delivery is past the outbox age (10 s)
        try (IntakeHarness intake = new IntakeHarness(64 * 1024, CLOCK, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)),
                new AMQPComponent(factory), HOLD)) {
            intake.installed.add(Jurisdiction.of("US-IL"));
            intake.installed.add(Jurisdiction.of("US-MO"));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String warmUp = Samples.json(Samples.fresh("lives-in-one-state-seen-in-another.json"));
            assertEquals(202, post(http, intake, warmUp).statusCode(), "the broker up: accepted");

            broker.close(); // non-persistent: what was queued so far is gone with it, the counts below are the new submission's
            String submission = Samples.json(Samples.fresh("lives-in-one-state-seen-in-another.json"));
            Instant asked = Instant.now();
            HttpResponse<String> held = post(http, intake, submission);
            Duration waited = Duration.between(asked, Instant.now());
            assertEquals(503, held.statusCode(), "an outage is 503, never 500: " + held.body());
            assertTrue(waited.compareTo(HOLD) >= 0 && waited.compareTo(HOLD.plusSeconds(3)) < 0, "held " + waited + ", the hold " + HOLD);
            assertEquals(List.of(String.valueOf(HOLD.toSeconds())), held.headers().allValues("Retry-After"));
            assertTrue(held.body().contains("\"resourceType\":\"OperationOutcome\"") && held.body().contains("send the same submission again"),
                    held.body());

            List<MessageStore.OpenDelivery> stored = intake.store.unqueued(Instant.now().plus(Duration.ofHours(1)), 10);
            assertEquals(2, stored.size(), "stored, RECEIVED for US-IL and US-MO, its queueing in flight");
            CompletableFuture<Exchange> sweep = CompletableFuture.supplyAsync(
                    () -> intake.camel.createProducerTemplate().send("direct:intake-outbox", exchange -> { }));
            Exchange swept = null;
            try {
                swept = sweep.get(3, TimeUnit.SECONDS);
            } catch (TimeoutException heldToo) {
                // the sweep queues it too, held by the same outage: a second copy once the broker is back
            }

            broker = TestArtemis.start(data, port); // the broker is back
            Instant deadline = Instant.now().plusSeconds(30);
            while (intake.store.unqueued(Instant.now().plus(Duration.ofHours(1)), 10).size() > 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            for (MessageStore.OpenDelivery delivery : stored) {
                assertEquals(DeliveryStatus.QUEUED, intake.store.find(delivery.referral().id()).orElseThrow().deliveries().stream()
                        .filter(d -> d.jurisdiction().equals(delivery.delivery().jurisdiction())).findFirst().orElseThrow().status(),
                        "queued by the hand-over that went on when the broker came back");
            }
            swept = swept != null ? swept : sweep.get(30, TimeUnit.SECONDS);
            assertNull(swept.getException());
            Thread.sleep(500); // a second copy, if any, would be on its way
            for (String queue : QUEUES) {
                assertEquals(1, messages(broker, queue), "one copy on " + queue);
            }

            HttpResponse<String> resent = post(http, intake, submission);
            assertEquals(202, resent.statusCode(), "the hospital's resend after Retry-After: " + resent.body());
            for (String queue : QUEUES) {
                assertEquals(1, messages(broker, queue), "the resend finds it queued: still one copy on " + queue);
            }
        } finally {
            factory.destroy();
            broker.close();
        }
    }

    /** {@code POST /fhir/$process-message} as the hospital, waiting at most 15 s for the answer. */
    private static HttpResponse<String> post(HttpClient http, IntakeHarness intake, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(intake.base + "/$process-message")).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + TestTokens.HOSPITAL_A)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long messages(TestArtemis broker, String queue) {
        Queue found = broker.server().locateQueue(SimpleString.of(queue));
        return found == null ? 0 : found.getMessageCount();
    }
}

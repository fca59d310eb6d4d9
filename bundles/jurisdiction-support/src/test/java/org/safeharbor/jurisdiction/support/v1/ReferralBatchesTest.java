package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/** A batch state's shared parts: collecting by referral id, DELIVERED per referral, answers never before DELIVERED. */
class ReferralBatchesTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");
    private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");

    /** What the core's reporter was told; referral ids starting with "unknown" were never delivered, "down" fails. */
    private final List<StatusUpdate> reported = new CopyOnWriteArrayList<>();
    private final StatusReporter reporter = (StatusReporter) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {StatusReporter.class}, (proxy, method, args) -> {
                StatusUpdate update = (StatusUpdate) args[0];
                if (update.referralId().value().startsWith("unknown")) {
                    throw new NoSuchElementException("not delivered to US-ZZ");
                }
                if (update.referralId().value().startsWith("down")) {
                    throw new IllegalStateException("database down");
                }
                reported.add(update);
                return null;
            });
    private final ReferralBatches batches = new ReferralBatches(ZZ, reporter, Clock.fixed(NOW, ZoneOffset.UTC));

    /** The Aggregator in a route: one batch of three attempts, the second attempt of r-1 replacing its first. */
    @Test
    void theOpenBatchHoldsEachReferralOnceInArrivalOrderWithoutTheAttemptsHeaders() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            List<Exchange> completed = new CopyOnWriteArrayList<>();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:collect").aggregate(constant("US-ZZ"), ReferralBatches.byReferralId()).completionSize(3)
                            .process(completed::add);
                }
            });
            camel.start();
            for (String[] attempt : new String[][] {{"r-1", "first"}, {"r-2", "two"}, {"r-1", "again"}}) {
                camel.createProducerTemplate().sendBodyAndHeaders("direct:collect", attempt[1],
                        Map.of(DeliveryContract.STATE_REFERRAL_ID, attempt[0], "SafeHarbor-Attempt", 2));
            }
            for (int i = 0; i < 50 && completed.isEmpty(); i++) {
                Thread.sleep(100); // the Aggregator sends a completed batch on from its own thread
            }
            assertEquals(1, completed.size());
            Exchange batch = completed.get(0);
            assertEquals(List.of("again", "two"), ReferralBatches.payloads(batch));
            assertEquals(List.of("r-1", "r-2"), batch.getProperty(ReferralBatches.REFERRALS, List.class));
            assertTrue(batch.getMessage().getHeaders().keySet().stream().noneMatch(h -> h.startsWith("SafeHarbor")),
                    batch.getMessage().getHeaders()::toString);
        }
    }

    @Test
    void everyReferralOfABatchOnTheServerIsDelivered() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange batch = new DefaultExchange(camel);
            batch.getMessage().setBody(new java.util.LinkedHashMap<>(Map.of("r-1", "x")));
            ReferralBatches.payloads(batch);
            batches.delivered(batch, "in batch file B-1");
            assertEquals(List.of(new StatusUpdate(new ReferralId("r-1"), ZZ, DeliveryStatus.DELIVERED, null, NOW, "in batch file B-1")),
                    reported);
        }
    }

    @Test
    void aStatusForAReferralNeverDeliveredIsSkippedOneNotRecordedFailsTheFile() throws Exception {
        batches.report(List.of(status("unknown-1"), status("r-1")), "ACK-1.dat");
        assertEquals(List.of(status("r-1")), reported, "the unknown referral is skipped, the file does not fail");
        IllegalStateException notRecorded = assertThrows(IllegalStateException.class,
                () -> batches.report(List.of(status("r-2"), status("down-1"), status("r-3")), "ACK-2.dat"));
        assertTrue(notRecorded.getMessage().contains("ACK-2.dat"));
        assertEquals(List.of(status("r-1"), status("r-2")), reported, "the file stops there; read again, r-2 is noted, not applied");
    }

    @Test
    void answersWaitUntilTheBatchGoingOutIsDelivered() throws Exception {
        batches.lock(null);
        CountDownLatch done = new CountDownLatch(1);
        Thread answer = new Thread(() -> {
            try {
                batches.report(List.of(status("r-1")), "ACK-1.dat");
                done.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        answer.start();
        assertTrue(!done.await(300, TimeUnit.MILLISECONDS) && reported.isEmpty(), "not while the batch goes out");
        batches.unlock(null);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(status("r-1")), reported);
        answer.join();
    }

    private static StatusUpdate status(String referralId) {
        return new StatusUpdate(new ReferralId(referralId), ZZ, DeliveryStatus.ACKNOWLEDGED, "ZZ-1", NOW, null);
    }
}

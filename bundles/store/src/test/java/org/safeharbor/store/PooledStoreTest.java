package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;

/**
 * The store on a small connection pool, as in the distribution (pax-jdbc, dbcp2), with more
 * concurrent callers than connections: no call may hold two pooled connections at once, or the
 * callers wait on each other for ever (a hung intake).
 */
class PooledStoreTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final int POOL = 2;
    private static final int CALLERS = 8;

    private BasicDataSource pool;
    private MessageStore store;

    @BeforeEach
    void start() {
        pool = new BasicDataSource();
        pool.setUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        pool.setMaxTotal(POOL);
        pool.setMaxWait(Duration.ofSeconds(5)); // a caller that cannot get a connection fails instead of hanging the test
        store = new MessageStore(pool, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        pool.close();
    }

    @Test
    void moreConcurrentCallersThanConnectionsAllFinish() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    int caller = c;
                    done.add(callers.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            String id = "r-" + caller + "-" + i;
                            Child child = new Child(null, LocalDate.of(2011, 5, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
                            Referral referral = new Referral(new ReferralId(id), child, null, null, Instant.now(), null,
                                    List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
                            store.accept("ehr|" + id, referral, true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));
                            store.findBySubmissionKey("ehr|" + id).orElseThrow();
                            store.find(new ReferralId(id)).orElseThrow();
                            store.clocksDue(Instant.now(), 10);
                            store.unqueued(Instant.now(), 10);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(); // rethrows a caller's "cannot get a connection"
                }
            } finally {
                callers.shutdownNow();
            }
        });
        assertEquals(CALLERS * 50, store.deliveries(null, null, 1000).size());
        // every caller counted in the same aggregate cell at once: none lost to a race to create it, none counted twice
        store.aggregateMinimumCell(1);
        assertEquals(CALLERS * 50, store.aggregateCounts().stream().mapToInt(AggregateCell::count).sum());
        assertEquals(0, pool.getNumActive(), "every connection returned to the pool");
    }
}

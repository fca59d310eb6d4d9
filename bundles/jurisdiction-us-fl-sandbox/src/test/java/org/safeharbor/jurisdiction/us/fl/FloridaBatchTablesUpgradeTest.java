package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;
import org.safeharbor.tck.InMemoryPipeline;
import org.safeharbor.tck.RecordingStatusReporter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A database the message store migrated while it made Florida's batch tables itself (its version 5, retired, kept here
 * as it shipped in {@code store-before-v6/}), with a batch waiting in them: the store starts on it, Florida's own
 * migration keeps the tables and their rows, and the waiting batch goes out with the next one.
 */
class FloridaBatchTablesUpgradeTest {

    @TempDir
    Path temp;

    @Test
    void aBatchWaitingInTablesTheStoreMadeGoesOutAfterTheUpgrade() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:fl-upgrade-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        // the store's migrations as a database had them before: versions 1 to 4 and the former 5
        Flyway.configure().dataSource(h2).table("safeharbor_schema_history")
                .locations("classpath:org/safeharbor/store/migration", "classpath:org/safeharbor/jurisdiction/us/fl/store-before-v6")
                .load().migrate();
        StoreCipher cipher = new StoreCipher(StoreKeys.inMemory());
        Referral waiting = SftpRoutesHarness.referralWithId("fl-ref-0100",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT));
        openBatch(h2, cipher, waiting);

        // the upgraded store and the adapter with its own migration
        new MessageStore(h2, Clock.systemUTC());
        int port = SftpRoutesHarness.freePort();
        RecordingStatusReporter reporter = new RecordingStatusReporter();
        FloridaAdapter adapter = new FloridaAdapter(SftpRoutesHarness.config(temp, port, Map.of()), reporter, h2,
                Clock.fixed(SftpRoutesHarness.NOW, ZoneOffset.UTC), true);
        try (FloridaSftpPeer peer = SftpRoutesHarness.startPeer(temp, port);
             InMemoryPipeline path = new InMemoryPipeline(adapter, reporter, Clock.fixed(SftpRoutesHarness.NOW, ZoneOffset.UTC))) {
            path.start();
            JdbcTemplate jdbc = new JdbcTemplate(h2);
            assertEquals(List.of("0", "1"), jdbc.queryForList("SELECT \"version\" FROM \"safeharbor_schema_history_us_fl\" WHERE \"version\" IS NOT NULL "
                    + "ORDER BY \"installed_rank\"", String.class), "Florida's history starts beside the store's tables");
            assertTrue(jdbc.queryForList("SELECT \"version\" FROM \"safeharbor_schema_history\"", String.class).contains("5"));

            path.send(SftpRoutesHarness.referralWithId("fl-ref-0101",
                    allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT, CaregiverRole.ACT)));
            SftpRoutesHarness.await(() -> pending(h2, cipher).size() == 2);
            assertEquals(List.of("fl-ref-0100", "fl-ref-0101"), pending(h2, cipher), "the new referral joins the waiting batch");
            SftpRoutesHarness.flush(path, h2);

            assertEquals(waiting.child().name().family(), peer.delivery("fl-ref-0100").orElseThrow().records().get(0).getChildFamilyName());
            assertTrue(peer.delivery("fl-ref-0101").isPresent());
            reporter.awaitCount(u -> u.status() == DeliveryStatus.DELIVERED, 2, "both referrals DELIVERED");
        } finally {
            adapter.deactivate();
        }
    }

    /** The open batch as the adapter kept it before the upgrade: its referral's records by id, sealed. */
    private static void openBatch(JdbcDataSource h2, StoreCipher cipher, Referral referral) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext(); FloridaFormat format = new FloridaFormat(FloridaCategories.PLACEHOLDERS)) {
            camel.start();
            JdbcAggregationRepository batches = FloridaTransport.repository(h2, cipher);
            batches.start();
            Exchange batch = new DefaultExchange(camel);
            batch.getMessage().setBody(new LinkedHashMap<>(Map.of(referral.id().value(), format.write(referral).orElseThrow())));
            batches.add(camel, FloridaAdapter.CODE, batch);
            batches.stop();
        }
    }

    private static List<String> pending(JdbcDataSource h2, StoreCipher cipher) {
        try {
            return pendingIn(h2, cipher);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The referral ids in the open batch, read with the adapter's repository. */
    private static List<String> pendingIn(JdbcDataSource h2, StoreCipher cipher) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            JdbcAggregationRepository batches = FloridaTransport.repository(h2, cipher);
            batches.start();
            Exchange open = batches.get(camel, FloridaAdapter.CODE);
            return open == null ? List.of() : open.getMessage().getBody(Map.class).keySet().stream().map(Object::toString).sorted().toList();
        }
    }
}

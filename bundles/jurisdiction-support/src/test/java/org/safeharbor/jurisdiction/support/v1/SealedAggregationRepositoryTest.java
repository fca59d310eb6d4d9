package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcCamelCodec;
import org.apache.camel.support.DefaultExchange;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;
import org.safeharbor.store.UnreadableValue;

/** A state's batch tables: Camel's serialized exchange, sealed with the message store's keys. */
class SealedAggregationRepositoryTest {

    private static final String RECORDS = "D|fl-ref-1|ZYXQUOR|AMBROSINE|20110729|4242 QWERTZWICK LANE";
    /** As JdbcAggregationRepository's default deserialization filter. */
    private static final String FILTER = "java.**;org.apache.camel.**;!*";
    private static final String TABLE = "batch_us_zz";

    private final StoreCipher cipher = new StoreCipher(StoreKeys.inMemory());

    @Test
    void theStoredBytesHoldNoneOfTheBatchAndReadBackAsTheyWere() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            JdbcCamelCodec codec = SealedAggregationRepository.codec(cipher, TABLE);
            byte[] stored = codec.marshallExchange(batch(camel), false);
            assertNoPersonalData(stored);
            // what Camel's own codec writes shows them: the test would see a plain batch
            assertTrue(new String(new JdbcCamelCodec().marshallExchange(batch(camel), false), StandardCharsets.ISO_8859_1).contains("ZYXQUOR"));

            assertEquals(Map.of("fl-ref-1", RECORDS), codec.unmarshallExchange(camel, stored, FILTER).getMessage().getBody(Map.class));
            assertThrows(UnreadableValue.class, () -> SealedAggregationRepository.codec(cipher, "another_table")
                    .unmarshallExchange(camel, stored, FILTER), "sealed for its own table only");
        }
    }

    @Test
    void aBatchWrittenBeforeTheTablesWereEncryptedIsStillRead() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            byte[] plain = new JdbcCamelCodec().marshallExchange(batch(camel), false);
            Exchange read = SealedAggregationRepository.codec(cipher, TABLE).unmarshallExchange(camel, plain, FILTER);
            assertEquals(Map.of("fl-ref-1", RECORDS), read.getMessage().getBody(Map.class));
        }
    }

    /** Through the repository, in a database: the open and the completed batch are sealed in their rows and read back. */
    @Test
    void theRepositoryKeepsTheOpenBatchSealedInItsTable() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:kit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            for (String table : new String[] {TABLE, TABLE + "_completed"}) {
                s.execute("CREATE TABLE " + table + " (id VARCHAR(255) NOT NULL PRIMARY KEY, exchange BYTEA NOT NULL, version BIGINT NOT NULL)");
            }
        }
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            SealedAggregationRepository batches = new SealedAggregationRepository(h2, TABLE, cipher);
            batches.start();
            batches.add(camel, "US-ZZ", batch(camel));
            assertNoPersonalData(onlyRow(h2, TABLE));
            assertEquals(Map.of("fl-ref-1", RECORDS), batches.get(camel, "US-ZZ").getMessage().getBody(Map.class));
            // completed (the batch goes out): kept sealed in the completed table until confirmed, and recovered from there
            Exchange completed = batches.get(camel, "US-ZZ");
            batches.remove(camel, "US-ZZ", completed);
            assertNoPersonalData(onlyRow(h2, TABLE + "_completed"));
            assertEquals(Map.of("fl-ref-1", RECORDS), batches.recover(camel, completed.getExchangeId()).getMessage().getBody(Map.class));
            batches.confirm(camel, completed.getExchangeId());
            assertTrue(batches.scan(camel).isEmpty());
        }
    }

    private static byte[] onlyRow(JdbcDataSource h2, String table) throws Exception {
        try (Connection c = h2.getConnection(); Statement s = c.createStatement(); ResultSet row = s.executeQuery("SELECT exchange FROM " + table)) {
            assertTrue(row.next());
            return row.getBytes(1);
        }
    }

    private static void assertNoPersonalData(byte[] stored) {
        String bytes = new String(stored, StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("ZYXQUOR") || bytes.contains("20110729") || bytes.contains("QWERTZWICK"));
    }

    private static Exchange batch(DefaultCamelContext camel) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(new LinkedHashMap<>(Map.of("fl-ref-1", RECORDS)));
        return exchange;
    }
}

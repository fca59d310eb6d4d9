package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.jdbc.JdbcCamelCodec;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.safeharbor.store.StoreCipher;
import org.safeharbor.store.StoreKeys;
import org.safeharbor.store.UnreadableValue;

/** The batch tables' codec: Camel's serialized exchange, sealed with the message store's keys. */
class SealedBatchCodecTest {

    private static final String RECORDS = "D|fl-ref-1|ZYXQUOR|AMBROSINE|20110729|4242 QWERTZWICK LANE";

    /** As JdbcAggregationRepository's default deserialization filter. */
    private static final String FILTER = "java.**;org.apache.camel.**;!*";

    private final StoreCipher cipher = new StoreCipher(StoreKeys.inMemory());

    @Test
    void theStoredBytesHoldNoneOfTheBatchAndReadBackAsTheyWere() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            SealedBatchCodec codec = new SealedBatchCodec(cipher, FloridaTransport.REPOSITORY);
            byte[] stored = codec.marshallExchange(batch(camel), false);
            String bytes = new String(stored, StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("ZYXQUOR") || bytes.contains("20110729") || bytes.contains("QWERTZWICK"));
            // what Camel's own codec writes shows them: the test would see a plain batch
            assertTrue(new String(new JdbcCamelCodec().marshallExchange(batch(camel), false), StandardCharsets.ISO_8859_1).contains("ZYXQUOR"));

            assertEquals(Map.of("fl-ref-1", RECORDS), codec.unmarshallExchange(camel, stored, FILTER).getMessage().getBody(Map.class));
            assertThrows(UnreadableValue.class, () -> new SealedBatchCodec(cipher, "another_table").unmarshallExchange(camel, stored, FILTER));
        }
    }

    @Test
    void aBatchWrittenBeforeTheTablesWereEncryptedIsStillRead() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            byte[] plain = new JdbcCamelCodec().marshallExchange(batch(camel), false);
            Exchange read = new SealedBatchCodec(cipher, FloridaTransport.REPOSITORY).unmarshallExchange(camel, plain, FILTER);
            assertEquals(Map.of("fl-ref-1", RECORDS), read.getMessage().getBody(Map.class));
        }
    }

    private static Exchange batch(DefaultCamelContext camel) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(new LinkedHashMap<>(Map.of("fl-ref-1", RECORDS)));
        return exchange;
    }
}

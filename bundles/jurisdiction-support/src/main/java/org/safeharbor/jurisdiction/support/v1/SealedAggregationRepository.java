package org.safeharbor.jurisdiction.support.v1;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectStreamConstants;
import java.io.OutputStream;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.apache.camel.processor.aggregate.jdbc.JdbcCamelCodec;
import org.safeharbor.store.StoreCipher;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * camel-sql's {@link JdbcAggregationRepository} on the message store's database whose rows are sealed with the store's
 * keys ({@link StoreCipher}): a state that collects referrals into batches keeps them, personal data and all, encrypted
 * as the store keeps its referrals. The table {@code name} (and {@code name_completed}) is the state bundle's own, made
 * by its migrations in Camel's layout (id, exchange, version); the table name is the seal's associated data, so a row
 * copied into another state's table does not open. A row written before the tables were encrypted (a plain Java
 * serialization stream) is still read, and sealed when it is written again.
 */
public class SealedAggregationRepository extends JdbcAggregationRepository {

    public SealedAggregationRepository(DataSource dataSource, String name, StoreCipher cipher) {
        super(new DataSourceTransactionManager(dataSource), name, dataSource);
        setJdbcCamelCodec(codec(cipher, name));
    }

    /** Camel's codec, sealing for {@code purpose}: its byte variants call these stream variants, so every path is sealed. */
    static JdbcCamelCodec codec(StoreCipher cipher, String purpose) {
        return new JdbcCamelCodec() {
            @Override
            public void marshallExchange(Exchange exchange, boolean allowSerializedHeaders, OutputStream out) throws IOException {
                ByteArrayOutputStream plain = new ByteArrayOutputStream();
                super.marshallExchange(exchange, allowSerializedHeaders, plain);
                out.write(cipher.seal(plain.toByteArray(), purpose));
            }

            @Override
            public Exchange unmarshallExchange(CamelContext camelContext, InputStream in, String deserializationFilter)
                    throws IOException, ClassNotFoundException {
                byte[] stored = in.readAllBytes();
                byte[] plain = writtenBeforeEncryption(stored) ? stored : cipher.open(stored, purpose);
                return super.unmarshallExchange(camelContext, new ByteArrayInputStream(plain), deserializationFilter);
            }
        };
    }

    /** A Java serialization stream's magic number: sealed bytes start with their key id's length, never 0xAC. */
    private static boolean writtenBeforeEncryption(byte[] stored) {
        return stored.length >= 2 && (short) (((stored[0] & 0xff) << 8) | (stored[1] & 0xff)) == ObjectStreamConstants.STREAM_MAGIC;
    }
}

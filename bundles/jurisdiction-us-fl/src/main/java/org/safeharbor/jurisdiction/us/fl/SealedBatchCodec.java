package org.safeharbor.jurisdiction.us.fl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectStreamConstants;
import java.io.OutputStream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.jdbc.JdbcCamelCodec;
import org.safeharbor.store.StoreCipher;

/**
 * Camel's codec for the batch tables, encrypting: the serialized exchange (the batch's records, with the children's
 * names, birth dates and addresses) is sealed with the message store's keys ({@link StoreCipher}) before it is written,
 * and opened when read. The byte variants of {@link JdbcCamelCodec} call these stream variants, so every path is sealed.
 * A row written before the tables were encrypted (a plain Java serialization stream) is still read, and sealed when it
 * is written again.
 */
final class SealedBatchCodec extends JdbcCamelCodec {

    private final StoreCipher cipher;
    private final String purpose;

    /** {@code purpose}: the associated data, so that these bytes open for this repository only. */
    SealedBatchCodec(StoreCipher cipher, String purpose) {
        this.cipher = cipher;
        this.purpose = purpose;
    }

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

    /** A Java serialization stream's magic number: sealed bytes start with their key id's length, never 0xAC. */
    private static boolean writtenBeforeEncryption(byte[] stored) {
        return stored.length >= 2 && (short) (((stored[0] & 0xff) << 8) | (stored[1] & 0xff)) == ObjectStreamConstants.STREAM_MAGIC;
    }
}

package org.safeharbor.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.StringJoiner;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts the personal data the store keeps, one value at a time: AES-256-GCM with a random 96-bit IV per value, and
 * as associated data the value's column and its row's key (the referral id, and the jurisdiction, recipient and
 * attempt where the row has them), so a value copied to another row or column no longer decrypts. The stored text is
 * base64 of IV and ciphertext with its 128-bit tag; the key's id is in the row's {@code key_id} column (NULL: the
 * value was written in plain text before encryption, and is read as it is until a rotation encrypts it).
 *
 * <p>Values are compressed (Deflate) before they are encrypted, since ciphertext does not compress: a hospital's
 * submission shrinks to about a fifth (BENCHMARKS.md "The store per referral"). Such a value starts with
 * {@value #DEFLATED}, and its associated data says so, so the mark cannot be taken off. A value written before (no mark)
 * is read as it was written, and a key rotation rewrites it compressed.
 */
final class FieldCipher {

    /** The columns that hold personal data, each with the name its associated data starts with. */
    enum Column {
        REFERRAL_CANONICAL("referral.canonical_json"),
        REFERRAL_RAW("referral.raw_submission"),
        ATTEMPT_PAYLOAD("delivery_attempt.state_payload"),
        NOTICE_PAYLOAD("referral_notice.payload"),
        NOTICE_ATTEMPT_PAYLOAD("notice_attempt.payload"),
        REJECTION_RAW("intake_rejection.raw_submission");

        final String name;

        Column(String name) {
            this.name = name;
        }
    }

    /** The start of a value compressed before it was encrypted (not a base64 character: no older value starts so). */
    static final String DEFLATED = "z:";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StoreKeys keys;

    FieldCipher(StoreKeys keys) {
        this.keys = keys;
    }

    StoreKeys keys() {
        return keys;
    }

    /** The id of the key {@link #seal} uses now; a row's values are sealed under one key and the row keeps its id. */
    String currentKey() {
        return keys.current();
    }

    /** The value encrypted under key {@code keyId} for this column of this row; null stays null. */
    String seal(String keyId, String plain, Column column, Object... row) {
        if (plain == null) {
            return null;
        }
        SecretKey key = key(keyId, column, row);
        return DEFLATED + Base64.getEncoder().encodeToString(encrypt(key, deflate(plain.getBytes(StandardCharsets.UTF_8)),
                deflatedAad(column, row)));
    }

    /** IV and ciphertext with its tag: {@code plain} encrypted under {@code key} with {@code aad} as associated data. */
    static byte[] encrypt(SecretKey key, byte[] plain, byte[] aad) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getClass().getName(), e);
        }
    }

    /**
     * The plain bytes of {@link #encrypt}'s output from {@code offset} on; null when they do not decrypt under
     * {@code key} with {@code aad} (altered, too short, or sealed for other associated data).
     */
    static byte[] decrypt(SecretKey key, byte[] sealed, int offset, byte[] aad) {
        if (sealed.length - offset < IV_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, offset, IV_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, offset + IV_BYTES, sealed.length - offset - IV_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e.getClass().getName(), e);
        }
    }

    /**
     * The plain text of a stored value: decrypted under {@code keyId} with this column and row as associated data, or
     * as it is when {@code keyId} is null (written before encryption); null stays null.
     *
     * @throws UnreadableValue when it does not decrypt (another row's value, altered, or a key not in the key store)
     */
    String open(String keyId, String stored, Column column, Object... row) {
        if (stored == null || keyId == null) {
            return stored;
        }
        SecretKey key = key(keyId, column, row);
        boolean deflated = stored.startsWith(DEFLATED);
        byte[] plain;
        try {
            plain = deflated
                    ? decrypt(key, Base64.getDecoder().decode(stored.substring(DEFLATED.length())), 0, deflatedAad(column, row))
                    : decrypt(key, Base64.getDecoder().decode(stored), 0, aad(column, row));
        } catch (IllegalArgumentException notBase64) {
            throw unreadable(keyId, column, row);
        }
        if (plain == null) {
            throw unreadable(keyId, column, row);
        }
        return new String(deflated ? inflate(plain) : plain, StandardCharsets.UTF_8);
    }

    private static byte[] deflate(byte[] plain) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
             DeflaterOutputStream deflating = new DeflaterOutputStream(out, deflater)) {
            deflating.write(plain);
            deflating.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: not thrown
        } finally {
            deflater.end();
        }
    }

    /** Authenticated by GCM before it gets here, so only the store's own output is inflated. */
    private static byte[] inflate(byte[] deflated) {
        Inflater inflater = new Inflater(true);
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated), inflater)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            inflater.end();
        }
    }

    private SecretKey key(String keyId, Column column, Object... row) {
        SecretKey key = keys.key(keyId);
        if (key == null) {
            throw new UnreadableValue(column.name + " of " + describe(row) + " is encrypted under key " + keyId
                    + ", which is not in the message store's key store");
        }
        return key;
    }

    private static UnreadableValue unreadable(String keyId, Column column, Object... row) {
        return new UnreadableValue(column.name + " of " + describe(row) + " does not decrypt under key " + keyId
                + ": it was written for another row or column, or altered");
    }

    /** {@link #aad}, and that the value was compressed before it was encrypted. */
    private static byte[] deflatedAad(Column column, Object... row) {
        Object[] marked = java.util.Arrays.copyOf(row, row.length + 1);
        marked[row.length] = "deflate";
        return aad(column, marked);
    }

    /** The column's name and the row's key, separated by a character no id contains. */
    private static byte[] aad(Column column, Object... row) {
        StringJoiner joined = new StringJoiner("\u001f");
        joined.add(column.name);
        for (Object part : row) {
            joined.add(String.valueOf(part));
        }
        return joined.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(Object... row) {
        StringJoiner joined = new StringJoiner(", ", "row (", ")");
        for (Object part : row) {
            joined.add(String.valueOf(part));
        }
        return joined.toString();
    }
}

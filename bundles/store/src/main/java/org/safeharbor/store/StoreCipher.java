package org.safeharbor.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import javax.crypto.SecretKey;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The message store's encryption for personal data other bundles keep in the store's database (Florida's batch tables):
 * AES-256-GCM under the store's own keys ({@link StoreKeys}), with a purpose (what the bytes are, e.g. a table and its
 * row key) as associated data, so bytes sealed for one purpose do not open for another. The output carries the id of
 * the key that sealed it: after {@code harbor:rotate-key} new values use the new key and older ones still open, as long
 * as their key is in the key store. Layout: key id length (one byte), key id (ASCII), IV, ciphertext with its tag.
 */
@Component(service = StoreCipher.class)
public final class StoreCipher {

    private final StoreKeys keys;

    /** In OSGi: the running message store's keys, the ones it rotates. */
    @Activate
    public StoreCipher(@Reference MessageStore store) {
        this(store.keys());
    }

    /** With these keys: outside OSGi, {@link StoreKeys#inMemory()} in tests. */
    public StoreCipher(StoreKeys keys) {
        this.keys = keys;
    }

    /** {@code plain} encrypted under the current key for {@code purpose}. */
    public byte[] seal(byte[] plain, String purpose) {
        String keyId = keys.current();
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = FieldCipher.encrypt(keys.key(keyId), plain, purpose.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(1 + id.length + sealed.length).put((byte) id.length).put(id).put(sealed).array();
    }

    /**
     * The plain bytes of {@link #seal}'s output for the same {@code purpose}.
     *
     * @throws UnreadableValue when they do not open: sealed for another purpose, altered, or under a key the key store
     *                         does not hold (the message names the purpose and the key id, never any of the value)
     */
    public byte[] open(byte[] sealed, String purpose) {
        int idLength = sealed.length == 0 ? 0 : Byte.toUnsignedInt(sealed[0]);
        if (idLength == 0 || sealed.length < 1 + idLength) {
            throw new UnreadableValue(purpose + " is not sealed by the message store's cipher");
        }
        String keyId = new String(sealed, 1, idLength, StandardCharsets.US_ASCII);
        SecretKey key = keys.key(keyId);
        if (key == null) {
            throw new UnreadableValue(purpose + " is encrypted under key " + keyId + ", which is not in the message store's key store");
        }
        byte[] plain = FieldCipher.decrypt(key, sealed, 1 + idLength, purpose.getBytes(StandardCharsets.UTF_8));
        if (plain == null) {
            throw new UnreadableValue(purpose + " does not decrypt under key " + keyId + ": it was sealed for another purpose, or altered");
        }
        return plain;
    }
}

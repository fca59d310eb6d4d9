package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** StoreCipher: bytes other bundles keep in the store's database, sealed with the store's keys for one purpose. */
class StoreCipherTest {

    private static final byte[] PLAIN = "Jane Doe 2011-04-02".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedBytesHoldNoneOfThePlainTextAndOpenForTheirPurpose() {
        StoreCipher cipher = new StoreCipher(StoreKeys.inMemory());
        byte[] sealed = cipher.seal(PLAIN, "batch_us_fl/US-FL");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("Jane"));
        assertArrayEquals(PLAIN, cipher.open(sealed, "batch_us_fl/US-FL"));
    }

    @Test
    void bytesSealedForAnotherPurposeOrAlteredDoNotOpen() {
        StoreCipher cipher = new StoreCipher(StoreKeys.inMemory());
        byte[] sealed = cipher.seal(PLAIN, "batch_us_fl/US-FL");
        assertThrows(UnreadableValue.class, () -> cipher.open(sealed, "batch_us_fl_completed/US-FL"));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(UnreadableValue.class, () -> cipher.open(sealed, "batch_us_fl/US-FL"));
        assertThrows(UnreadableValue.class, () -> cipher.open(PLAIN, "batch_us_fl/US-FL"));
        assertThrows(UnreadableValue.class, () -> cipher.open(new byte[0], "batch_us_fl/US-FL"));
    }

    @Test
    void afterARotationOldBytesStillOpenAndNewOnesUseTheNewKey() {
        StoreKeys keys = StoreKeys.inMemory();
        StoreCipher cipher = new StoreCipher(keys);
        byte[] before = cipher.seal(PLAIN, "p");
        String newKey = keys.addKey();
        byte[] after = cipher.seal(PLAIN, "p");
        assertArrayEquals(PLAIN, cipher.open(before, "p"));
        assertArrayEquals(PLAIN, cipher.open(after, "p"));
        // the key id travels with the bytes: the new ones name the new key
        assertArrayEquals(newKey.getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(after, 1, 1 + after[0]));
        // bytes under a key the key store does not hold do not open
        assertThrows(UnreadableValue.class, () -> new StoreCipher(StoreKeys.inMemory()).open(after, "p"));
    }
}

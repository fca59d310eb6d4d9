package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/**
 * A value is compressed before it is encrypted (ciphertext does not compress, so this is the only place it can be), the
 * mark that says so is authenticated with it, and a value written before compression still reads.
 */
class FieldCipherTest {

    private static final Path SAMPLE = Path.of("../fhir/samples/t76-52xa-failure-to-protect-illinois.json");

    private final StoreKeys keys = StoreKeys.inMemory();
    private final FieldCipher cipher = new FieldCipher(keys);

    @Test
    void aSubmissionIsStoredCompressedAndReadsBackWhole() throws IOException {
        String submission = Files.readString(SAMPLE);
        String stored = cipher.seal(cipher.currentKey(), submission, FieldCipher.Column.REFERRAL_RAW, "r-1");

        assertTrue(stored.startsWith(FieldCipher.DEFLATED), "marked compressed");
        // base64 alone makes ciphertext 4/3 of the plain text: compressed first, the Illinois sample (about 11 KB of JSON)
        // takes well under half of it
        assertTrue(stored.length() < submission.length() / 2, stored.length() + " stored characters for " + submission.length());
        assertFalse(stored.contains("Sampleteen"));
        assertEquals(submission, cipher.open(cipher.currentKey(), stored, FieldCipher.Column.REFERRAL_RAW, "r-1"));
        assertEquals("", cipher.open(cipher.currentKey(), cipher.seal(cipher.currentKey(), "", FieldCipher.Column.REFERRAL_RAW, "r-1"),
                FieldCipher.Column.REFERRAL_RAW, "r-1"), "an empty value too");
    }

    @Test
    void aValueSealedBeforeCompressionStillReads() throws IOException {
        String submission = Files.readString(SAMPLE);
        // as the store wrote it before: base64 of IV and ciphertext, the column and the row's key as associated data
        String before = Base64.getEncoder().encodeToString(FieldCipher.encrypt(keys.key(keys.current()),
                submission.getBytes(StandardCharsets.UTF_8), "referral.raw_submission\u001fr-1".getBytes(StandardCharsets.UTF_8)));

        assertEquals(submission, cipher.open(keys.current(), before, FieldCipher.Column.REFERRAL_RAW, "r-1"));
        assertThrows(UnreadableValue.class, () -> cipher.open(keys.current(), FieldCipher.DEFLATED + before,
                FieldCipher.Column.REFERRAL_RAW, "r-1"), "a mark put on an old value does not make it read otherwise");
    }

    @Test
    void theMarkCannotBeTakenOffNorTheValueMoved() {
        String stored = cipher.seal(cipher.currentKey(), "{\"name\":\"Sampleteen\"}", FieldCipher.Column.REFERRAL_RAW, "r-1");

        assertThrows(UnreadableValue.class, () -> cipher.open(cipher.currentKey(), stored.substring(FieldCipher.DEFLATED.length()),
                FieldCipher.Column.REFERRAL_RAW, "r-1"), "without its mark it is read as an old value, and does not decrypt");
        assertThrows(UnreadableValue.class, () -> cipher.open(cipher.currentKey(), stored, FieldCipher.Column.REFERRAL_RAW, "r-2"),
                "another row's");
        assertThrows(UnreadableValue.class, () -> cipher.open(cipher.currentKey(), stored, FieldCipher.Column.REFERRAL_CANONICAL, "r-1"),
                "another column's");
    }
}

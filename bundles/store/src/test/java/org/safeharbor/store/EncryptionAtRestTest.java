package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.store.migration.V2__DeleteWithTheReferral;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The personal data the store keeps is encrypted at rest (AES-256-GCM, README "Audit and privacy"): read straight from
 * the database it is neither the plain text nor holds a name of the sample; a value moved to another row does not
 * decrypt; a key rotation re-encrypts every row while the old rows still read; the key store is owner-only.
 */
class EncryptionAtRestTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Path SAMPLE = Path.of("../fhir/samples/t76-52xa-failure-to-protect-illinois.json");
    private static final String DA = "district-attorney";

    /** Every encrypted column, with its table: what a JDBC reader of the database would see. */
    private static final Map<String, List<String>> SEALED = Map.of(
            "referral", List.of("canonical_json", "raw_submission"),
            "delivery_attempt", List.of("state_payload"),
            "referral_notice", List.of("payload"),
            "notice_attempt", List.of("payload"),
            "intake_rejection", List.of("raw_submission"));

    @TempDir
    Path etc;

    private javax.sql.DataSource h2;
    private JdbcTemplate jdbc;
    private String sample;
    private Set<String> personal;

    @BeforeEach
    void sample() throws IOException {
        h2 = database();
        jdbc = new JdbcTemplate(h2);
        sample = Files.readString(SAMPLE, StandardCharsets.UTF_8);
        personal = new LinkedHashSet<>();
        collect(new ObjectMapper().readTree(sample), personal);
        assertTrue(personal.contains("Sampleteen"), "the sample's child is named: " + personal);
    }

    /** A new, empty database: H2 in memory here, PostgreSQL in {@link EncryptionOnPostgresTest}. */
    javax.sql.DataSource database() {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return memory;
    }

    /** Every family and given name, birth date and telecom value in the sample. */
    private static void collect(JsonNode node, Set<String> into) {
        node.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (List.of("family", "given", "birthDate").contains(field.getKey())) {
                if (value.isArray()) {
                    value.forEach(v -> into.add(v.asText()));
                } else {
                    into.add(value.asText());
                }
            }
            if (field.getKey().equals("telecom")) {
                value.forEach(t -> into.add(t.path("value").asText()));
            }
        });
        node.elements().forEachRemaining(child -> collect(child, into));
    }

    private StoreKeys keys() {
        return StoreKeys.open(etc.resolve(StoreKeys.DEFAULT_FILE), null);
    }

    private MessageStore store(StoreKeys keys) {
        return new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC), keys);
    }

    /** The sample's child, named as the sample names her, with the sample as the raw submission. */
    private Referral referral(String id) {
        Child child = new Child(new PersonName("Sampleteen", List.of("Jordan")), LocalDate.parse("2011-04-17"), Sex.FEMALE,
                new Address(List.of("400 Example Street"), "Springfield", "IL", "62701", "US"));
        return new Referral(new ReferralId(id), child, null, null, NOW.minusSeconds(60), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
    }

    private String statePayload(String id) {
        return "<report><referral>" + id + "</referral><child>Jordan Sampleteen 2011-04-17</child></report>";
    }

    /** A referral with a value in every encrypted column: raw, canonical, two attempts, a notice with an attempt. */
    private void everything(MessageStore store, String id) {
        ReferralId referral = new ReferralId(id);
        store.accept("client", "ehr|" + id, referral(id), true, sample, "application/fhir+json", Map.of(MA, DeliveryStatus.QUEUED), Map.of());
        store.recordAttempt(referral, MA, statePayload(id));
        store.recordAttemptFailed(referral, MA, 1, "ConnectException");
        store.recordAttempt(referral, MA, statePayload(id));
        store.report(new StatusUpdate(referral, MA, DeliveryStatus.SCREENED_IN, "MA-" + id, NOW, null));
        assertTrue(store.recordNotice(referral, MA, DA, DeliveryStatus.SCREENED_IN, "{\"child\":\"Jordan Sampleteen\"}"));
        store.recordNoticeAttempt(referral, MA, DA, "{\"child\":\"Jordan Sampleteen\"}");
    }

    @Test
    void aStoredRowReadStraightFromTheDatabaseIsNotThePlainTextAndNamesNoOne() {
        MessageStore store = store(keys());
        everything(store, "r-1");
        store.quarantine(422, "Bundle.entry[0]", "refused", "application/fhir+json", sample.getBytes(StandardCharsets.UTF_8), 1 << 20);

        int values = 0;
        for (Map.Entry<String, List<String>> table : SEALED.entrySet()) {
            for (Map<String, Object> row : jdbc.queryForList("SELECT * FROM " + table.getKey())) {
                assertEquals("k1", row.get("KEY_ID"), table.getKey() + " names its key");
                for (String column : table.getValue()) {
                    String stored = (String) row.get(column.toUpperCase(Locale.ROOT));
                    values++;
                    assertNotEquals(sample, stored);
                    assertFalse(stored.contains("<report>") || stored.contains("{"), table.getKey() + "." + column + " is not the plain text");
                    for (String value : personal) {
                        assertFalse(stored.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT)),
                                table.getKey() + "." + column + " holds " + value);
                    }
                }
            }
        }
        assertEquals(2 + 2 + 1 + 1 + 1, values, "every encrypted column of every row was looked at");

        // and through the store, each reads back as written
        ReferralId id = new ReferralId("r-1");
        assertEquals(referral("r-1"), store.find(id).orElseThrow().referral());
        assertEquals(sample, store.rawSubmission(id).orElseThrow().body());
        assertEquals(Optional.of(statePayload("r-1")), store.storedOutput(id, MA, 1));
        assertEquals(Optional.of(statePayload("r-1")), store.deliveredOutput(id, MA));
        assertEquals(statePayload("r-1").length(), store.attempts(id).get(0).payloadChars(), "the plain text's size, not the stored one's");
        assertEquals(Optional.of("{\"child\":\"Jordan Sampleteen\"}"), store.noticePayload(id, MA, DA, 1));
        assertEquals(sample, store.rejections(1).get(0).raw());
    }

    @Test
    void aValueCopiedToAnotherReferralsRowDoesNotDecryptAndTheErrorEchoesNothing() {
        MessageStore store = store(keys());
        everything(store, "r-a");
        everything(store, "r-b");
        jdbc.update("UPDATE referral SET raw_submission = (SELECT raw_submission FROM referral WHERE id = 'r-a'),"
                + " canonical_json = (SELECT canonical_json FROM referral WHERE id = 'r-a') WHERE id = 'r-b'");
        jdbc.update("UPDATE delivery_attempt SET state_payload = (SELECT state_payload FROM delivery_attempt WHERE referral_id = 'r-b'"
                + " AND attempt = 1) WHERE referral_id = 'r-b' AND attempt = 2");

        UnreadableValue raw = assertThrows(UnreadableValue.class, () -> store.rawSubmission(new ReferralId("r-b")));
        assertEquals("referral.raw_submission of row (r-b) does not decrypt under key k1: it was written for another row or column,"
                + " or altered", raw.getMessage());
        UnreadableValue canonical = assertThrows(UnreadableValue.class, () -> store.find(new ReferralId("r-b")));
        assertTrue(canonical.getMessage().startsWith("referral.canonical_json of row (r-b)"), canonical.getMessage());
        UnreadableValue attempt = assertThrows(UnreadableValue.class, () -> store.storedOutput(new ReferralId("r-b"), MA, 2),
                "another attempt's payload, even of the same referral");
        assertTrue(attempt.getMessage().startsWith("delivery_attempt.state_payload of row (r-b, US-MA, 2)"), attempt.getMessage());
        String stored = jdbc.queryForObject("SELECT raw_submission FROM referral WHERE id = 'r-b'", String.class);
        for (UnreadableValue e : List.of(raw, canonical, attempt)) {
            assertFalse(e.getMessage().contains(stored.substring(0, 16)), "no stored text in the error");
            personal.forEach(value -> assertFalse(e.getMessage().contains(value), "no personal data in the error"));
        }
        assertEquals(sample, store.rawSubmission(new ReferralId("r-a")).orElseThrow().body(), "the original row still reads");
        assertEquals(Optional.of(statePayload("r-b")), store.storedOutput(new ReferralId("r-b"), MA, 1));

        // a value moved between columns of one row does not decrypt either
        jdbc.update("UPDATE referral SET canonical_json = raw_submission WHERE id = 'r-a'");
        assertThrows(UnreadableValue.class, () -> store.find(new ReferralId("r-a")));
    }

    @Test
    void rotationReencryptsEveryRowInBatchesAndOldKeyRowsStillReadDuringIt() {
        MessageStore store = store(keys());
        List<String> ids = List.of("r-1", "r-2", "r-3", "r-4", "r-5");
        ids.forEach(id -> everything(store, id));
        store.quarantine(422, null, "refused", "application/fhir+json", sample.getBytes(StandardCharsets.UTF_8), 1 << 20);
        store.quarantine(400, null, "refused", null, null, 1 << 20);
        int rows = rowsUnder("k1");
        assertEquals(5 * (1 + 2 + 1 + 1) + 2, rows);

        List<Integer> underOldKeyDuringIt = new ArrayList<>();
        MessageStore.KeyRotated rotated = store.rotateKey("alice", 2, true, batch -> {
            underOldKeyDuringIt.add(rowsUnder("k1"));
            ids.forEach(id -> assertReadsAsWritten(store, id));
            assertEquals(sample, store.rejections(10).stream().filter(r -> r.raw() != null).findFirst().orElseThrow().raw());
        });

        assertEquals("k2", rotated.key());
        assertEquals("k1", rotated.previousKey());
        assertEquals(rows, rotated.total(), rotated.toString());
        assertEquals(Map.of("referral", 5, "delivery_attempt", 10, "referral_notice", 5, "notice_attempt", 5, "intake_rejection", 2),
                rotated.reencrypted());
        assertEquals(0, rotated.unreadable());
        assertEquals(0, rotated.remaining());
        assertTrue(rotated.batches() > 5, "in batches of 2 referrals: " + rotated.batches());
        assertTrue(underOldKeyDuringIt.get(0) > 0 && underOldKeyDuringIt.get(0) < rows,
                "after the first batch some rows are under the new key and some under the old: " + underOldKeyDuringIt);
        assertEquals(0, rowsUnder("k1"));
        assertEquals(rows, rowsUnder("k2"));
        ids.forEach(id -> assertReadsAsWritten(store, id));

        // the new key was written to the key store: a restart reads everything
        StoreKeys reopened = keys();
        assertEquals(List.of("k1", "k2"), reopened.ids());
        assertEquals("k2", reopened.current());
        ids.forEach(id -> assertReadsAsWritten(store(reopened), id));

        AuditRecord record = store.auditRecords(AuditQuery.ALL, 0, 1000).stream()
                .filter(r -> r.eventCode().equals("key-rotation")).findFirst().orElseThrow();
        assertEquals("alice", record.agent());
        assertTrue(record.json().contains("reencrypted-delivery_attempt"), record.json());
        assertFalse(record.json().contains("Sampleteen"));
    }

    private int rowsUnder(String key) {
        int n = 0;
        for (String table : SEALED.keySet()) {
            n += jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE key_id = ?", Integer.class, key);
        }
        return n;
    }

    private void assertReadsAsWritten(MessageStore store, String id) {
        ReferralId referral = new ReferralId(id);
        assertEquals(referral(id), store.find(referral).orElseThrow().referral());
        assertEquals(sample, store.rawSubmission(referral).orElseThrow().body());
        assertEquals(Optional.of(statePayload(id)), store.storedOutput(referral, MA, 2));
        assertEquals(Optional.of("{\"child\":\"Jordan Sampleteen\"}"), store.noticePayload(referral, MA, DA, 1));
    }

    @Test
    void plainTextRowsFromBeforeEncryptionStillReadAndARotationEncryptsThem() {
        // the database as version 3 left it, with a referral written in plain text
        Flyway.configure(SchemaMigrations.class.getClassLoader()).dataSource(h2).table(SchemaMigrations.HISTORY_TABLE)
                .locations("classpath:org/safeharbor/store/migration").javaMigrations(new V2__DeleteWithTheReferral())
                .target("3").load().migrate();
        String canonical = org.safeharbor.json.v1.ReferralJson.INSTANCE.write(referral("r-old"));
        jdbc.update("INSERT INTO referral (id, submission_key, received_at, actionable, canonical_json, raw_submission, raw_media_type)"
                + " VALUES ('r-old', 'ehr|old', ?, TRUE, ?, ?, 'application/fhir+json')", NOW.atOffset(ZoneOffset.UTC), canonical, sample);
        jdbc.update("INSERT INTO delivery_attempt (referral_id, jurisdiction, attempt, started_at, state_payload) VALUES ('r-old', 'US-MA', 1, ?, ?)",
                NOW.atOffset(ZoneOffset.UTC), statePayload("r-old"));

        MessageStore store = store(keys());
        ReferralId old = new ReferralId("r-old");
        assertEquals(referral("r-old"), store.find(old).orElseThrow().referral(), "read after the upgrade");
        assertEquals(sample, store.rawSubmission(old).orElseThrow().body());
        assertEquals(Optional.of(statePayload("r-old")), store.storedOutput(old, MA, 1));
        assertNull(jdbc.queryForObject("SELECT key_id FROM referral WHERE id = 'r-old'", String.class), "still plain text");

        MessageStore.KeyRotated resumed = store.rotateKey("alice", 10, false, batch -> { });
        assertEquals("k1", resumed.key(), "--resume keeps the current key");
        assertEquals(2, resumed.total());
        assertEquals("k1", jdbc.queryForObject("SELECT key_id FROM referral WHERE id = 'r-old'", String.class));
        assertFalse(jdbc.queryForObject("SELECT raw_submission FROM referral WHERE id = 'r-old'", String.class).contains("Sampleteen"));
        assertTrue(jdbc.queryForObject("SELECT raw_submission FROM referral WHERE id = 'r-old'", String.class)
                .startsWith(FieldCipher.DEFLATED), "rewritten compressed");
        assertFalse(jdbc.queryForObject("SELECT state_payload FROM delivery_attempt WHERE referral_id = 'r-old'", String.class).contains("Sampleteen"));
        assertEquals(sample, store.rawSubmission(old).orElseThrow().body());
        assertEquals(Optional.of(statePayload("r-old")), store.storedOutput(old, MA, 1));
    }

    @Test
    void theGeneratedKeyStoreAndItsPasswordAreOwnerOnlyAndStaySo() throws IOException {
        Path file = etc.resolve(StoreKeys.DEFAULT_FILE);
        Path password = etc.resolve(StoreKeys.DEFAULT_FILE + StoreKeys.PASSWORD_SUFFIX);
        StoreKeys keys = keys();
        assertEquals("k1", keys.current());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(password)));
        assertTrue(Files.readString(password).strip().length() >= 40, "a generated password, not empty");

        keys.addKey();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "rewritten by a rotation: still 0600");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("k2", keys().current());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "narrowed at start");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(password)));
    }

    @Test
    void anOperatorsPasswordIsUsedAndNoPasswordFileIsWritten() {
        Path file = etc.resolve("operator.p12");
        StoreKeys keys = StoreKeys.open(file, "operator's secret");
        assertFalse(Files.exists(etc.resolve("operator.p12" + StoreKeys.PASSWORD_SUFFIX)));
        assertEquals(keys.ids(), StoreKeys.open(file, "operator's secret").ids());
        IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> StoreKeys.open(file, "another"));
        assertFalse(wrong.getMessage().contains("operator's secret"));
        assertThrows(IllegalStateException.class, () -> StoreKeys.open(file, null), "no password configured and no password file");
    }

    @Test
    void theEmbeddedDatabasesFilesAreOwnerOnly() throws IOException {
        Path directory = Files.createDirectories(etc.resolve("h2"));
        JdbcDataSource file = new JdbcDataSource();
        file.setURL("jdbc:h2:" + directory.resolve("safeharbor") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        file.setUser("sa");
        file.setPassword("");
        new JdbcTemplate(file).execute("CREATE TABLE t (x INT)");
        Path database = directory.resolve("safeharbor.mv.db");
        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));

        EmbeddedDatabaseFiles.restrict(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(database)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
        assertNull(EmbeddedDatabaseFiles.h2File("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1"));
        assertNull(EmbeddedDatabaseFiles.h2File("jdbc:postgresql://db/safeharbor"));
        assertEquals(Path.of("/var/karaf/data/h2/safeharbor"), EmbeddedDatabaseFiles.h2File("jdbc:h2:file:/var/karaf/data/h2/safeharbor;WRITE_DELAY=0"));
    }
}

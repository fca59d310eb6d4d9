package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;
import org.springframework.jdbc.core.JdbcTemplate;

/** The schema by version: a new database and one created before versioning end up the same. */
class SchemaMigrationsTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    /** The retired version (see {@link SchemaMigrations}). */
    private static final int RETIRED = 5;

    private static JdbcDataSource database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @Test
    void aNewDatabaseIsAtTheNewestVersionAndDeletesEveryRowWithItsReferral() {
        JdbcDataSource h2 = database();
        MessageStore store = new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(every(), versions(h2));
        assertRetentionDeletesEverything(store, h2);
    }

    @Test
    void aDatabaseCreatedBeforeVersioningIsBaselinedAndBroughtUp() throws IOException {
        JdbcDataSource h2 = database();
        JdbcTemplate jdbc = new JdbcTemplate(h2);
        // the schema as the script runner left it before Flyway: foreign keys without ON DELETE CASCADE
        try (InputStream in = SchemaMigrationsTest.class.getResourceAsStream("schema-before-flyway.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            for (String statement : sql.split(";")) {
                if (!statement.isBlank()) {
                    jdbc.execute(statement);
                }
            }
        }
        MessageStore store = new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(baselineAndEvery(), versions(h2));
        assertTrue(jdbc.queryForObject("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) = 'referral_notice'",
                Integer.class) == 1, "version 1 added what the old schema lacked");
        assertRetentionDeletesEverything(store, h2);
        new MessageStore(h2, Clock.systemUTC()); // and a restart finds nothing to do
        assertEquals(baselineAndEvery(), versions(h2));
    }

    /**
     * A database migrated while version 5 was shipped: its history holds it, and the tables it made hold rows. The
     * store starts on it (Flyway's validation does not fail on the version it no longer ships), leaves those tables
     * and their rows alone, and applies nothing twice.
     */
    @Test
    void aDatabaseMigratedWithTheRetiredVersionStartsAndKeepsItsTables() {
        JdbcDataSource h2 = database();
        // the store's migrations as they were, with version 5 from the test folder (a table of a bundle, with a row)
        Flyway.configure(SchemaMigrationsTest.class.getClassLoader()).dataSource(h2).table(SchemaMigrations.HISTORY_TABLE)
                .locations("classpath:org/safeharbor/store/migration", "classpath:org/safeharbor/store/retired")
                .target("5").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(h2);
        jdbc.update("INSERT INTO bundle_rows (id, exchange, version) VALUES ('open', X'0102', 1)");
        List<String> before = versions(h2);
        assertEquals("5", before.get(before.size() - 1), "the history holds the retired version");

        MessageStore store = new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
        new MessageStore(h2, Clock.systemUTC()); // and a restart

        List<String> expected = new java.util.ArrayList<>(before); // and what shipped after version 5, applied once
        every().stream().filter(v -> Integer.parseInt(v) > RETIRED).forEach(expected::add);
        assertEquals(expected, versions(h2), "nothing applied again, nothing removed from the history");
        assertEquals(1, jdbc.queryForObject("SELECT COUNT(*) FROM bundle_rows", Integer.class), "the bundle's rows are kept");
        assertRetentionDeletesEverything(store, h2);
    }

    @Test
    void aNewDatabaseHasNoRetiredVersionAndNoTableOfABundle() {
        JdbcDataSource h2 = database();
        new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
        assertFalse(versions(h2).contains(String.valueOf(RETIRED)));
        assertEquals(0, new JdbcTemplate(h2).queryForObject(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) LIKE 'batch%'", Integer.class));
    }

    /**
     * Every version there is, 1 to the newest, one after another: the SQL files beside {@link SchemaMigrations} and
     * its Java migration (version 2); a version missing from the run, or a gap in the files, fails. Version 5 is
     * retired ({@link SchemaMigrations}): it is never shipped again, and a later version steps over it.
     */
    private static List<String> every() {
        try {
            java.nio.file.Path folder = java.nio.file.Path.of(SchemaMigrationsTest.class.getClassLoader()
                    .getResource("org/safeharbor/store/migration/V1__schema.sql").toURI()).getParent();
            java.util.TreeSet<Integer> found = new java.util.TreeSet<>(List.of(2));
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(folder)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                        .forEach(n -> found.add(Integer.parseInt(n.substring(1, n.indexOf("__")))));
            }
            assertTrue(found.contains(4), "version 4 (encryption) is among them: " + found);
            assertFalse(found.contains(RETIRED), "version " + RETIRED + " is retired, never reused: " + found);
            java.util.TreeSet<Integer> numbered = new java.util.TreeSet<>(found);
            if (found.last() > RETIRED) {
                numbered.add(RETIRED);
            }
            assertEquals(numbered.last(), numbered.size(), "no gap in the versions: " + found);
            return found.stream().map(String::valueOf).toList();
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> baselineAndEvery() {
        List<String> versions = new java.util.ArrayList<>(List.of("0"));
        versions.addAll(every());
        return versions;
    }

    private static List<String> versions(JdbcDataSource h2) {
        return new JdbcTemplate(h2).queryForList("SELECT \"version\" FROM \"" + SchemaMigrations.HISTORY_TABLE
                + "\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\"", String.class);
    }

    /** A referral with a row in every table that speaks of it: retention deletes them all. */
    private static void assertRetentionDeletesEverything(MessageStore store, JdbcDataSource h2) {
        ReferralId id = new ReferralId("r-old");
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
        store.accept("ehr|old", new Referral(id, child, null, null, NOW.minusSeconds(86_400 * 400), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "raw", "application/fhir+json",
                Map.of(IL, DeliveryStatus.QUEUED));
        int attempt = store.recordAttempt(id, IL, "<payload/>");
        store.report(new StatusUpdate(id, IL, DeliveryStatus.INVESTIGATION_OPENED, "IL-1", NOW.minusSeconds(86_400 * 399), null));
        store.raiseDeadlineAlert(id, IL, "us-il-report", "50%", NOW);
        store.recordReplay(id, IL, "submission", null, "test");
        store.update(new StatusUpdate(id, IL, DeliveryStatus.INVESTIGATION_OPENED, null, NOW, null));
        assertEquals(1, attempt);

        MessageStore.Purged purged = store.purge(NOW, NOW, NOW);

        assertEquals(1, purged.referrals());
        JdbcTemplate jdbc = new JdbcTemplate(h2);
        for (String table : List.of("referral", "referral_delivery", "referral_event", "deadline_alert", "delivery_attempt",
                "referral_replay")) {
            assertEquals(0, jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class), table);
        }
    }
}

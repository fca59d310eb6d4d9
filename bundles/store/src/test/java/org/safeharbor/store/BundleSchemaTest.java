package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.api.FlywayException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A bundle's own tables in the store's database, by its own migrations and history, apart from the store's. */
class BundleSchemaTest {

    private static final String LOCATION = "org/safeharbor/store/bundleschema";
    private static final ClassLoader LOADER = BundleSchemaTest.class.getClassLoader();

    private final JdbcDataSource h2 = new JdbcDataSource();
    private final JdbcTemplate jdbc = new JdbcTemplate(h2);

    BundleSchemaTest() {
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Test
    void aBundlesMigrationsRunInTheStoresDatabaseWithAHistoryOfTheirOwn() {
        new MessageStore(h2, Clock.systemUTC());
        List<String> storeVersions = versions(SchemaMigrations.HISTORY_TABLE);

        assertEquals("2", BundleSchema.migrate(h2, "test_bundle", LOADER, LOCATION));

        // the schema was not empty (the store's tables): the bundle's history starts at 0, then its versions
        assertEquals(List.of("0", "1", "2"), versions(SchemaMigrations.HISTORY_TABLE + "_test_bundle"));
        assertEquals(storeVersions, versions(SchemaMigrations.HISTORY_TABLE), "the store's history is untouched");
        jdbc.update("INSERT INTO bundle_note (id, body, author) VALUES ('n1', 'kept', 'a')");

        // a restart of either applies nothing again
        assertEquals("2", BundleSchema.migrate(h2, "test_bundle", LOADER, LOCATION));
        new MessageStore(h2, Clock.systemUTC());
        assertEquals(List.of("0", "1", "2"), versions(SchemaMigrations.HISTORY_TABLE + "_test_bundle"));
        assertEquals("kept", jdbc.queryForObject("SELECT body FROM bundle_note", String.class));
    }

    @Test
    void onAnEmptyDatabaseTheBundleGoesFirstAndTheStoreStillStarts() {
        BundleSchema.migrate(h2, "test_bundle", LOADER, LOCATION);
        assertEquals(List.of("1", "2"), versions(SchemaMigrations.HISTORY_TABLE + "_test_bundle"));
        new MessageStore(h2, Clock.systemUTC());
        assertEquals("0", versions(SchemaMigrations.HISTORY_TABLE).get(0), "the store baselines beside the bundle's tables");
    }

    @Test
    void aBadOwnerNameOrAMissingFolderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BundleSchema.migrate(h2, "x\"; DROP TABLE referral", LOADER, LOCATION));
        assertThrows(IllegalArgumentException.class, () -> BundleSchema.migrate(h2, "US-FL", LOADER, LOCATION));
        assertThrows(FlywayException.class, () -> BundleSchema.migrate(h2, "test_bundle", LOADER, "org/safeharbor/store/nothing-here"));
    }

    private List<String> versions(String table) {
        return jdbc.queryForList("SELECT \"version\" FROM \"" + table + "\" WHERE \"success\" AND \"version\" IS NOT NULL "
                + "ORDER BY \"installed_rank\"", String.class);
    }
}

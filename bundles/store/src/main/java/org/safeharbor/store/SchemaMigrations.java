package org.safeharbor.store;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.safeharbor.store.migration.V2__DeleteWithTheReferral;

/**
 * The message store's schema, by version (Flyway): SQL files {@code migration/V<n>__<what>.sql} beside this class
 * and Java migrations where SQL cannot say it portably. Applied at start-up, before anything reads the store; a
 * database created before versioning is baselined at version 0 and brought up from there.
 *
 * <p>Version 5 is retired, never to be reused: it made a jurisdiction bundle's tables, which that bundle now makes by
 * its own migrations ({@link BundleSchema}). A database migrated before has it in its history, so a version applied
 * there and no longer shipped is not an error ({@code versioned:missing}); Flyway's default, ignoring versions newer
 * than this bundle knows ({@code *:future}), stays.
 */
final class SchemaMigrations {

    /** Flyway's own table, named for this project so it cannot meet another application's in a shared database. */
    static final String HISTORY_TABLE = "safeharbor_schema_history";

    private SchemaMigrations() {
    }

    /** Brings the database to the newest version; returns the version it is at. */
    static String migrate(DataSource dataSource) {
        // this bundle's class loader: Flyway's database plugins are found through it (ServiceLoader), in OSGi too
        MigrateResult result = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations("classpath:org/safeharbor/store/migration")
                .javaMigrations(new V2__DeleteWithTheReferral())
                .ignoreMigrationPatterns("*:future", "versioned:missing")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    }
}

package org.safeharbor.store;

import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Tables another bundle keeps in the message store's database, versioned by that bundle's own Flyway migrations (SQL
 * files {@code V<n>__<what>.sql} in a folder of the bundle), so that a bundle needing tables of its own changes no
 * file of the store. Each owner has its own history table, {@code safeharbor_schema_history_<owner>}, beside the
 * store's ({@link SchemaMigrations#HISTORY_TABLE}): its versions are its own and never meet the store's.
 */
public final class BundleSchema {

    private static final Pattern OWNER = Pattern.compile("[a-z][a-z0-9_]{0,29}");

    private BundleSchema() {
    }

    /**
     * Brings the owner's tables to their newest version; returns the version they are at.
     *
     * @param owner    names the history table: lower-case letters, digits and {@code _}, e.g. {@code us_fl}
     * @param loader   the owning bundle's class loader, through which the folder is read (Flyway finds its own database
     *                 plugins through the store's, in OSGi too)
     * @param location the folder of the migrations on that class path, e.g. {@code org/example/migration}
     */
    public static String migrate(DataSource dataSource, String owner, ClassLoader loader, String location) {
        if (!OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("not a schema owner name (a-z, 0-9 and _, 30 at most): " + owner);
        }
        MigrateResult result = Flyway.configure(loader)
                .dataSource(dataSource)
                .table(SchemaMigrations.HISTORY_TABLE + "_" + owner)
                .locations("classpath:" + location)
                .failOnMissingLocations(true)
                // the database holds the store's tables already: Flyway starts an owner's history there at version 0
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    }
}

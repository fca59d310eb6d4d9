package org.safeharbor.jurisdiction.us.fl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/**
 * The message store's database for the adapter's tests: an in-memory H2 database with the batch tables, made by the
 * store's own migration file (bundles/store, Flyway's V5), read from the source tree both test modules sit beside.
 */
public final class TestDatabase {

    /** The store's migration that makes the batch tables. */
    static final String MIGRATION = "store/src/main/resources/org/safeharbor/store/migration/V5__florida_batches.sql";

    private TestDatabase() {
    }

    /** A new, empty database with the batch tables; it lives until the JVM ends. */
    public static DataSource withBatchTables() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:fl-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Path script = Path.of("..").resolve(MIGRATION).toAbsolutePath().normalize();
        if (!Files.isReadable(script)) {
            throw new IllegalStateException("the store's migration is not at " + script);
        }
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM '" + script.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("the batch tables could not be made", e);
        }
        return h2;
    }

    /** How many batches the database holds: open ones and completed ones not yet confirmed on the server. */
    public static int batches(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             var open = s.executeQuery("SELECT (SELECT COUNT(*) FROM " + FloridaTransport.REPOSITORY + ") + (SELECT COUNT(*) FROM "
                     + FloridaTransport.REPOSITORY + "_completed)")) {
            open.next();
            return open.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.safeharbor.jurisdiction.us.fl;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;

/**
 * The message store's database for the adapter's tests: an in-memory H2 database with the batch tables, made by this
 * bundle's own migrations ({@link FloridaTransport#migrate}).
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    /** A new, empty database with the batch tables; it lives until the JVM ends. */
    public static DataSource withBatchTables() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:fl-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        FloridaTransport.migrate(h2);
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

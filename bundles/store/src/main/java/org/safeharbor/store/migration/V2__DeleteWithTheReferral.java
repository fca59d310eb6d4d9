package org.safeharbor.store.migration;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Version 2: every table that refers to a referral is deleted with it ({@code ON DELETE CASCADE}), so retention
 * deletes a referral in one statement and no row can outlive the referral it speaks of. Version 1 creates new
 * databases that way; a database created before Flyway has its foreign keys under generated names (H2 and
 * PostgreSQL name them differently), so this finds each one in the JDBC metadata and replaces it.
 */
public class V2__DeleteWithTheReferral extends BaseJavaMigration {

    /** The tables whose {@code referral_id} refers to {@code referral (id)}. */
    static final List<String> CHILDREN = List.of("referral_delivery", "referral_event", "deadline_alert", "delivery_attempt",
            "referral_replay", "referral_notice", "notice_attempt");

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        DatabaseMetaData metadata = connection.getMetaData();
        for (String child : CHILDREN) {
            for (String constraint : foreignKeysWithoutCascade(metadata, connection.getSchema(), child)) {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("ALTER TABLE " + child + " DROP CONSTRAINT " + constraint);
                    sql.execute("ALTER TABLE " + child + " ADD CONSTRAINT " + child + "_referral_fk FOREIGN KEY (referral_id)"
                            + " REFERENCES referral (id) ON DELETE CASCADE");
                }
            }
        }
    }

    private static List<String> foreignKeysWithoutCascade(DatabaseMetaData metadata, String schema, String table) throws SQLException {
        String name = metadata.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
        List<String> found = new ArrayList<>();
        try (ResultSet keys = metadata.getImportedKeys(null, schema, name)) {
            while (keys.next()) {
                if (keys.getString("PKTABLE_NAME").equalsIgnoreCase("referral")
                        && keys.getShort("DELETE_RULE") != DatabaseMetaData.importedKeyCascade
                        && !found.contains(keys.getString("FK_NAME"))) {
                    found.add(keys.getString("FK_NAME"));
                }
            }
        }
        return found;
    }
}

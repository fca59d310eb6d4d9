package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded H2 database's generated password: a database created without one (an installation upgrading) still
 * opens, with its data, and from then on only with the password, which is in an owner-only file in etc/ and handed to
 * pax-jdbc-config hidden; a new database is created with it; the operator's own settings are left alone.
 */
class EmbeddedDatabasePasswordTest {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:" + dir.resolve("data/h2/safeharbor") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    private Dictionary<String, Object> datasourceConfig(String password) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("service.factoryPid", EmbeddedDatabasePassword.PAX_JDBC_FACTORY);
        properties.put("osgi.jdbc.driver.class", "org.h2.Driver");
        properties.put("dataSourceName", "safeharbor");
        properties.put("url", url());
        properties.put("user", "sa");
        if (password != null) {
            properties.put("password", password);
        }
        return properties;
    }

    @Test
    void aDatabaseCreatedWithoutAPasswordGetsTheGeneratedOneAndKeepsItsData() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        try (Connection old = DriverManager.getConnection(url(), "sa", ""); Statement s = old.createStatement()) {
            s.execute("CREATE TABLE referral (id VARCHAR(64) PRIMARY KEY)");
            s.execute("INSERT INTO referral VALUES ('r-1')");
        }
        EmbeddedDatabasePassword plugin = new EmbeddedDatabasePassword(dir.resolve("etc"));
        Dictionary<String, Object> delivered = datasourceConfig("");
        plugin.modifyConfiguration(null, delivered);

        String password = (String) delivered.get(".password");
        assertNull(delivered.get("password"), "not a service property: pax-jdbc-config hides the dotted key");
        assertTrue(password.matches("[A-Za-z0-9]{32}"), password);
        Path file = dir.resolve("etc").resolve(EmbeddedDatabasePassword.FILE);
        assertEquals(password, Files.readString(file, StandardCharsets.US_ASCII).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(dir.resolve("etc").resolve(EmbeddedDatabasePassword.FILE + ".new")));

        SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(), "sa", "").close());
        assertEquals(28000, refused.getErrorCode(), "the empty password no longer opens it");
        try (Connection opened = DriverManager.getConnection(url(), "sa", password); Statement s = opened.createStatement();
             ResultSet rows = s.executeQuery("SELECT id FROM referral")) {
            assertTrue(rows.next());
            assertEquals("r-1", rows.getString(1), "the data is still there");
        }

        // the next start reads the same password and changes nothing
        Dictionary<String, Object> again = datasourceConfig("");
        new EmbeddedDatabasePassword(dir.resolve("etc")).modifyConfiguration(null, again);
        assertEquals(password, again.get(".password"));
    }

    @Test
    void aNewDatabaseIsCreatedWithTheGeneratedPassword() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Dictionary<String, Object> delivered = datasourceConfig(null);
        new EmbeddedDatabasePassword(dir.resolve("etc")).modifyConfiguration(null, delivered);
        String password = (String) delivered.get(".password");
        // what pax-jdbc-config's pool does next: the first connection creates the database, with the password
        DriverManager.getConnection(url(), "sa", password).close();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url(), "sa", "").close());
    }

    @Test
    void aPasswordSetBeforeACrashIsFoundAgain() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve(EmbeddedDatabasePassword.FILE + ".new"), "Abc123\n");
        try (Connection old = DriverManager.getConnection(url(), "sa", ""); Statement s = old.createStatement()) {
            s.execute("ALTER USER sa SET PASSWORD 'Abc123'"); // the database took it, the file was not moved yet
        }
        Dictionary<String, Object> delivered = datasourceConfig("");
        new EmbeddedDatabasePassword(etc).modifyConfiguration(null, delivered);
        assertEquals("Abc123", delivered.get(".password"));
        assertTrue(Files.exists(etc.resolve(EmbeddedDatabasePassword.FILE)));
    }

    @Test
    void theOperatorsOwnDatabaseOrPasswordIsLeftAlone() {
        EmbeddedDatabasePassword plugin = new EmbeddedDatabasePassword(dir);
        Dictionary<String, Object> own = datasourceConfig("operators-own");
        plugin.modifyConfiguration(null, own);
        assertEquals("operators-own", own.get("password"));
        Dictionary<String, Object> postgres = datasourceConfig("");
        postgres.put("url", "jdbc:postgresql://db:5432/safeharbor?sslmode=verify-full");
        plugin.modifyConfiguration(null, postgres);
        assertNull(postgres.get(".password"));
        Dictionary<String, Object> memory = datasourceConfig("");
        memory.put("url", "jdbc:h2:mem:test");
        plugin.modifyConfiguration(null, memory);
        assertNull(memory.get(".password"));
        assertFalse(Files.exists(dir.resolve(EmbeddedDatabasePassword.FILE)), "nothing generated for them");
    }
}

package org.safeharbor.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Dictionary;
import java.util.Properties;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 database gets a password of its own: generated at the first start into
 * {@code etc/safeharbor-h2.password} (owner-only, 0600), set on the database (one created before, without a password,
 * gets it then: upgrading keeps the data) and handed to pax-jdbc-config, hidden ({@code .password}, so it is no
 * service property anyone listing services can read), whenever it receives the {@code safeharbor} DataSource's
 * configuration with an H2 file URL and no password of the operator's. A Configuration Admin plugin, so the password
 * never stands in {@code etc/org.ops4j.datasource-safeharbor.cfg}. The store's bundle starts before pax-jdbc-config
 * (start level 75) so the plugin is there when the configuration is first delivered. The personal data in the
 * database is encrypted anyway (FieldCipher); this closes the database itself to anyone on the machine who can open
 * the file with H2's tools and the empty password.
 */
@Component(service = ConfigurationPlugin.class, property = {
        ConfigurationPlugin.CM_TARGET + "=" + EmbeddedDatabasePassword.PAX_JDBC_FACTORY,
        ConfigurationPlugin.CM_RANKING + ":Integer=100"})
public class EmbeddedDatabasePassword implements ConfigurationPlugin {

    static final String PAX_JDBC_FACTORY = "org.ops4j.datasource";
    static final String FILE = "safeharbor-h2.password";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabasePassword.class);
    /** H2's ErrorCode.WRONG_USER_OR_PASSWORD. */
    private static final int WRONG_USER_OR_PASSWORD = 28000;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path etc;

    @Activate
    public EmbeddedDatabasePassword(BundleContext context, @Reference ConfigurationAdmin configurations) throws Exception {
        this(Path.of(System.getProperty("karaf.etc", "etc")));
        // started after pax-jdbc-config after all (a bundle refresh): have the configuration delivered again through this plugin
        if (!context.getServiceReferences(javax.sql.DataSource.class, "(dataSourceName=safeharbor)").isEmpty()) {
            Configuration[] ours = configurations.listConfigurations("(&(service.factoryPid=" + PAX_JDBC_FACTORY + ")(dataSourceName=safeharbor))");
            for (Configuration configuration : ours == null ? new Configuration[0] : ours) {
                if (applies(configuration.getProperties())) {
                    configuration.update();
                }
            }
        }
    }

    EmbeddedDatabasePassword(Path etc) {
        this.etc = etc;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        if (!applies(properties)) {
            return;
        }
        String password = password(String.valueOf(properties.get("url")), user(properties));
        properties.remove("password");
        properties.put(".password", password);
    }

    /** The {@code safeharbor} DataSource on an embedded H2 file, with no password of the operator's. */
    static boolean applies(Dictionary<String, Object> properties) {
        return properties != null && "safeharbor".equals(properties.get("dataSourceName"))
                && EmbeddedDatabaseFiles.h2File(String.valueOf(properties.get("url"))) != null
                && blank(properties.get("password")) && properties.get(".password") == null;
    }

    /**
     * The database's password: the one in {@code etc/safeharbor-h2.password}, or a new one, set on the database if it
     * exists (written to {@code .new} first and moved into place only once the database has it, so a crash between
     * leaves a password that is tried again, never one the database has and no file holds).
     */
    synchronized String password(String url, String user) {
        Path file = etc.resolve(FILE);
        Path pending = etc.resolve(FILE + ".new");
        try {
            if (Files.exists(file)) {
                if (OwnerOnly.restrict(file)) {
                    LOG.info("{} narrowed to owner-only (0600)", FILE);
                }
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            String password = Files.exists(pending) ? Files.readString(pending, StandardCharsets.US_ASCII).trim() : generate(pending);
            Path database = EmbeddedDatabaseFiles.h2File(url);
            if (Files.exists(database.resolveSibling(database.getFileName() + ".mv.db"))) {
                setOn(url, user, password);
            }
            Files.move(pending, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("The embedded database's password is in {} (owner-only)", FILE);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded database's password file " + file + " could not be written", e);
        }
    }

    /** Sets the password on a database that has none; nothing when it has this one already (a crash before the move). */
    private static void setOn(String url, String user, String password) {
        try (Connection connection = connect(url, user, "")) {
            try (Statement statement = connection.createStatement()) {
                // H2 takes no parameter in ALTER USER; the user is checked and the password is [A-Za-z0-9] only
                statement.execute("ALTER USER " + user + " SET PASSWORD '" + password + "'");
            }
            LOG.info("The embedded database had no password: it has the generated one now");
        } catch (SQLException noEmpty) {
            if (noEmpty.getErrorCode() != WRONG_USER_OR_PASSWORD) {
                throw new IllegalStateException("the embedded database could not be opened to set its password (" + noEmpty.getErrorCode() + ")");
            }
            try (Connection already = connect(url, user, password)) {
                LOG.info("The embedded database has the generated password already");
            } catch (SQLException other) {
                throw new IllegalStateException("the embedded database has a password that is not the one in " + FILE
                        + ": put it in password= of etc/org.ops4j.datasource-safeharbor.cfg");
            }
        }
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        return new org.h2.Driver().connect(url, credentials);
    }

    private static String generate(Path file) throws IOException {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        OwnerOnly.createFile(file);
        Files.writeString(file, password + "\n", StandardCharsets.US_ASCII);
        return password.toString();
    }

    private static String user(Dictionary<String, Object> properties) {
        String user = blank(properties.get("user")) ? "sa" : String.valueOf(properties.get("user")).trim();
        if (!user.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("the embedded database's user must be a plain SQL name, not the one configured");
        }
        return user;
    }

    private static boolean blank(Object value) {
        return value == null || String.valueOf(value).isBlank();
    }
}

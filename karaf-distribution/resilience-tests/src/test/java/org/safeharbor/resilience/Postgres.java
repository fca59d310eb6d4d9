package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server that {@code .ci/run} installs and starts for the production-profile test, read
 * from the environment it exports. Restarts go through {@code pg_ctl} as the server's OS user.
 */
final class Postgres {

    static final String URL = "SAFEHARBOR_PG_URL";
    static final String USER = "SAFEHARBOR_PG_USER";
    static final String PASSWORD = "SAFEHARBOR_PG_PASSWORD";
    static final String DATA = "SAFEHARBOR_PG_DATA";
    static final String CTL = "SAFEHARBOR_PG_CTL";
    static final String OS_USER = "SAFEHARBOR_PG_OS_USER";
    static final String LOG = "SAFEHARBOR_PG_LOG";

    final String url;
    final String user;
    final String password;
    private final String data;
    private final String pgCtl;
    private final String osUser;
    private final String log;

    private Postgres(Map<String, String> env) {
        url = env.get(URL);
        user = env.get(USER);
        password = env.getOrDefault(PASSWORD, "");
        data = env.get(DATA);
        pgCtl = env.get(CTL);
        osUser = env.get(OS_USER);
        log = env.get(LOG);
    }

    /** From .ci/run's environment; fails, saying what to do, when it is not there. */
    static Postgres fromEnvironment() {
        Map<String, String> env = System.getenv();
        List<String> absent = new ArrayList<>();
        for (String name : List.of(URL, USER, DATA, CTL, OS_USER)) {
            if (env.get(name) == null || env.get(name).isBlank()) {
                absent.add(name);
            }
        }
        if (!absent.isEmpty()) {
            throw new AssertionError("The production-profile test needs the PostgreSQL server that .ci/run starts, but "
                    + absent + " are not set. Run the tests with `bash .ci/run` (it installs PostgreSQL if needed, "
                    + "starts a throw-away server and exports these variables), not with ./mvnw verify alone.");
        }
        return new Postgres(env);
    }

    /** Creates a new, empty database owned by the test user and returns its JDBC URL. */
    String createDatabase(String name) throws SQLException {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        int slash = url.lastIndexOf('/');
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + name + (query < 0 ? "" : url.substring(query));
    }

    Connection connect(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** How many of these referral ids have a row in the table {@code referral} of that database. */
    int countReferrals(String jdbcUrl, Collection<String> ids) throws SQLException {
        try (Connection connection = connect(jdbcUrl);
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM referral WHERE id = ANY (?)")) {
            query.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    int countRows(String jdbcUrl, String table) throws SQLException {
        try (Connection connection = connect(jdbcUrl); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Stops the server at once (no checkpoint: crash recovery at the next start). */
    void stopImmediately() {
        pgCtl("stop", "-m", "immediate", "-w");
    }

    void start() {
        if (log != null && !log.isBlank()) {
            pgCtl("start", "-w", "-l", log);
        } else {
            pgCtl("start", "-w");
        }
    }

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>();
        if (!osUser.equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", osUser, "--"));
        }
        command.addAll(List.of(pgCtl, "-D", data, "-t", "60"));
        command.addAll(List.of(arguments));
        // to a file, not a pipe: a server started without -l keeps its output stream open
        java.nio.file.Path output = Settings.target().resolve("pg_ctl.out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + output + ":\n"
                        + java.nio.file.Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

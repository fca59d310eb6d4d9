package org.safeharbor.resilience;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RunbookIT's database server, as a state's DBA would run it (not part of the runbook): a PostgreSQL cluster of its own
 * with TLS on (a CA made for the run with openssl, the server's certificate for {@code localhost} and
 * {@code 127.0.0.1}), {@code hostssl} with scram-sha-256 for TCP and no plain TCP, the superuser on the Unix socket only.
 * The binaries are those {@code .ci/postgres} found ({@code SAFEHARBOR_PG_CTL}); the server runs as the
 * {@code postgres} OS user, in a folder under /tmp it can reach.
 */
final class SitePostgres implements AutoCloseable {

    final Path directory;
    final Path caCertificate;
    final Path socketDirectory;
    final int port;
    private final Path bin;

    private SitePostgres(Path directory, Path bin, int port) {
        this.directory = directory;
        this.bin = bin;
        this.port = port;
        this.caCertificate = directory.resolve("ca.crt");
        this.socketDirectory = directory.resolve("socket");
    }

    static SitePostgres start() throws IOException {
        String pgCtl = System.getenv(Postgres.CTL);
        if (pgCtl == null || pgCtl.isBlank()) {
            throw new AssertionError("RunbookIT needs the PostgreSQL binaries .ci/postgres finds (SAFEHARBOR_PG_CTL is not set):"
                    + " run the tests with `bash .ci/run`");
        }
        Path directory = Files.createTempDirectory("safeharbor-runbook-pg-");
        SitePostgres pg = new SitePostgres(directory, Path.of(pgCtl).getParent(), Ports.free());
        pg.init();
        return pg;
    }

    private void init() throws IOException {
        Path data = directory.resolve("data");
        Files.createDirectories(socketDirectory);
        String d = directory.toString();
        // the DBA's CA and the server's certificate (the server reads its key only if the key is its own, mode 600)
        sh("cd '" + d + "' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=runbook-db-ca -keyout ca.key -out ca.crt 2>/dev/null"
                + " && openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr 2>/dev/null"
                + " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext"
                + " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt 2>/dev/null"
                + " && chmod 755 . && chmod 644 ca.crt && chmod 600 server.key ca.key && chown -R postgres: .");
        pg("'" + bin.resolve("initdb") + "' -D '" + data + "' -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >/dev/null");
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n",
                "listen_addresses = '127.0.0.1'",
                "port = " + port,
                "unix_socket_directories = '" + socketDirectory + "'",
                "ssl = on",
                "ssl_cert_file = '" + directory.resolve("server.crt") + "'",
                "ssl_key_file = '" + directory.resolve("server.key") + "'",
                "password_encryption = scram-sha-256", ""), java.nio.file.StandardOpenOption.APPEND);
        // TCP only with TLS; the superuser only on the socket (the DBA's own door)
        Files.writeString(data.resolve("pg_hba.conf"), String.join("\n",
                "local   all all                trust",
                "hostssl all all 127.0.0.1/32   scram-sha-256",
                "host    all all 127.0.0.1/32   reject", ""));
        sh("chown postgres: '" + data.resolve("postgresql.conf") + "' '" + data.resolve("pg_hba.conf") + "'");
        pg("'" + bin.resolve("pg_ctl") + "' -D '" + data + "' -l '" + directory.resolve("postgres.log") + "' -w -t 60 start >/dev/null");
    }

    /** How the DBA connects as the superuser: {@code PSQL_ADMIN} of the runbook. */
    String psqlAdmin() {
        return "runuser -u postgres -- psql -h " + socketDirectory + " -p " + port + " -U postgres";
    }

    /** Runs SQL as the superuser (a DBA's action, e.g. losing the database). */
    void admin(String database, String sql) {
        pg("psql -h '" + socketDirectory + "' -p " + port + " -U postgres -d " + database + " -v ON_ERROR_STOP=1 -q -c \"" + sql + "\"");
    }

    private void pg(String command) {
        sh("runuser -u postgres -- sh -c \"" + command.replace("\"", "\\\"") + "\"");
    }

    private static void sh(String command) {
        Files2.run("bash", "-c", command);
    }

    @Override
    public void close() {
        try {
            pg("'" + bin.resolve("pg_ctl") + "' -D '" + directory.resolve("data") + "' -m fast -w stop >/dev/null");
        } catch (RuntimeException e) {
            // already stopped
        }
        Files2.deleteRecursively(directory);
    }
}

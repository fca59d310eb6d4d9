package org.safeharbor.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.store.MessageStore;

/**
 * The embedded store candidates of issue 16 under the message store's own commits (the real {@link MessageStore}:
 * accept, queued, attempt, acknowledged: four transactions per referral, one thread, as {@link H2FileGrowth}), with
 * the database's files measured on disk while it is open every {@code step} referrals: KB per referral stored, and
 * the rate of the last step (the rate "at N stored"). Usage:
 * {@code java ... EmbeddedStoreGrowth <referrals> <step> <candidate>...}, candidates:
 * <ul>
 * <li>{@code h2} as shipped ({@code WRITE_DELAY=0}: each commit written at once, no background compaction);</li>
 * <li>{@code h2-retention0}: the same with {@code RETENTION_TIME=0} (dead chunks reused at once);</li>
 * <li>{@code h2-compact}: as shipped plus MVStore's own {@code compact(fillRate, bytes)} called once a second from
 * another thread (what H2's background writer would do if {@code WRITE_DELAY} were not 0);</li>
 * <li>{@code h2-compact-retention0}: both;</li>
 * <li>{@code h2-checkpoint}: H2's default write delay (its background writer compacts the file) and a
 * {@code CHECKPOINT} after each of the store's commits, which writes the commit's chunk before it returns;</li>
 * <li>{@code postgresql}: the production store, for comparison: in a schema of its own, created for the run and dropped
 * after it, in the database named by {@code SAFEHARBOR_PG_URL}, {@code _USER} and {@code _PASSWORD} (what
 * {@code . .ci/postgres} exports; nothing else in that database is touched), measured with {@code pg_database_size}
 * (no VACUUM: what a steady load leaves on disk; the run should have the database to itself).</li>
 * </ul>
 * HSQLDB cannot be measured here: the store's Flyway (13) has no HSQLDB support without the separate
 * {@code flyway-database-hsqldb} module, and the schema's {@code referral_event.at} is a reserved word there; see
 * {@link HsqldbLogGrowth} for the same four transactions written by hand.
 */
public final class EmbeddedStoreGrowth {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");

    public static void main(String[] args) throws Exception {
        int referrals = Integer.parseInt(args[0]);
        int step = Integer.parseInt(args[1]);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        for (int i = 2; i < args.length; i++) {
            run(args[i], referrals, step);
        }
    }

    private static void run(String candidate, int referrals, int step) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
                "safeharbor-store-growth");
        DataSource dataSource;
        ScheduledExecutorService compactor = null;
        String ownSchema = null; // postgresql: the run's own schema, dropped at the end
        Statement checkpoint = null; // h2-checkpoint: CHECKPOINT (MVStore.commit(): the chunk written before it returns) after each commit
        switch (candidate) {
            case "h2", "h2-retention0", "h2-compact", "h2-compact-retention0" -> {
                org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
                h2.setURL("jdbc:h2:" + dir.resolve("safeharbor") + ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0"
                        + (candidate.endsWith("retention0") ? ";RETENTION_TIME=0" : ""));
                h2.setUser("sa");
                dataSource = h2;
                if (candidate.startsWith("h2-compact")) {
                    Connection held = h2.getConnection(); // the MVStore of this database, through H2's own session
                    org.h2.mvstore.MVStore mv = ((org.h2.engine.SessionLocal) held.unwrap(org.h2.jdbc.JdbcConnection.class)
                            .getSession()).getDatabase().getStore().getMvStore();
                    compactor = Executors.newSingleThreadScheduledExecutor();
                    compactor.scheduleWithFixedDelay(() -> {
                        try {
                            mv.compact(90, 16 * 1024 * 1024);
                        } catch (RuntimeException e) {
                            System.err.println("compact: " + e);
                        }
                    }, 1, 1, TimeUnit.SECONDS);
                }
            }
            case "h2-checkpoint" -> {
                org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
                h2.setURL("jdbc:h2:" + dir.resolve("safeharbor") + ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1");
                h2.setUser("sa");
                dataSource = h2;
                checkpoint = h2.getConnection().createStatement();
            }
            case "postgresql" -> {
                org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
                pg.setURL(System.getenv("SAFEHARBOR_PG_URL"));
                pg.setUser(System.getenv("SAFEHARBOR_PG_USER"));
                pg.setPassword(System.getenv("SAFEHARBOR_PG_PASSWORD"));
                ownSchema = "safeharbor_store_growth_" + Long.toHexString(System.nanoTime());
                try (Connection c = pg.getConnection(); Statement st = c.createStatement()) {
                    st.execute("CREATE SCHEMA " + ownSchema);
                }
                pg.setCurrentSchema(ownSchema); // the store's tables and Flyway's history go there
                dataSource = pg;
            }
            default -> throw new IllegalArgumentException(candidate);
        }
        MessageStore store = new MessageStore(dataSource, Clock.systemUTC());
        long empty = size(dir, dataSource, candidate); // the schema alone
        byte[] raw = Samples.bytes(Samples.ILLINOIS);
        String rawText = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
        Referral sample = new SubmissionMapping(Clock.systemUTC()).map(raw);
        String payload = "<IntakeReport>" + "x".repeat(2000) + "</IntakeReport>"; // about the size of the Illinois SOAP body
        List<String> lines = new ArrayList<>();
        long begin = System.nanoTime();
        long stepStart = begin;
        for (int i = 0; i < referrals; i++) {
            ReferralId id = new ReferralId(UUID.randomUUID().toString());
            Referral referral = new Referral(id, sample.child(), sample.placeOfCare(), sample.reporter(), Instant.now(),
                    sample.occurredAt(), sample.allegations());
            store.accept("bench|" + id.value(), referral, true, rawText, "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));
            durable(checkpoint);
            store.markQueued(new StatusUpdate(id, IL, DeliveryStatus.QUEUED, null, Instant.now(), null));
            durable(checkpoint);
            store.recordAttempt(id, IL, payload);
            durable(checkpoint);
            store.update(new StatusUpdate(id, IL, DeliveryStatus.ACKNOWLEDGED, "IL-" + i, Instant.now(), null));
            durable(checkpoint);
            if ((i + 1) % step == 0) {
                long now = System.nanoTime();
                long bytes = size(dir, dataSource, candidate) - empty;
                String line = String.format("%-22s %,9d stored  last %,d at %,7.0f/s  on disk %,9.1f MB = %6.1f KB per referral  (%.0f s)",
                        candidate, i + 1, step, step / ((now - stepStart) / 1e9), bytes / 1e6, bytes / 1024.0 / (i + 1),
                        (now - begin) / 1e9);
                System.out.println(line);
                lines.add(line);
                stepStart = System.nanoTime();
            }
        }
        if (compactor != null) {
            compactor.shutdownNow();
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            if (candidate.startsWith("h2")) {
                statement.execute("SHUTDOWN IMMEDIATELY");
            } else if (ownSchema != null) {
                statement.execute("DROP SCHEMA " + ownSchema + " CASCADE");
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void durable(Statement checkpoint) throws java.sql.SQLException {
        if (checkpoint != null) {
            checkpoint.execute("CHECKPOINT");
        }
    }

    private static long size(Path dir, DataSource dataSource, String candidate) throws java.io.IOException, java.sql.SQLException {
        if (candidate.equals("postgresql")) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
                rs.next();
                return rs.getLong(1);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}

package org.safeharbor.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.store.MessageStore;

/**
 * How the embedded H2 database file grows per referral under the message store's own commits (the
 * real {@link MessageStore}: accept, queued, attempt, acknowledged: four transactions per referral,
 * as intake and delivery make them; Camel's delivered-key table is left out), for each H2 URL option
 * set given. Usage: {@code benchmarks/run.sh h2 [referrals]}.
 */
public final class H2FileGrowth {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");

    public static void main(String[] args) throws Exception {
        int referrals = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // as shipped (etc/org.ops4j.datasource-safeharbor.cfg), and H2's default write delay (500 ms: faster and
        // smaller, but a killed process loses the commits of its last half second)
        for (String options : new String[] {";WRITE_DELAY=0", ""}) {
            run(options, referrals);
        }
    }

    private static void run(String options, int referrals) throws Exception {
        Path dir = Files.createTempDirectory("safeharbor-h2-growth");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:" + dir.resolve("safeharbor") + ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1" + options); // open between calls, as in the pool
        h2.setUser("sa");
        MessageStore store = new MessageStore(h2, Clock.systemUTC());
        byte[] raw = Samples.bytes(Samples.ILLINOIS);
        String rawText = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
        Referral sample = new SubmissionMapping(Clock.systemUTC()).map(raw);
        String payload = "<IntakeReport>" + "x".repeat(2000) + "</IntakeReport>"; // about the size of the Illinois SOAP body
        long start = System.nanoTime();
        for (int i = 0; i < referrals; i++) {
            ReferralId id = new ReferralId(UUID.randomUUID().toString());
            Referral referral = new Referral(id, sample.child(), sample.placeOfCare(), sample.reporter(), Instant.now(),
                    sample.occurredAt(), sample.allegations());
            store.accept("bench|" + id.value(), referral, true, rawText, "application/fhir+json", Map.of(IL, DeliveryStatus.RECEIVED));
            store.markQueued(new StatusUpdate(id, IL, DeliveryStatus.QUEUED, null, Instant.now(), null));
            store.recordAttempt(id, IL, payload);
            store.update(new StatusUpdate(id, IL, DeliveryStatus.ACKNOWLEDGED, "IL-" + i, Instant.now(), null));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // the size while running: a normal close compacts the file, which takes minutes after such a load
        long bytes = Files.size(dir.resolve("safeharbor.mv.db"));
        try (var connection = h2.getConnection(); var statement = connection.createStatement()) {
            statement.execute("SHUTDOWN IMMEDIATELY");
        }
        System.out.printf("%-22s %,d referrals in %.1f s (%.0f/s): file %,.1f MB while open = %.1f KB per referral%n",
                options.isEmpty() ? "H2 default delay" : options, referrals, seconds, referrals / seconds, bytes / 1e6, bytes / 1024.0 / referrals);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

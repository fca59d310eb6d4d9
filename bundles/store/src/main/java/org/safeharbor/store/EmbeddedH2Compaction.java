package org.safeharbor.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 database's file the size of its data. H2's MVStore writes every commit as a new chunk of
 * the pages it changed (the store commits each before it answers: {@code WRITE_DELAY=0}), and with that setting
 * H2's own background writer, the one that compacts, does not run: the file grew by about 200-330 KB per referral
 * for ever. So this compacts it from a thread of its own, once per {@code interval}: it rewrites the live pages of the
 * emptiest chunks ({@link MVStore#compact(int, int)}, at most {@code bytesPerRun}) and flushes the file to the disk
 * ({@link MVStore#commit()}, {@link MVStore#sync()}: what {@code CHECKPOINT SYNC} does). The chunks that frees are written over once {@link #RETENTION} has passed (H2's default
 * is 45 s, its guess of when the operating system will have written the file): with the file flushed at least once
 * per {@code interval}, a few seconds are as safe, and the space comes back sooner. Measured in BENCHMARKS.md ("The embedded H2 file, compacted while open").
 *
 * <p>That keeps the chunks full but not the file small: the space a load freed is reused, never given back, so after a
 * peak (a backlog drained) the file stays the size of the peak. So a run that finds nothing committed since the last
 * one (the adapter idle) also moves chunks into the free space nearer the start of the file and cuts off the free end
 * ({@link RandomAccessStore#compactMoveChunks(int, long, MVStore)}, at most {@code bytesPerRun}; what H2's own background
 * writer does when it runs, and what H2 does at close), until the file is {@code targetFillRate} percent used. H2 fsyncs
 * the file before it writes over a moved chunk's old place. A commit that arrives meanwhile waits for that run.
 *
 * <p>Nothing to do for PostgreSQL, an in-memory H2 or a server: the component stops at its first run. H2 gives no
 * public way to reach a database's MVStore from a connection ({@code org.h2.engine} is not exported by its bundle),
 * so it is reached by reflection through public methods ({@code JdbcConnection.getSession().getDatabase().getStore()
 * .getMvStore()}); if a later H2 has moved them this logs one warning and stops, and the file grows as before
 * ({@code EmbeddedH2CompactionTest} fails first).
 *
 * <p>On by default ({@code PT1S}); {@code PT0S} turns it off. It never interrupts its own thread: an interrupt that
 * reaches H2 inside its file I/O closes the file's channel, and H2 then closes the whole database. The first version
 * stopped with {@code shutdownNow()}, and {@code EmbeddedH2CompactionTest} shows what that did; it is the likeliest
 * cause of the Pax Exam containers that did not come up while it was on (BENCHMARKS.md).
 */
@Component(configurationPid = EmbeddedH2Compaction.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = EmbeddedH2Compaction.Config.class)
public class EmbeddedH2Compaction {

    static final String PID = "org.safeharbor.store.compaction";

    @ObjectClassDefinition(name = "SafeHarbor Bridge embedded H2 compaction")
    public @interface Config {
        @AttributeDefinition(description = "How often the embedded H2 file is compacted and flushed to the disk, an ISO-8601"
                + " duration, at most PT2.5S. PT0S turns it off: the file then grows with every commit until H2 compacts it at"
                + " close.")
        String interval() default "PT1S";

        @AttributeDefinition(description = "How long after start the first run waits, an ISO-8601 duration: start-up is when"
                + " the tables are made and bundles restart, and a new file has nothing to compact yet.")
        String firstRun() default "PT60S";

        @AttributeDefinition(description = "Compact while less than this percentage of the file's chunks is live data.")
        int targetFillRate() default DEFAULT_TARGET_FILL_RATE;

        @AttributeDefinition(description = "At most this many bytes of live pages rewritten per run (commits wait while"
                + " a run writes: smaller runs, shorter waits).")
        int bytesPerRun() default DEFAULT_BYTES_PER_RUN;
    }

    static final int DEFAULT_TARGET_FILL_RATE = 90;
    static final int DEFAULT_BYTES_PER_RUN = 16 * 1024 * 1024;
    /** How long a chunk freed by a commit or a compaction is kept before its space is written over. */
    static final Duration RETENTION = Duration.ofSeconds(5);
    /** How long a stop waits for a run in progress. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** H2's own default retention, given back when this stops. */
    private static final int H2_DEFAULT_RETENTION_MS = 45_000;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedH2Compaction.class);

    private final DataSource dataSource;
    private final int targetFillRate;
    private final int bytesPerRun;
    private final Duration retention;
    private final ScheduledExecutorService scheduler;
    private volatile MVStore compacted; // the store this compacts, once found: its retention is given back at the end
    private volatile boolean stopped;
    private boolean failing; // the last run failed (the scheduler's one thread only)
    private volatile int runs; // scheduled runs done (tests)
    private long versionAfterLastRun = -1; // the store's version when the last run ended: the same at the next run is idle

    @Activate
    public EmbeddedH2Compaction(@Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource, Config config) {
        this(dataSource, config, Duration.parse(config.firstRun().trim()));
    }

    /** Scheduled, the first run after {@code firstRun} (or one interval, if longer). */
    EmbeddedH2Compaction(DataSource dataSource, Config config, Duration firstRun) {
        this(dataSource, config.targetFillRate(), config.bytesPerRun(), RETENTION);
        Duration interval = Duration.parse(config.interval().trim());
        if (interval.isNegative() || interval.isZero()) {
            LOG.info("Embedded H2 compaction is off (interval {})", interval);
            stopped = true;
            return;
        }
        if (firstRun.isNegative()) {
            throw new IllegalArgumentException("firstRun must not be negative, was " + firstRun);
        }
        if (interval.compareTo(RETENTION.dividedBy(2)) > 0) {
            // the file must be flushed well within the retention for the space of freed chunks to be safe to reuse
            throw new IllegalArgumentException("interval must be at most " + RETENTION.dividedBy(2) + ", was " + interval);
        }
        scheduler.scheduleWithFixedDelay(this::run, Math.max(firstRun.toMillis(), interval.toMillis()), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Not scheduled: {@link #runOnce()} compacts (tests). */
    EmbeddedH2Compaction(DataSource dataSource, int targetFillRate, int bytesPerRun, Duration retention) {
        if (targetFillRate < 1 || targetFillRate > 100 || bytesPerRun < 1) {
            throw new IllegalArgumentException("targetFillRate must be 1-100 and bytesPerRun positive");
        }
        this.dataSource = dataSource;
        this.targetFillRate = targetFillRate;
        this.bytesPerRun = bytesPerRun;
        this.retention = retention;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "safeharbor-h2-compaction");
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopped = true;
        // never shutdownNow(): an interrupt that reaches H2 while it reads or writes its file closes the file's channel
        // (ClosedByInterruptException), and H2 then closes the whole database (EmbeddedH2CompactionTest); a run in
        // progress is let finish, at most bytesPerRun
        scheduler.shutdown();
        if (!scheduler.awaitTermination(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            LOG.warn("Embedded H2 compaction: a run still going after {} s is left to finish on its own", STOP_WAIT.toSeconds());
        }
        MVStore store = compacted;
        if (store != null && !store.isClosed()) {
            store.setRetentionTime(H2_DEFAULT_RETENTION_MS); // no more flushes once a second: H2's own margin again
        }
    }

    private void run() {
        if (stopped) {
            return;
        }
        try {
            if (!runOnce()) {
                stopped = true;
                scheduler.shutdown();
                return;
            }
            failing = false;
            runs++;
        } catch (SQLException | RuntimeException e) {
            // a closed pool while Karaf stops, a database being restored: the next run tries again. Said once (the class
            // only: H2's messages can quote SQL), so that a file that stops being compacted does not go unnoticed
            if (!failing) {
                LOG.warn("Embedded H2 compaction failed ({}); tried again every interval", e.getClass().getName());
            }
            failing = true;
        }
    }

    /** Scheduled runs done (tests). */
    int runs() {
        return runs;
    }

    /**
     * One run: compact, then flush.
     *
     * @return false when there is nothing to do here for good (not an embedded H2 file, or its store cannot be reached)
     */
    boolean runOnce() throws SQLException {
        MVStore store = compacted;
        if (store == null || store.isClosed()) {
            try (Connection connection = dataSource.getConnection()) {
                if (EmbeddedDatabaseFiles.h2File(connection.getMetaData().getURL()) == null) {
                    LOG.debug("Not an embedded H2 file: nothing to compact");
                    return false;
                }
                store = mvStore(connection);
            }
            if (store == null) {
                return false;
            }
            store.setRetentionTime((int) retention.toMillis());
            versionAfterLastRun = -1;
            if (compacted == null) {
                LOG.info("Embedded H2 file: flushed and compacted in the background (at most {} MB per run while"
                        + " under {}% live; freed space reused after {} s)", bytesPerRun / (1024 * 1024), targetFillRate,
                        retention.toSeconds());
            }
            compacted = store;
        }
        boolean idle = store.getCurrentVersion() == versionAfterLastRun; // no commit since the last run ended
        store.compact(targetFillRate, bytesPerRun);
        // what this run and the commits since the last one freed is written over only after RETENTION: by then this
        // flush (or the next, one interval later) has put on the disk a state that no longer needs it. The store's own
        // commit and fsync, what CHECKPOINT SYNC does, without a session or the lock on H2's Database object that the
        // SQL command takes (sessions opening and DDL take that lock too)
        store.commit();
        store.sync();
        if (idle && store.getFileStore() instanceof RandomAccessStore file && file.getFillRate() < targetFillRate) {
            // give the space back: only while idle, as no commit can be written while chunks move (H2 takes its store lock)
            file.compactMoveChunks(targetFillRate, bytesPerRun, store);
        }
        versionAfterLastRun = store.getCurrentVersion();
        return true;
    }

    /** The MVStore behind an embedded H2 connection, through H2's public methods; null (logged) if it cannot be reached. */
    static MVStore mvStore(Connection connection) {
        try {
            JdbcConnection h2 = connection.unwrap(JdbcConnection.class);
            Object session = h2.getClass().getMethod("getSession").invoke(h2); // org.h2.engine.SessionLocal
            Object database = session.getClass().getMethod("getDatabase").invoke(session);
            Object store = database.getClass().getMethod("getStore").invoke(database); // org.h2.mvstore.db.Store
            return (MVStore) store.getClass().getMethod("getMvStore").invoke(store);
        } catch (ReflectiveOperationException | SQLException | ClassCastException | LinkageError e) {
            LOG.warn("The embedded H2 database's store could not be reached ({}): it is not compacted while open, and its"
                    + " file grows with every commit (BENCHMARKS.md)", e.getClass().getName());
            return null;
        }
    }
}

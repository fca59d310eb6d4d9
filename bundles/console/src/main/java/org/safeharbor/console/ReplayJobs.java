package org.safeharbor.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's bulk replays of dead letters, run in the background so the page can show their progress: at most one
 * per jurisdiction at a time (two would race for the same dead-letter queue and the second would show nonsense
 * progress), each kept in memory for {@link #KEPT} after it ends so the page that started it can read how it ended.
 */
final class ReplayJobs implements AutoCloseable {

    /** How long a finished job can still be read. */
    static final Duration KEPT = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReplayJobs.class);

    enum State { RUNNING, DONE, FAILED }

    /** One bulk replay; its fields are read by request threads while the job's thread writes them. */
    static final class Job {
        final String id;
        final Jurisdiction jurisdiction;
        final String requestedBy;
        final Instant started;
        volatile State state = State.RUNNING;
        volatile int done;
        /** Null until the replay service has counted the dead letters. */
        volatile Integer total;
        volatile List<ReferralReplay.Queued> queued = List.of();
        volatile Instant finished;

        Job(String id, Jurisdiction jurisdiction, String requestedBy, Instant started) {
            this.id = id;
            this.jurisdiction = jurisdiction;
            this.requestedBy = requestedBy;
            this.started = started;
        }

        /** Ids, counts and times only, as every console answer. */
        Map<String, Object> view() {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ReferralReplay.Queued q : queued) {
                rows.add(ConsoleData.row("replayId", q.replayId(), "referralId", q.referralId().value()));
            }
            return ConsoleData.row("job", id, "jurisdiction", jurisdiction.code(), "by", requestedBy,
                    "state", state.name().toLowerCase(java.util.Locale.ROOT), "done", done, "total", total,
                    "started", ConsoleData.time(started), "finished", ConsoleData.time(finished), "queued", rows);
        }
    }

    /** A job started, or the one already running for that jurisdiction. */
    record Started(Job job, boolean alreadyRunning) {
    }

    private final ReferralReplay replay;
    private final Operations operations;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** The running job per jurisdiction code. */
    private final Map<String, Job> running = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    ReplayJobs(ReferralReplay replay, Operations operations, Clock clock) {
        this.replay = replay;
        this.operations = operations;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        // daemon threads: a replay left running never keeps the JVM from stopping; each move is its own broker
        // transaction, so one cut short loses nothing
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "safeharbor-console-replay-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the bulk replay of a jurisdiction's dead letters, unless one of that jurisdiction is running. */
    Started start(Jurisdiction jurisdiction, String user) {
        prune();
        Job job = new Job(id(), jurisdiction, user, clock.instant());
        // findable before it is the running one, so the id a 409 names can always be read
        jobs.put(job.id, job);
        Job before = running.putIfAbsent(jurisdiction.code(), job);
        if (before != null) {
            jobs.remove(job.id);
            return new Started(before, true);
        }
        // logged here, before the job's thread can log its end
        LOG.info("Console: {} started the bulk replay of {}'s dead letters (job {})", user, jurisdiction.code(), job.id);
        try {
            executor.execute(() -> run(job));
        } catch (RuntimeException e) {
            // shut down while starting: the job never ran
            job.state = State.FAILED;
            job.finished = clock.instant();
            running.remove(jurisdiction.code(), job);
            throw e;
        }
        return new Started(job, false);
    }

    Optional<Job> find(String id) {
        prune();
        return Optional.ofNullable(id == null ? null : jobs.get(id));
    }

    private void run(Job job) {
        // also listed with the shell's and the store's long operations (harbor:operations, the overview)
        Operations.Operation op = operations.start(Operations.Kind.REPLAY_DEAD_LETTERS, job.jurisdiction.code(), job.requestedBy);
        try {
            List<ReferralReplay.Queued> moved = replay.replayDeadLetters(job.jurisdiction, job.requestedBy, (done, total) -> {
                if (closed) {
                    job.done = done;
                    throw new java.util.concurrent.CancellationException("the console stopped");
                }
                job.total = total;
                job.done = done;
                op.progress(done, (long) total);
            });
            job.queued = List.copyOf(moved);
            job.done = moved.size();
            job.total = Math.max(moved.size(), job.total == null ? 0 : job.total);
            job.state = State.DONE;
            op.progress(job.done, (long) job.total);
            op.done(moved.size() + " dead letter(s) queued again");
            LOG.info("Console: {} moved {} dead letter(s) of {} back onto its queue", job.requestedBy, moved.size(), job.jurisdiction.code());
        } catch (RuntimeException e) {
            // the type only: a message could name what a message carried; the moves before it stay done
            job.state = State.FAILED;
            op.failed(e.getClass().getSimpleName());
            LOG.warn("Console: the bulk replay of {}'s dead letters by {} stopped after {} message(s): {}", job.jurisdiction.code(),
                    job.requestedBy, job.done, e.getClass().getName());
        } finally {
            if (job.state == State.RUNNING) {
                // an Error, not an exception: the page must still see it end
                job.state = State.FAILED;
                op.failed("stopped");
            }
            job.finished = clock.instant();
            running.remove(job.jurisdiction.code(), job);
        }
    }

    /** Forgets jobs that ended more than {@link #KEPT} ago. */
    private void prune() {
        Instant oldest = clock.instant().minus(KEPT);
        jobs.values().removeIf(j -> j.finished != null && j.finished.isBefore(oldest));
    }

    private String id() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Stops taking jobs; one running stops after the message it is moving (each message moved so far stays moved). Not
     * by an interrupt: a job writes its replay records to the store, and an interrupt that reaches the embedded H2
     * inside its file I/O closes the whole database.
     */
    @Override
    public void close() {
        closed = true;
        executor.shutdown();
    }
}

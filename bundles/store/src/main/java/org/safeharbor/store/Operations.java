package org.safeharbor.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The long operator operations of this process (a bulk replay of dead letters, an NCANDS export, a retention purge),
 * so that the shell ({@code harbor:operations}) and the console show how far each is, whoever started it and where:
 * the part doing the work {@link #start starts} one, reports its progress and ends it; finished ones are kept for
 * {@link #KEPT}. In memory only: a restart forgets them, as it stops them. Ids, counts and user names only.
 */
public final class Operations {

    /** How long a finished operation is still listed. */
    public static final Duration KEPT = Duration.ofHours(1);

    /** What kind of work; the names are what the shell and the console show. */
    public enum Kind {
        REPLAY_DEAD_LETTERS("bulk replay"), NCANDS_EXPORT("NCANDS export"), RETENTION_PURGE("retention purge");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public enum State { RUNNING, DONE, FAILED }

    /** One operation; written by its own thread, read by any. */
    public final class Operation {
        private final long id;
        private final Kind kind;
        private final String subject;
        private final String startedBy;
        private final Instant started;
        private volatile long done;
        private volatile Long total;
        private volatile State state = State.RUNNING;
        private volatile String outcome = "";
        private volatile Instant finished;

        private Operation(long id, Kind kind, String subject, String startedBy, Instant started) {
            this.id = id;
            this.kind = kind;
            this.subject = subject;
            this.startedBy = startedBy;
            this.started = started;
        }

        /** {@code done} of {@code total} (null while not yet counted). */
        public void progress(long done, Long total) {
            this.done = done;
            this.total = total;
        }

        /** Ended as it should; {@code outcome} is counts only, e.g. "3 record(s)". */
        public void done(String outcome) {
            end(State.DONE, outcome);
        }

        /** Stopped by an error; {@code outcome} names its type, never its message (which may quote what it read). */
        public void failed(String outcome) {
            end(State.FAILED, outcome);
        }

        private void end(State end, String text) {
            if (state == State.RUNNING) {
                outcome = text;
                finished = clock.instant();
                state = end;
            }
        }

        public long id() {
            return id;
        }

        public Kind kind() {
            return kind;
        }

        /** What it works on: a jurisdiction code, a period, "store". */
        public String subject() {
            return subject;
        }

        public String startedBy() {
            return startedBy;
        }

        public Instant started() {
            return started;
        }

        public long done() {
            return done;
        }

        public Long total() {
            return total;
        }

        public State state() {
            return state;
        }

        public String outcome() {
            return outcome;
        }

        /** Null while running. */
        public Instant finished() {
            return finished;
        }

        /** "moved 10 of 26", "10 so far" while uncounted: how the shell and the console say how far it is. */
        public String progressText() {
            Long t = total;
            return t == null ? done + " so far" : done + " of " + t;
        }
    }

    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Operation> operations = new ConcurrentHashMap<>();

    public Operations(Clock clock) {
        this.clock = clock;
    }

    /** Registers an operation that starts now. */
    public Operation start(Kind kind, String subject, String startedBy) {
        prune();
        Operation op = new Operation(ids.incrementAndGet(), kind, subject, startedBy, clock.instant());
        operations.put(op.id, op);
        return op;
    }

    /** Those running and those ended within {@link #KEPT}, newest first. */
    public List<Operation> recent() {
        prune();
        return operations.values().stream().sorted(Comparator.comparingLong(Operation::id).reversed()).toList();
    }

    private void prune() {
        Instant oldest = clock.instant().minus(KEPT);
        operations.values().removeIf(op -> op.finished != null && op.finished.isBefore(oldest));
    }
}

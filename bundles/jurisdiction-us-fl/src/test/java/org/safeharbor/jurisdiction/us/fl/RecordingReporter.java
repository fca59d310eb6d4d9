package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/** A StatusReporter that keeps every update, and lets a test wait for one that arrives asynchronously. */
final class RecordingReporter extends org.safeharbor.tck.RecordedAttempts {

    private final List<StatusUpdate> all = new ArrayList<>();
    private final LinkedBlockingQueue<StatusUpdate> arriving = new LinkedBlockingQueue<>();

    @Override
    public synchronized void report(StatusUpdate update) {
        all.add(update);
        arriving.add(update);
    }

    synchronized List<StatusUpdate> all() {
        return List.copyOf(all);
    }

    /** Waits until {@code count} updates match, and returns them. */
    List<StatusUpdate> awaitCount(Predicate<StatusUpdate> wanted, int count, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            synchronized (this) {
                List<StatusUpdate> matching = all.stream().filter(wanted).toList();
                if (matching.size() >= count) {
                    return matching;
                }
            }
            if (System.nanoTime() > until) {
                fail("not " + count + " status updates: " + what + "; got " + all());
            }
            arriving.poll(100, TimeUnit.MILLISECONDS);
        }
    }

    /** The first update (in arrival order) that matches; waits for it, failing after a generous bound. */
    StatusUpdate await(Predicate<StatusUpdate> wanted, String what) throws InterruptedException {
        synchronized (this) {
            for (StatusUpdate u : all) {
                if (wanted.test(u)) {
                    return u;
                }
            }
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            StatusUpdate u = arriving.poll(100, TimeUnit.MILLISECONDS);
            if (u != null && wanted.test(u)) {
                return u;
            }
        }
        fail("no status update: " + what + "; got " + all());
        return null;
    }
}

package org.safeharbor.jurisdiction.us.il;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/** The core's StatusReporter as the tests see it: every update, in order. */
public final class RecordingStatusReporter extends org.safeharbor.tck.RecordedAttempts {

    private final List<StatusUpdate> updates = new CopyOnWriteArrayList<>();
    /** Referral ids the core does not know (as the message store answers for them: NoSuchElementException). */
    public final java.util.Set<String> unknown = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public synchronized void report(StatusUpdate update) {
        if (unknown.contains(update.referralId().value())) {
            throw new java.util.NoSuchElementException("no delivery of referral " + update.referralId() + " (SELECT ...)");
        }
        updates.add(update);
        notifyAll();
    }

    public List<StatusUpdate> updates() {
        return List.copyOf(updates);
    }

    public List<DeliveryStatus> statuses() {
        return updates.stream().map(StatusUpdate::status).toList();
    }

    /**
     * Waits until {@code count} updates have arrived in total, for statuses sent from another thread.
     * The bound only keeps a broken build from hanging; the tests assert what arrived, not when.
     */
    public synchronized List<StatusUpdate> awaitUpdates(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (updates.size() < count) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("expected " + count + " status updates, got " + updates());
            }
            wait(left);
        }
        return updates();
    }
}

package org.safeharbor.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/**
 * The core's {@link StatusReporter} as a jurisdiction bundle's tests see it: every status update in the order it
 * arrived, and the attempts and notices numbered and kept as the message store keeps them ({@link RecordedAttempts}).
 * Updates sent from another thread (a status call-back, a batch's acknowledgement file) can be waited for; the wait's
 * bound only keeps a broken build from hanging, the tests assert what arrived, not when.
 */
public class RecordingStatusReporter extends RecordedAttempts {

    /** How long {@link #await} and {@link #awaitCount} wait before failing. */
    private static final long WAIT_SECONDS = 30;

    private final List<StatusUpdate> updates = new ArrayList<>();
    /** Referral ids the core does not know: {@link #report} throws for them as the message store does. */
    private final Set<String> unknown = ConcurrentHashMap.newKeySet();

    @Override
    public synchronized void report(StatusUpdate update) {
        if (unknown.contains(update.referralId().value())) {
            throw new NoSuchElementException("no delivery of referral " + update.referralId());
        }
        updates.add(update);
        notifyAll();
    }

    /**
     * From now on a status for this referral is refused with a {@link NoSuchElementException}, as the message store
     * refuses one for a referral it never delivered (e.g. a state's call-back naming a made-up id).
     */
    public void treatAsUnknown(String referralId) {
        unknown.add(referralId);
    }

    /** Every update reported so far, in order. */
    public synchronized List<StatusUpdate> updates() {
        return List.copyOf(updates);
    }

    /** The statuses of {@link #updates()}, in order. */
    public synchronized List<DeliveryStatus> statuses() {
        return updates.stream().map(StatusUpdate::status).toList();
    }

    /** Waits until {@code count} updates have arrived in all, and returns them all. */
    public List<StatusUpdate> awaitUpdates(int count) throws InterruptedException {
        return awaitCount(update -> true, count, count + " status updates");
    }

    /** Waits until {@code count} updates match, and returns those that match, in order. */
    public synchronized List<StatusUpdate> awaitCount(Predicate<StatusUpdate> wanted, int count, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            List<StatusUpdate> matching = updates.stream().filter(wanted).toList();
            if (matching.size() >= count) {
                return matching;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("not " + count + " status updates: " + what + "; got " + statuses());
            }
            wait(left);
        }
    }

    /** The first update (in arrival order) that matches, waiting for it. */
    public StatusUpdate await(Predicate<StatusUpdate> wanted, String what) throws InterruptedException {
        return awaitCount(wanted, 1, what).get(0);
    }
}

package org.safeharbor.benchmarks;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** When the Illinois peer first took each referral (System.nanoTime), fed by {@link ReceiptExtension}. */
final class Receipts {

    private static final ConcurrentHashMap<String, Long> FIRST = new ConcurrentHashMap<>();
    private static final AtomicLong ALL = new AtomicLong();

    private Receipts() {
    }

    static void record(String referralId) {
        long now = System.nanoTime();
        ALL.incrementAndGet();
        FIRST.putIfAbsent(referralId, now);
    }

    /** The first receipt of a referral, or null. */
    static Long at(String referralId) {
        return FIRST.get(referralId);
    }

    /** Every receipt, redeliveries included. */
    static long all() {
        return ALL.get();
    }

    /** How many of these referrals the peer has taken. */
    static int received(Collection<String> referralIds) {
        int n = 0;
        for (String id : referralIds) {
            if (FIRST.containsKey(id)) {
                n++;
            }
        }
        return n;
    }
}

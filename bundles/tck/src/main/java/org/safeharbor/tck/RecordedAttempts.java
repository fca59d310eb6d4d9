package org.safeharbor.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;

/**
 * The attempt half of the core's {@link StatusReporter}, in memory, for a jurisdiction bundle's
 * tests: numbers attempts per referral and jurisdiction as the message store does, and keeps each
 * payload and failure. A test's recording reporter extends it and adds {@code report}.
 */
public abstract class RecordedAttempts implements StatusReporter {

    /** One recorded attempt; {@code failure} is null unless it failed. */
    public record Attempt(ReferralId referralId, Jurisdiction jurisdiction, int number, String payload, String failure) {
    }

    private final Map<String, List<Attempt>> attempts = new ConcurrentHashMap<>();

    @Override
    public synchronized int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload) {
        List<Attempt> list = attempts.computeIfAbsent(key(referralId, jurisdiction), k -> new ArrayList<>());
        list.add(new Attempt(referralId, jurisdiction, list.size() + 1, statePayload, null));
        return list.size();
    }

    @Override
    public synchronized void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason) {
        List<Attempt> list = attempts.get(key(referralId, jurisdiction));
        Attempt a = list.get(attempt - 1);
        list.set(attempt - 1, new Attempt(referralId, jurisdiction, attempt, a.payload(), reason));
    }

    @Override
    public synchronized Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt) {
        List<Attempt> list = attempts.getOrDefault(key(referralId, jurisdiction), List.of());
        return attempt >= 1 && attempt <= list.size() ? Optional.of(list.get(attempt - 1).payload()) : Optional.empty();
    }

    /** The attempts made for a referral with one jurisdiction, in order. */
    public synchronized List<Attempt> attempts(ReferralId referralId, Jurisdiction jurisdiction) {
        return List.copyOf(attempts.getOrDefault(key(referralId, jurisdiction), List.of()));
    }

    private static String key(ReferralId referralId, Jurisdiction jurisdiction) {
        return jurisdiction.code() + ":" + referralId.value();
    }
}

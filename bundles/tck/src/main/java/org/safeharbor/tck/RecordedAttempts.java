package org.safeharbor.tck;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;

/**
 * The attempt half of the core's {@link StatusReporter}, in memory, for a jurisdiction bundle's
 * tests: numbers attempts per referral and jurisdiction as the message store does, and keeps each
 * payload and failure; the same for notices (api 1.3). A test's recording reporter extends it and adds
 * {@code report}. Unlike the store it does not know the delivery's status, so a notice is recorded on its
 * first {@link #recordNotice} whatever the trigger.
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

    // ------------------------------------------------------------------ notices (api 1.3)

    /** One recorded notice; {@code status} is PENDING, QUEUED, SENT or FAILED, as in the store. */
    public record RecordedNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger,
                                 String payload, Instant recordedAt, String status, String reason) {

        RecordedNotice with(String newStatus, String newReason) {
            return new RecordedNotice(referralId, jurisdiction, recipient, trigger, payload, recordedAt, newStatus, newReason);
        }
    }

    /** One attempt to send a notice; {@code outcome} is null while running, then SENT or FAILED. */
    public record NoticeAttempt(String recipient, int number, String payload, String outcome, String detail) {
    }

    private final Map<String, RecordedNotice> notices = new java.util.LinkedHashMap<>();
    private final Map<String, List<NoticeAttempt>> noticeAttempts = new java.util.HashMap<>();

    @Override
    public synchronized Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction) {
        List<Attempt> list = attempts.getOrDefault(key(referralId, jurisdiction), List.of());
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).failure() == null) {
                return Optional.of(list.get(i).payload());
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger,
                                             String payload) {
        PendingNotice.requireRecipient(recipient);
        return notices.putIfAbsent(noticeKey(referralId, jurisdiction, recipient),
                new RecordedNotice(referralId, jurisdiction, recipient, trigger, payload, Instant.now(), "PENDING", null)) == null;
    }

    @Override
    public synchronized void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        notices.computeIfPresent(noticeKey(referralId, jurisdiction, recipient),
                (k, n) -> n.status().equals("PENDING") ? n.with("QUEUED", null) : n);
    }

    @Override
    public synchronized List<PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit) {
        return notices.values().stream().filter(n -> n.jurisdiction().equals(jurisdiction) && n.status().equals("PENDING")
                        && n.recordedAt().isBefore(recordedBefore))
                .limit(limit).map(n -> new PendingNotice(n.referralId(), jurisdiction, n.recipient(), n.payload())).toList();
    }

    @Override
    public synchronized int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {
        String key = noticeKey(referralId, jurisdiction, recipient);
        RecordedNotice notice = notices.get(key);
        if (notice == null || notice.status().equals("SENT")) {
            return 0;
        }
        List<NoticeAttempt> list = noticeAttempts.computeIfAbsent(key, k -> new ArrayList<>());
        list.add(new NoticeAttempt(recipient, list.size() + 1, payload, null, null));
        return list.size();
    }

    @Override
    public synchronized void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt,
                                                       String reason) {
        List<NoticeAttempt> list = noticeAttempts.get(noticeKey(referralId, jurisdiction, recipient));
        NoticeAttempt a = list.get(attempt - 1);
        list.set(attempt - 1, new NoticeAttempt(recipient, attempt, a.payload(), "FAILED", reason));
    }

    @Override
    public synchronized void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        String key = noticeKey(referralId, jurisdiction, recipient);
        List<NoticeAttempt> list = noticeAttempts.get(key);
        NoticeAttempt a = list.get(attempt - 1);
        list.set(attempt - 1, new NoticeAttempt(recipient, attempt, a.payload(), "SENT", null));
        notices.computeIfPresent(key, (k, n) -> n.with("SENT", null));
    }

    @Override
    public synchronized void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason) {
        notices.computeIfPresent(noticeKey(referralId, jurisdiction, recipient),
                (k, n) -> n.status().equals("SENT") ? n : n.with("FAILED", reason));
    }

    /** The notices recorded for a referral with one jurisdiction, in the order they were recorded. */
    public synchronized List<RecordedNotice> notices(ReferralId referralId, Jurisdiction jurisdiction) {
        return notices.values().stream().filter(n -> n.referralId().equals(referralId) && n.jurisdiction().equals(jurisdiction)).toList();
    }

    /** The attempts made to send one notice, in order. */
    public synchronized List<NoticeAttempt> noticeAttempts(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        return List.copyOf(noticeAttempts.getOrDefault(noticeKey(referralId, jurisdiction, recipient), List.of()));
    }

    private static String noticeKey(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        return key(referralId, jurisdiction) + ":" + recipient;
    }
}

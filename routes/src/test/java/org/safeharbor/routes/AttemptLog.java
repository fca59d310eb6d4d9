package org.safeharbor.routes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/**
 * The message store's attempt log as the core's own tests need it: every attempt in one list, numbered per referral
 * and jurisdiction, with its payload and failure; statuses go to a consumer. routes' tests cannot use the kit's
 * recorder (bundles/tck), which depends on routes for its delivery-contract tests. Notices are not the core's
 * delivery path: refused here.
 */
final class AttemptLog implements StatusReporter {

    /** One attempt; {@code failure} null unless it failed. */
    record Attempt(ReferralId referralId, Jurisdiction jurisdiction, int number, String payload, String failure) {
    }

    private final List<Attempt> log = new ArrayList<>();
    private final Consumer<StatusUpdate> statuses;

    AttemptLog(Consumer<StatusUpdate> statuses) {
        this.statuses = statuses;
    }

    @Override
    public void report(StatusUpdate update) {
        statuses.accept(update);
    }

    @Override
    public synchronized int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload) {
        int number = attempts(referralId, jurisdiction).size() + 1;
        log.add(new Attempt(referralId, jurisdiction, number, statePayload, null));
        return number;
    }

    @Override
    public synchronized void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason) {
        Attempt failed = find(referralId, jurisdiction, attempt).orElseThrow();
        log.set(log.indexOf(failed), new Attempt(referralId, jurisdiction, attempt, failed.payload(), reason));
    }

    @Override
    public synchronized Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt) {
        return find(referralId, jurisdiction, attempt).map(Attempt::payload);
    }

    @Override
    public synchronized Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction) {
        return attempts(referralId, jurisdiction).stream().filter(a -> a.failure() == null).reduce((first, later) -> later)
                .map(Attempt::payload);
    }

    /** The attempts for a referral with one jurisdiction, in order. */
    synchronized List<Attempt> attempts(ReferralId referralId, Jurisdiction jurisdiction) {
        return log.stream().filter(a -> a.referralId().equals(referralId) && a.jurisdiction().equals(jurisdiction)).toList();
    }

    private Optional<Attempt> find(ReferralId referralId, Jurisdiction jurisdiction, int number) {
        return attempts(referralId, jurisdiction).stream().filter(a -> a.number() == number).findFirst();
    }

    // ------------------------------------------------------------------ notices: not on the core's delivery path

    @Override
    public boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger, String payload) {
        throw new UnsupportedOperationException("notices");
    }

    @Override
    public void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        throw new UnsupportedOperationException("notices");
    }

    @Override
    public List<PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit) {
        return List.of();
    }

    @Override
    public int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {
        throw new UnsupportedOperationException("notices");
    }

    @Override
    public void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt, String reason) {
        throw new UnsupportedOperationException("notices");
    }

    @Override
    public void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        throw new UnsupportedOperationException("notices");
    }

    @Override
    public void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason) {
        throw new UnsupportedOperationException("notices");
    }
}

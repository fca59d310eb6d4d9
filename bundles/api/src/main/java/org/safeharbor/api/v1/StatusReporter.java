package org.safeharbor.api.v1;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a jurisdiction bundle reports what happened to a referral (delivered, acknowledged with the
 * state's intake number, screened in, ...) and records each delivery attempt with the payload it
 * sent. The core keeps all of it in the message store and the hospital sees the status in its FHIR
 * Task. Provided by the core as an OSGi service; jurisdiction bundles only use it.
 *
 * <p>Since 1.3 it also records <em>notices</em>: disclosures a state's law requires, besides the report, to
 * another recipient once the state has decided (e.g. Massachusetts DCF's notice to the District Attorney and
 * local law enforcement, G.L. c.119 s.51B(k)). Each is recorded durably with its payload and every attempt, as
 * a delivery is, and has its own status, so a notice that fails never touches the report's delivery.
 */
@ProviderType
public interface StatusReporter {

    /** Records a status change; the update's text must hold no personal data. */
    void report(StatusUpdate update);

    /**
     * Records that the state's payload is about to be sent and returns the attempt number: 1 for
     * the first, growing across retries, restarts and replays (it is stored durably), so a state
     * can tell an announced redelivery from a new report.
     *
     * @since 1.1
     */
    int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload);

    /**
     * Records why an attempt failed (a class of error or the state's reason, no personal data).
     *
     * @since 1.1
     */
    void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason);

    /**
     * The payload an earlier attempt sent, for a replay of a stored output.
     *
     * @since 1.1
     */
    Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt);

    // ------------------------------------------------------------------ since 1.3: notices

    /**
     * The payload of the latest attempt that did not fail (it succeeded, or has no outcome yet), if any: what
     * the state holds. For a notice that must say what the state received, when the state's status comes.
     *
     * @since 1.3
     */
    Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction);

    /**
     * Records that a notice is due, with the payload to send, because the state's status {@code trigger}
     * requires it. Recorded only while the delivery stands at {@code trigger} (a status the store did not apply,
     * being late or backwards, triggers nothing) and only once per referral, jurisdiction and recipient.
     *
     * @return true when recorded now: the caller queues it and calls {@link #noticeQueued}; false when it was
     *         recorded before or the delivery is not at {@code trigger}
     * @throws java.util.NoSuchElementException when there is no delivery of the referral to the jurisdiction
     * @since 1.3
     */
    boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger, String payload);

    /**
     * Records that the notice is on its durable queue; until then {@link #unqueuedNotices} hands it back.
     *
     * @since 1.3
     */
    void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient);

    /**
     * Notices recorded before {@code recordedBefore} that never reached their queue (a crash between the state's
     * status and the queue), oldest first: the bundle queues them again.
     *
     * @since 1.3
     */
    List<PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit);

    /**
     * Records that the notice's payload is about to be sent and returns the attempt number (1 first, growing
     * across retries, restarts and an operator's resend from the dead-letter queue), or 0 when the notice was
     * sent already or was never recorded: a second copy from the queue is then dropped.
     *
     * @since 1.3
     */
    int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload);

    /**
     * Records why a notice attempt failed (a class of error; no personal data). The notice stays due: retried.
     *
     * @since 1.3
     */
    void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt, String reason);

    /**
     * Records that the recipient took the notice with this attempt.
     *
     * @since 1.3
     */
    void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt);

    /**
     * Records that the notice gave up after its retries (it waits on a dead-letter queue for an operator); the
     * report's delivery is not touched. {@code reason} holds no personal data.
     *
     * @since 1.3
     */
    void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason);
}

package org.safeharbor.api.v1;

import java.util.Objects;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The delivery contract between the core and a jurisdiction's bundle, in one place: the queues a referral
 * travels on, the headers it carries, the key that makes a delivery happen once, and how attempts are
 * numbered. Nothing else in the project spells these names.
 *
 * <pre>
 * intake ──▶ referrals.US-XX ──▶ the state's rules and format ──▶ attempt n ──▶ the state's transport
 *              (queue message:      (nothing for the state:           │  (headers to the state:
 *               the canonical JSON   NOT_SENT)                        │   SafeHarbor-Referral-Id,
 *               sealed by the core,                                   │
 *               referralId,                                           │   SafeHarbor-Delivery-Attempt)
 *               jurisdiction)                                         ├─ refused ──▶ referrals.US-XX.quarantine
 *                                                                     └─ retries spent ──▶ referrals.US-XX.DLQ
 * </pre>
 *
 * <ul>
 *   <li><b>The intake's hand-over</b> (1.5): the FHIR intake sends each accepted submission, the canonical
 *       {@link Referral} as body with the {@code SUBMISSION_*} headers, to the core's {@link #INTAKE_ENDPOINT}, which
 *       stores it once per {@link #SUBMISSION_KEY} and puts it on each of its jurisdictions' queues; the hospital is
 *       answered only once that returned. An operator's replay is queued through {@link #QUEUE_ENDPOINT}.</li>
 *   <li><b>Queues</b>: {@link #queue}, {@link #deadLetters}, {@link #quarantine}; all durable (ActiveMQ Artemis,
 *       AMQP 1.0).</li>
 *   <li><b>Queue message body</b> (1.5): the canonical referral, sealed ({@link #sealedBodyPurpose}).</li>
 *   <li><b>Queue message headers</b>: {@link #REFERRAL_ID}, {@link #JURISDICTION}, and on an operator's replay
 *       {@link #REPLAY_ID} (and {@link #REPLAY_OUTPUT} to resend an earlier attempt's payload byte for byte).</li>
 *   <li><b>Idempotency</b>: {@link #deliveryKey}: the same queue message twice is delivered once; a replay has
 *       its own key, so it is delivered again on purpose.</li>
 *   <li><b>Attempts</b>: numbered from 1 for each referral and jurisdiction, growing across retries, restarts
 *       and replays (stored durably by the core, {@link StatusReporter#recordAttempt}); the state receives the
 *       number in {@link #STATE_ATTEMPT} and the stable id in {@link #STATE_REFERRAL_ID}, so it can tell an
 *       announced redelivery from a new report. Only these two headers reach a state.</li>
 *   <li><b>The state's transport</b> (1.4): the core sends each attempt, the state's payload as body, to
 *       {@link #deliverEndpoint}, with the canonical referral in the exchange property {@link #REFERRAL_PROPERTY};
 *       the state's route answers by setting {@link #ANSWER} (a {@link DeliveryStatus} name, e.g. {@code ACKNOWLEDGED})
 *       and {@link #ANSWER_INTAKE_NUMBER} (and {@link #ANSWER_REASON}), which the core reports; no answer (e.g. a batch sent later) reports
 *       nothing. It throws to fail the attempt: a refusal of the report to be quarantined, anything else to be
 *       retried.</li>
 * </ul>
 */
@ProviderType
public final class DeliveryContract {

    /** Queue message header: the referral's id. */
    public static final String REFERRAL_ID = "referralId";

    /** Queue message header: the jurisdiction code, e.g. {@code US-IL}. */
    public static final String JURISDICTION = "jurisdiction";

    /** Queue message header: this message is an operator's replay (its id, linked to the original referral). */
    public static final String REPLAY_ID = "SafeHarborReplayId";

    /** Queue message header: resend the payload of this earlier attempt instead of formatting anew. */
    public static final String REPLAY_OUTPUT = "SafeHarborReplayOutputAttempt";

    /** Header (an HTTP header, or a field of the state's format) to the state: the stable referral id. */
    public static final String STATE_REFERRAL_ID = "SafeHarbor-Referral-Id";

    /** Header (an HTTP header, or a field of the state's format) to the state: the attempt number, 1 first. */
    public static final String STATE_ATTEMPT = "SafeHarbor-Delivery-Attempt";

    /** Exchange property on each attempt: the canonical {@link Referral} (1.4). */
    public static final String REFERRAL_PROPERTY = "safeharborReferral";

    /** Exchange header a state's transport sets once the state took the attempt: a {@link DeliveryStatus} name (1.4). */
    public static final String ANSWER = "SafeHarborStateAnswer";

    /** Exchange header a state's transport sets with the state's own number for the report, if it gave one (1.4). */
    public static final String ANSWER_INTAKE_NUMBER = "SafeHarborStateIntakeNumber";

    /** Exchange header a state's transport may set with a reason for the answer, free of personal data (1.4). */
    public static final String ANSWER_REASON = "SafeHarborStateAnswerReason";

    /**
     * The core's intake route (1.5): in, an accepted submission (body: the canonical {@link Referral}; headers
     * {@link #SUBMITTED_BY}, {@link #SUBMISSION_KEY}, {@link #SUBMISSION_ACTIONABLE}, {@link #SUBMISSION_RAW},
     * {@link #SUBMISSION_MEDIA_TYPE}, {@link #SUBMISSION_STATUS}, {@link #SUBMISSION_REASON}); out, the referral as
     * stored, once it is on every queue it goes to. Fails if it could not be stored or queued (then nothing may be
     * answered 202), or when the key was stored before with other content.
     */
    public static final String INTAKE_ENDPOINT = "direct:safeharbor-intake";

    /**
     * The core's step that puts one referral on one jurisdiction's queue (1.5): body the canonical {@link Referral},
     * header {@link #JURISDICTION}, and a replay's {@link #REPLAY_ID} (and {@link #REPLAY_OUTPUT}); returns once the
     * broker holds the message.
     */
    public static final String QUEUE_ENDPOINT = "direct:safeharbor-queue";

    /**
     * Camel route group of work that must run on one node at a time when several nodes share the database and the
     * broker (1.7): sweeps, scans, batches, pollers. The core starts such a route only on the node that holds the
     * singleton lease and stops it when the lease is lost (karaf-distribution/PRODUCTION.md, "Two or more nodes").
     * A bundle marks a route with {@code .routeGroup(DeliveryContract.SINGLETON_ROUTES)}; a state whose transport
     * marks any of its routes has its whole delivery path run on that node (a batch is collected where it is sent).
     */
    public static final String SINGLETON_ROUTES = "safeharbor-singleton";

    /**
     * The JMS property of a queue message's Artemis message group (1.7; Qpid JMS carries it as the AMQP
     * {@code group-id}): the broker gives a group's messages to one consumer at a time, on whichever node. The core
     * groups a state's referrals (by state when it is delivered in order, by referral otherwise); a bundle that queues
     * its own messages (notices, services referrals) groups each by what must not be sent twice at once. Never passed
     * on to a state.
     */
    public static final String MESSAGE_GROUP = "JMSXGroupID";

    /** Intake header: the registered client that submitted (its SMART client id) (1.5). */
    public static final String SUBMITTED_BY = "SafeHarborSubmittedBy";

    /** Intake header: the submission's idempotency key, in the client's own key space: a resend finds what was stored (1.5). */
    public static final String SUBMISSION_KEY = "SafeHarborSubmissionKey";

    /** Intake header: {@code Boolean}, whether the submission is a report or risk signal at all (else recorded only) (1.5). */
    public static final String SUBMISSION_ACTIONABLE = "SafeHarborSubmissionActionable";

    /** Intake header: the submission as the hospital sent it, a {@code String} (1.5). */
    public static final String SUBMISSION_RAW = "SafeHarborSubmissionRaw";

    /** Intake header: the submission's media type (1.5). */
    public static final String SUBMISSION_MEDIA_TYPE = "SafeHarborSubmissionMediaType";

    /**
     * Intake header: a {@code Map<Jurisdiction, DeliveryStatus>}, each jurisdiction's first status: {@code RECEIVED}
     * to be queued, {@code NOT_SENT} to be recorded only (1.5).
     */
    public static final String SUBMISSION_STATUS = "SafeHarborSubmissionStatus";

    /** Intake header: a {@code Map<Jurisdiction, String>}, why a jurisdiction is {@code NOT_SENT} (no personal data) (1.5). */
    public static final String SUBMISSION_REASON = "SafeHarborSubmissionReason";

    private static final String QUEUE_PREFIX = "referrals.";

    private DeliveryContract() {
    }

    /** The jurisdiction's durable queue, e.g. {@code referrals.US-IL}. */
    public static String queue(Jurisdiction jurisdiction) {
        return QUEUE_PREFIX + Objects.requireNonNull(jurisdiction, "jurisdiction").code();
    }

    /** Where a referral goes once its retries are spent: {@code referrals.US-IL.DLQ}. */
    public static String deadLetters(Jurisdiction jurisdiction) {
        return queue(jurisdiction) + ".DLQ";
    }

    /** Where a referral the state refused goes, kept for inspection: {@code referrals.US-IL.quarantine}. */
    public static String quarantine(Jurisdiction jurisdiction) {
        return queue(jurisdiction) + ".quarantine";
    }

    /** A further queue of the jurisdiction's own, e.g. {@code referrals.US-MA.notices} for {@code notices}. */
    public static String queue(Jurisdiction jurisdiction, String purpose) {
        if (purpose == null || !purpose.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a queue purpose is lower-case letters, digits and '-': " + purpose);
        }
        return queue(jurisdiction) + "." + purpose;
    }

    /** The dead letters of a further queue, e.g. {@code referrals.US-MA.notices.DLQ}. */
    public static String deadLetters(Jurisdiction jurisdiction, String purpose) {
        return queue(jurisdiction, purpose) + ".DLQ";
    }

    /** Where the core sends each attempt for the state's transport: {@code direct:US-IL-deliver} (1.4). */
    public static String deliverEndpoint(Jurisdiction jurisdiction) {
        return "direct:" + Objects.requireNonNull(jurisdiction, "jurisdiction").code() + "-deliver";
    }

    /**
     * What a queue message's body is sealed for (1.5): the core writes the canonical JSON sealed by the message store's
     * cipher ({@code org.safeharbor.store.StoreCipher}) under this purpose, Base64 in a text message; the referral id in
     * it means a body opens only as its own referral's message (the {@link #REFERRAL_ID} header). A body that starts with
     * '{' is canonical JSON in clear (queued before 1.5).
     */
    public static String sealedBodyPurpose(String referralId) {
        return "queue message of referral " + Objects.requireNonNull(referralId, "referralId");
    }

    /**
     * The idempotency key of a delivery: jurisdiction and referral id, and the replay's id if it is one. Kept by
     * the core once the delivery is done, so a message queued twice is delivered once.
     */
    public static String deliveryKey(Jurisdiction jurisdiction, String referralId, String replayId) {
        Objects.requireNonNull(referralId, "referralId");
        return jurisdiction.code() + ":" + referralId + (replayId == null ? "" : ":replay:" + replayId);
    }
}

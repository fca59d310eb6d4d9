package org.safeharbor.store;

import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message store over the {@code safeharbor} DataSource. Every write that belongs together is
 * one transaction, so a crash leaves either the whole accepted referral or nothing.
 * <p>
 * The one service other bundles use; each concern is its own class, to which each method here hands its
 * call: {@link Referrals} (accepting and finding referrals, their trail), {@link DeliveryLog} (statuses,
 * listings, the outbox), {@link Attempts} (delivery attempts and replays), {@link ClockSchedule} (clock
 * checks and alerts), {@link Notices} (api 1.3), {@link Quarantine} (refused submissions) and
 * {@link Retention}. They share one {@link Db}: the same transactions, clock and trail, and the audit trail
 * ({@link AuditTrail}: every disclosure, notice, state status, replay and purge is recorded there by the part that
 * does it, in its transaction; the other parts of the adapter record theirs through {@link AuditLog}).
 * Configuration PID {@code org.safeharbor.store}: how long the audit trail is kept.
 */
@Component(service = {MessageStore.class, StatusReporter.class, AuditLog.class}, configurationPid = MessageStore.PID,
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MessageStore.Config.class)
public class MessageStore implements StatusReporter, AuditLog {

    static final String PID = "org.safeharbor.store";

    @ObjectClassDefinition(name = "SafeHarbor Bridge message store")
    public @interface Config {
        @AttributeDefinition(description = "How long the audit trail is kept, an ISO-8601 period: each retention sweep deletes"
                + " the audit records older than this. P6Y by default, HIPAA's documentation period (45 CFR 164.316(b)(2)); a"
                + " referral's audit records are kept this long whatever happens to the referral")
        String auditRetention() default "P6Y";

        @AttributeDefinition(description = "The PKCS12 key store of the keys that encrypt the stored personal data (AES-256,"
                + " aliases k1, k2, ...; the newest encrypts). Empty: etc/safeharbor-store.p12, generated at the first start."
                + " Read at start; harbor:rotate-key adds keys to it")
        String keyStore() default "";

        @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD, description = "The key store's"
                + " password. Empty: the one in the file beside it (<keyStore>.password, 0600), generated with the key store")
        String keyStorePassword() default "";

        @AttributeDefinition(description = "The smallest count the de-identified aggregate counts show (GET /fhir/$aggregate-counts,"
                + " harbor:export-counts): a cell below it is suppressed, as public-health small-cell rules require (CMS's cell size"
                + " suppression policy: no cell of 1 to 10). 11 by default")
        int aggregateMinimumCell() default DEFAULT_MINIMUM_CELL;
    }

    /** The default of {@link Config#aggregateMinimumCell()}: no cell of 1 to 10 is shown. */
    public static final int DEFAULT_MINIMUM_CELL = 11;

    /** The default of {@link Config#auditRetention()}. */
    public static final Period DEFAULT_AUDIT_RETENTION = Period.ofYears(6);

    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    /** What {@link #accept} did. */
    public record Accepted(StoredReferral stored, boolean created) {
    }

    /**
     * The same submission key was accepted before with other content: a hospital reusing an id for a
     * different report, or someone trying to pre-empt one. Refused (409), never merged.
     */
    public static final class SubmissionConflict extends RuntimeException {
        public SubmissionConflict() {
            super("this submission's identifier was used before for a different submission");
        }
    }

    /**
     * A referral and one of its deliveries, with the time of the state's first answer (null before it):
     * the start of the state's own clocks.
     */
    public record OpenDelivery(Referral referral, Delivery delivery, Instant acknowledgedAt) {
    }

    /**
     * When the clocks of a delivery, as a scan saw it at {@code status}, are next to be checked;
     * {@code next == null}: never again (every clock met or every alert raised).
     */
    public record ClockCheck(ReferralId referralId, Jurisdiction jurisdiction, DeliveryStatus status, Instant next) {
    }

    /** A watched delivery with the clock check it has scheduled ({@code nextCheck == null}: none, its clocks ended). */
    public record WatchedDelivery(OpenDelivery open, Instant nextCheck) {
    }

    /**
     * What a key rotation did: the new current key (and the one before it), the values encrypted again per table,
     * those left because they do not decrypt, the transactions it took, and the rows still under an older key
     * (written by a request that began before the rotation: run it again with {@code --resume}).
     */
    public record KeyRotated(String key, String previousKey, Map<String, Integer> reencrypted, int unreadable, int batches,
                             int remaining) {
        public int total() {
            return reencrypted.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** How many referrals (or refused submissions) {@link #rotateKey} re-encrypts per transaction by default. */
    public static final int ROTATION_BATCH = 100;

    /** How far a long store operation is: {@code done} of {@code total}, after each step. */
    @FunctionalInterface
    public interface Progress {
        void progress(long done, long total);
    }

    /** How many rows a retention sweep removed. */
    public record Purged(int referrals, int rejections) {
    }

    /**
     * What a purge of held referrals did (1.4): referrals deleted with everything stored of them, deliveries closed as
     * NOT_SENT (their referral concerns other states too), and referrals skipped because they were no longer on hold.
     */
    public record OnHoldPurged(int deleted, int closed, int skipped) {
    }

    private final Db db;
    private final Referrals referrals;
    private final DeliveryLog deliveryLog;
    private final Attempts attempts;
    private final ClockSchedule clocks;
    private final Notices notices;
    private final Quarantine quarantine;
    private final Retention retention;
    private final Parked parked;
    private final Clock clock;
    private final Operations operations;
    private volatile Period auditRetention = DEFAULT_AUDIT_RETENTION;
    private volatile int aggregateMinimumCell = DEFAULT_MINIMUM_CELL;

    @Activate
    public MessageStore(@Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource, Config config) {
        this(dataSource, Clock.systemUTC(), StoreKeys.open(keyStore(config), config.keyStorePassword()));
        EmbeddedDatabaseFiles.restrict(dataSource);
        modified(config);
    }

    /** With {@link StoreKeys#inMemory()} keys: tests and tools outside Karaf only. */
    public MessageStore(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** With {@link StoreKeys#inMemory()} keys: tests and tools outside Karaf only. */
    public MessageStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, StoreKeys.inMemory());
    }

    public MessageStore(DataSource dataSource, Clock clock, StoreKeys keys) {
        this.clock = clock;
        this.operations = new Operations(clock);
        this.db = new Db(dataSource, clock, keys);
        String version = SchemaMigrations.migrate(dataSource);
        LOG.info("Message store ready (schema version {})", version);
        this.referrals = new Referrals(db);
        this.deliveryLog = new DeliveryLog(db);
        this.attempts = new Attempts(db);
        this.clocks = new ClockSchedule(db);
        this.notices = new Notices(db, deliveryLog);
        this.quarantine = new Quarantine(db);
        this.retention = new Retention(db);
        this.parked = new Parked(db, deliveryLog);
    }

    @Modified
    void modified(Config config) {
        Period period = Period.parse(config.auditRetention().trim());
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("auditRetention must be a positive period, e.g. P6Y");
        }
        auditRetention = period;
        aggregateMinimumCell(config.aggregateMinimumCell());
        LOG.info("Audit trail kept for {}; aggregate counts shown from {}", period, aggregateMinimumCell);
    }

    /** The configured key store, or {@code etc/safeharbor-store.p12} in Karaf's etc/ directory. */
    static java.nio.file.Path keyStore(Config config) {
        if (!config.keyStore().isBlank()) {
            return java.nio.file.Path.of(config.keyStore().trim());
        }
        String etc = System.getProperty("karaf.etc");
        if (etc == null) {
            throw new IllegalStateException("keyStore is not configured and karaf.etc is not set: say where the key store is");
        }
        return java.nio.file.Path.of(etc, StoreKeys.DEFAULT_FILE);
    }

    /** Sets how long the audit trail is kept (tests, tools; in Karaf: {@link Config#auditRetention()}). */
    public void auditRetention(Period period) {
        this.auditRetention = period;
    }

    // ------------------------------------------------------------------ referrals (Referrals)

    /** As {@link #accept(String, String, Referral, boolean, String, String, Map)} with no client (tests, tools). */
    public Accepted accept(String submissionKey, Referral referral, boolean actionable, String raw, String mediaType,
                           Map<Jurisdiction, DeliveryStatus> initialStatus) {
        return accept(null, submissionKey, referral, actionable, raw, mediaType, initialStatus);
    }

    /**
     * Stores an accepted referral with its raw submission, the client that sent it and its first
     * status per jurisdiction, or, if the same submission (same key, same bytes) was accepted before,
     * returns that one unchanged (idempotent intake).
     *
     * @throws SubmissionConflict when the key was accepted before with different content
     */
    public Accepted accept(String clientId, String submissionKey, Referral referral, boolean actionable, String raw,
                           String mediaType, Map<Jurisdiction, DeliveryStatus> initialStatus) {
        return accept(clientId, submissionKey, referral, actionable, raw, mediaType, initialStatus, Map.of());
    }

    /**
     * As {@link #accept(String, String, Referral, boolean, String, String, Map)}, with the reason of a first
     * status where there is one (e.g. why nothing is sent to a state), written in the same transaction.
     */
    public Accepted accept(String clientId, String submissionKey, Referral referral, boolean actionable, String raw,
                           String mediaType, Map<Jurisdiction, DeliveryStatus> initialStatus, Map<Jurisdiction, String> reasons) {
        return referrals.accept(clientId, submissionKey, referral, actionable, raw, mediaType, initialStatus, reasons);
    }

    /** The client that submitted this referral, if it is known. */
    public Optional<String> submittedBy(ReferralId id) {
        return referrals.submittedBy(id);
    }

    /** The referral with this id, with its deliveries. */
    public Optional<StoredReferral> find(ReferralId id) {
        return referrals.find(id);
    }

    /** The referral stored for this submission key. */
    public Optional<StoredReferral> findBySubmissionKey(String submissionKey) {
        return referrals.findBySubmissionKey(submissionKey);
    }

    /** The raw submission a referral was read from, and its media type. */
    public Optional<RawSubmission> rawSubmission(ReferralId referralId) {
        return referrals.rawSubmission(referralId);
    }

    /** Appends a stage to the referral's audit trail. */
    public void event(ReferralId referralId, String stage, Jurisdiction jurisdiction, String detail) {
        db.event(referralId, stage, jurisdiction, detail);
    }

    /** The referral's audit trail, oldest first, as "stage jurisdiction: detail" lines. */
    public List<String> events(ReferralId referralId) {
        return referrals.events(referralId);
    }

    // ------------------------------------------------------------------ delivery log (DeliveryLog, Attempts)

    /** Records that a referral is on a jurisdiction's queue, only while it is still RECEIVED ({@link DeliveryLog#markQueued}). */
    public boolean markQueued(StatusUpdate update) {
        return deliveryLog.markQueued(update);
    }

    /** True when a delivery at {@code from} may move to {@code to}: forward only ({@link DeliveryLog#mayMove}). */
    public static boolean mayMove(DeliveryStatus from, DeliveryStatus to) {
        return DeliveryLog.mayMove(from, to);
    }

    /** Records a status from a jurisdiction bundle, trusting nothing about the referral ({@link DeliveryLog#report}). */
    @Override
    public void report(StatusUpdate update) {
        deliveryLog.report(update);
    }

    /** Records a change of status for the core and its tests, forward only ({@link DeliveryLog#update}). */
    public void update(StatusUpdate update) {
        deliveryLog.update(update);
    }

    @Override
    public int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload) {
        return attempts.recordAttempt(referralId, jurisdiction, statePayload);
    }

    @Override
    public void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason) {
        attempts.recordAttemptFailed(referralId, jurisdiction, attempt, reason);
    }

    @Override
    public Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt) {
        return attempts.storedOutput(referralId, jurisdiction, attempt);
    }

    @Override
    public Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction) {
        return attempts.deliveredOutput(referralId, jurisdiction);
    }

    /** Every delivery attempt of a referral, in order. */
    public List<Attempt> attempts(ReferralId referralId) {
        return attempts.attempts(referralId);
    }

    /** The last attempt number for a referral and jurisdiction; 0 if none was made. */
    public int lastAttempt(ReferralId referralId, Jurisdiction jurisdiction) {
        return attempts.lastAttempt(referralId, jurisdiction);
    }

    /** Records an operator's replay and queues the delivery again; returns the replay's id ({@link Attempts#recordReplay}). */
    public String recordReplay(ReferralId referralId, Jurisdiction jurisdiction, String source, Integer sourceAttempt, String requestedBy) {
        return attempts.recordReplay(referralId, jurisdiction, source, sourceAttempt, requestedBy);
    }

    /** The replays of a referral, oldest first. */
    public List<Replay> replays(ReferralId referralId) {
        return attempts.replays(referralId);
    }

    /** Deliveries, newest referral first, optionally of one status and/or jurisdiction ({@link DeliveryLog#deliveries}). */
    public List<DeliverySummary> deliveries(DeliveryStatus status, Jurisdiction jurisdiction, int limit) {
        return deliveryLog.deliveries(status, jurisdiction, limit);
    }

    /** The long operator operations of this process and how far each is, for the shell and the console. */
    public Operations operations() {
        return operations;
    }

    /** The operator console's read-only queries (counts per jurisdiction, clocks that alerted, a search); they write nothing. */
    public ConsoleQueries consoleQueries() {
        return new ConsoleQueries(db);
    }

    /** Deliveries still RECEIVED since before {@code olderThan}: the outbox ({@link DeliveryLog#unqueued}). */
    public List<OpenDelivery> unqueued(Instant olderThan, int limit) {
        return deliveryLog.unqueued(olderThan, limit);
    }

    // ------------------------------------------------------------------ clock schedule (ClockSchedule)

    /** Deliveries whose clocks are due for a check at {@code now}, earliest first ({@link ClockSchedule#clocksDue}). */
    public List<OpenDelivery> clocksDue(Instant now, int limit) {
        return clocks.clocksDue(now, limit);
    }

    /** Schedules the next clock checks in one transaction ({@link ClockSchedule#scheduleClockChecks}). */
    public void scheduleClockChecks(List<ClockCheck> checks) {
        clocks.scheduleClockChecks(checks);
    }

    /**
     * The watched deliveries after the given one in key order (null: from the first), with their scheduled checks: what a
     * change of rules re-checks, a page at a time ({@link ClockSchedule#watched}).
     */
    public List<WatchedDelivery> watchedDeliveries(ReferralId afterReferral, Jurisdiction afterJurisdiction, int limit) {
        return clocks.watched(afterReferral, afterJurisdiction, limit);
    }

    /** Records a delivery deadline's alert (the adapter's own clock); see {@link #raiseDeadlineAlert(ReferralId, Jurisdiction, String, DeadlineRule.Kind, String, Instant)}. */
    public boolean raiseDeadlineAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, String level, Instant due) {
        return raiseDeadlineAlert(referralId, jurisdiction, ruleId, DeadlineRule.Kind.DELIVERY, level, due);
    }

    /** Records a clock alert with whose clock it is; false when this level was already raised (each level fires once). */
    public boolean raiseDeadlineAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, DeadlineRule.Kind kind,
                                      String level, Instant due) {
        return clocks.raiseDeadlineAlert(referralId, jurisdiction, ruleId, kind, level, due);
    }

    /** The clock alerts of a referral, oldest first. */
    public List<DeadlineAlert> deadlineAlerts(ReferralId referralId) {
        return clocks.deadlineAlerts(referralId);
    }

    // ------------------------------------------------------------------ notices, api 1.3 (Notices)

    /** {@inheritDoc} Recorded once, the delivery's row locked ({@link Notices#recordNotice}). */
    @Override
    public boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger,
                                String payload) {
        return notices.recordNotice(referralId, jurisdiction, recipient, trigger, payload);
    }

    @Override
    public void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        notices.noticeQueued(referralId, jurisdiction, recipient);
    }

    @Override
    public List<PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit) {
        return notices.unqueuedNotices(jurisdiction, recordedBefore, limit);
    }

    @Override
    public int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {
        return notices.recordNoticeAttempt(referralId, jurisdiction, recipient, payload);
    }

    @Override
    public void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt, String reason) {
        notices.recordNoticeAttemptFailed(referralId, jurisdiction, recipient, attempt, reason);
    }

    @Override
    public void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        notices.noticeSent(referralId, jurisdiction, recipient, attempt);
    }

    /** {@inheritDoc} A notice already sent stays sent (a stale copy from the queue gave up). */
    @Override
    public void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason) {
        notices.noticeFailed(referralId, jurisdiction, recipient, reason);
    }

    /** A referral's notices, by jurisdiction and recipient. Codes, statuses and times only: no personal data. */
    public List<Notice> notices(ReferralId referralId) {
        return notices.notices(referralId);
    }

    /** Every attempt to send a referral's notices, in order. */
    public List<NoticeAttempt> noticeAttempts(ReferralId referralId) {
        return notices.noticeAttempts(referralId);
    }

    /** The payload a notice attempt sent, for an operator. */
    public Optional<String> noticePayload(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        return notices.noticePayload(referralId, jurisdiction, recipient, attempt);
    }

    // ------------------------------------------------------------------ quarantine (Quarantine)

    /** Keeps a refused submission, cut at {@code maxBytes}, and returns its quarantine id ({@link Quarantine#quarantine}). */
    public String quarantine(int httpStatus, String element, String reason, String mediaType, byte[] raw, int maxBytes) {
        return quarantine.quarantine(httpStatus, element, reason, mediaType, raw, maxBytes);
    }

    /** The most recent rejections, newest first. */
    public List<Rejection> rejections(int limit) {
        return quarantine.rejections(limit);
    }

    // ------------------------------------------------------------------ retention (Retention)

    /**
     * Deletes what is past its retention, never a referral still open ({@link Retention#purge}), and the audit
     * records older than the audit trail's own retention ({@link Config#auditRetention()}), which deleting a referral
     * never touches; the sweep itself is recorded in the audit trail, counts only.
     */
    public Purged purge(Instant deliveredBefore, Instant erroredBefore, Instant rejectedBefore) {
        return purge(deliveredBefore, erroredBefore, rejectedBefore, (done, total) -> { });
    }

    /**
     * {@link #purge(Instant, Instant, Instant)}, telling {@code progress} how many referrals are deleted of how many were
     * past their retention when it began, after each batch ({@link Retention#BATCH} per transaction).
     */
    public Purged purge(Instant deliveredBefore, Instant erroredBefore, Instant rejectedBefore, Progress progress) {
        Purged purged = retention.purge(deliveredBefore, erroredBefore, rejectedBefore, progress);
        Period kept = auditRetention;
        int auditRecords = db.audit.purge(Instant.now(clock).atOffset(ZoneOffset.UTC).minus(kept).toInstant());
        audit(AuditEntry.of(AuditEntry.Kind.RETENTION_PURGE, AuditEntry.Actor.adapter())
                .detail("referrals", purged.referrals()).detail("rejections", purged.rejections())
                .detail("audit-records", auditRecords).detail("audit-retention", kept).build());
        return purged;
    }

    // ------------------------------------------------------------------ expired queue messages, held referrals (Parked), 1.4

    /**
     * Records that a message carrying {@code referralId} was taken off {@code queue} (a dead-letter or quarantine queue)
     * past its time, so the store is where it is replayed from; false, and nothing recorded, when the store no longer
     * holds that referral. Recording the same message twice records it once.
     */
    public boolean recordExpired(String messageId, ReferralId referralId, Jurisdiction jurisdiction, String queue, Instant parkedAt) {
        return parked.recordExpired(messageId, referralId, jurisdiction, queue, parkedAt);
    }

    /** The dead letters of a jurisdiction that expired from the broker and were not replayed since, oldest first. */
    public List<ExpiredMessage> expiredDeadLetters(Jurisdiction jurisdiction) {
        return parked.expiredDeadLetters(jurisdiction);
    }

    /** The referrals on hold for a jurisdiction (no bundle installed) received before {@code receivedBefore}, oldest first. */
    public List<ReferralId> onHold(Jurisdiction jurisdiction, Instant receivedBefore) {
        return parked.onHold(jurisdiction, receivedBefore);
    }

    /**
     * An operator's purge of referrals held for a jurisdiction that has no bundle ({@code harbor:purge-on-hold}): each
     * one still on hold is deleted with its personal data, or, when other states received it, its delivery to this
     * one is closed (NOT_SENT) and the rest kept for their retention. Recorded in the audit trail with the operator,
     * the jurisdiction and counts only ({@code details}: e.g. the queue messages removed and the age asked for).
     */
    public OnHoldPurged purgeOnHold(Jurisdiction jurisdiction, List<ReferralId> ids, String operator, Map<String, Object> details) {
        AuditEntry.Builder entry = AuditEntry.of(AuditEntry.Kind.ON_HOLD_PURGE, AuditEntry.Actor.operator(operator == null ? "unknown" : operator))
                .object("on-hold-referrals");
        details.forEach(entry::detail);
        OnHoldPurged purged = parked.purgeOnHold(jurisdiction, ids, entry);
        LOG.info("On-hold purge for {} by {}: {} referral(s) deleted, {} delivery(ies) closed, {} no longer on hold", jurisdiction.code(),
                operator, purged.deleted(), purged.closed(), purged.skipped());
        return purged;
    }

    // ------------------------------------------------------------------ keys (StoreKeys, KeyRotation)

    /** The id of the key new values are encrypted under, and the ids of every key the store can read with. */
    public StoreKeys keys() {
        return db.cipher.keys();
    }

    /** As {@link #rotateKey(String, int, boolean, java.util.function.IntConsumer)}: a new key, batches of {@link #ROTATION_BATCH}. */
    public KeyRotated rotateKey(String operator) {
        return rotateKey(operator, ROTATION_BATCH, true, batch -> { });
    }

    /**
     * Makes a new key current ({@code newKey}; otherwise keeps the current one, to finish an interrupted rotation) and
     * encrypts every stored value not under it again, {@code batchSize} referrals or refused submissions per
     * transaction ({@link KeyRotation}); reads go on meanwhile. Recorded in the audit trail with the operator, the key
     * ids and the counts, also when it fails part way. One rotation at a time.
     */
    public synchronized KeyRotated rotateKey(String operator, int batchSize, boolean newKey, java.util.function.IntConsumer afterBatch) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1");
        }
        StoreKeys keys = db.cipher.keys();
        String previous = keys.current();
        AuditEntry.Builder entry = AuditEntry.of(AuditEntry.Kind.KEY_ROTATION, AuditEntry.Actor.operator(operator == null ? "unknown" : operator))
                .object("message-store-keys").detail("previous-key", previous);
        String key;
        try {
            key = newKey ? keys.addKey() : previous;
        } catch (RuntimeException e) {
            audit(entry.outcome(AuditEntry.Outcome.SERIOUS_FAILURE, "key store not written").build());
            throw e;
        }
        entry.detail("key", key);
        LOG.info("Key rotation: {} is the current key; encrypting the stored values again", key);
        int[] batches = {0};
        KeyRotation.Counts counts;
        try {
            counts = new KeyRotation(db).reencrypt(key, batchSize, batch -> {
                batches[0] = batch;
                afterBatch.accept(batch);
            });
        } catch (RuntimeException e) {
            LOG.error("Key rotation to {} stopped after {} batch(es): {}", key, batches[0], e.getClass().getName());
            audit(entry.detail("batches", batches[0]).outcome(AuditEntry.Outcome.SERIOUS_FAILURE, "stopped: " + e.getClass().getSimpleName())
                    .build());
            throw e;
        }
        Map<String, Integer> reencrypted = new java.util.LinkedHashMap<>();
        for (int i = 0; i < counts.tables().size(); i++) {
            reencrypted.put(counts.tables().get(i), counts.reencrypted()[i]);
            entry.detail("reencrypted-" + counts.tables().get(i), counts.reencrypted()[i]);
        }
        entry.detail("unreadable", counts.unreadable()).detail("batches", counts.batches()).detail("remaining", counts.remaining());
        if (counts.unreadable() > 0) {
            entry.outcome(AuditEntry.Outcome.MINOR_FAILURE, counts.unreadable() + " value(s) do not decrypt");
        }
        audit(entry.build());
        LOG.info("Key rotation to {}: {} row(s) encrypted again in {} batch(es), {} unreadable, {} still under older keys", key,
                counts.total(), counts.batches(), counts.unreadable(), counts.remaining());
        return new KeyRotated(key, previous, java.util.Collections.unmodifiableMap(reencrypted), counts.unreadable(), counts.batches(),
                counts.remaining());
    }

    // ------------------------------------------------------------------ federal and aggregate data (AggregateCounts)

    /** Sets the smallest count the aggregate counts show (tests, tools; in Karaf: {@link Config#aggregateMinimumCell()}). */
    public void aggregateMinimumCell(int minimum) {
        if (minimum < 1) {
            throw new IllegalArgumentException("aggregateMinimumCell must be at least 1");
        }
        this.aggregateMinimumCell = minimum;
    }

    /** The smallest count the aggregate counts show; a cell below it is suppressed. */
    public int aggregateMinimumCell() {
        return aggregateMinimumCell;
    }

    /**
     * The de-identified aggregate counts, every cell with a referral in it, each below {@link #aggregateMinimumCell()}
     * suppressed (its count null). They outlive the referrals: a retention sweep deletes none of them.
     */
    public List<AggregateCell> aggregateCounts() {
        return aggregateCounts(AggregatePeriod.ALL);
    }

    /** The aggregate counts of the weeks in {@code period} (as {@link #aggregateCounts()}). */
    public List<AggregateCell> aggregateCounts(AggregatePeriod period) {
        return db.aggregates.cells(aggregateMinimumCell, period);
    }

    /** The referrals received from {@code from} (inclusive) to {@code to} (exclusive), oldest first, with their deliveries. */
    public List<StoredReferral> receivedBetween(Instant from, Instant to) {
        return referrals.receivedBetween(from, to);
    }

    // ------------------------------------------------------------------ audit trail (AuditTrail)

    /** {@inheritDoc} Chained to the record before it; in the caller's transaction if there is one. */
    @Override
    public void audit(AuditEntry entry) {
        db.audit.append(entry);
    }

    /** The audit records that match, oldest first, from {@code offset}, at most {@code limit}. */
    public List<AuditRecord> auditRecords(AuditQuery query, int offset, int limit) {
        return db.audit.find(query, offset, limit);
    }

    /** How many audit records match. */
    public int countAudit(AuditQuery query) {
        return db.audit.count(query);
    }

    /** Walks the audit chain and reports the first broken link, if any ({@link AuditTrail#verify()}). */
    public AuditVerification verifyAudit() {
        return db.audit.verify();
    }

    /** Deletes the audit records recorded before {@code before}, oldest first; the chain's start moves past them. */
    public int purgeAudit(Instant before) {
        return db.audit.purge(before);
    }

    /** Deletes the idempotent consumer's delivered-message keys recorded before {@code before} ({@link Retention#purgeDeliveredKeys}). */
    public int purgeDeliveredKeys(Instant before) {
        return retention.purgeDeliveredKeys(before);
    }
}

package org.safeharbor.store;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The message store over the {@code safeharbor} DataSource. Every write that belongs together is
 * one transaction, so a crash leaves either the whole accepted referral or nothing.
 */
@Component(service = {MessageStore.class, StatusReporter.class})
public class MessageStore implements StatusReporter {

    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    /** What {@link #accept} did. */
    public record Accepted(StoredReferral stored, boolean created) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    @Activate
    public MessageStore(@Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public MessageStore(DataSource dataSource, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.clock = clock;
        String version = SchemaMigrations.migrate(dataSource);
        LOG.info("Message store ready (schema version {})", version);
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
        String sha256 = sha256(raw);
        Optional<Accepted> earlier = earlier(submissionKey, sha256);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        OffsetDateTime now = now();
        try {
            tx.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO referral (id, submission_key, received_at, actionable, canonical_json, raw_submission, raw_media_type,"
                                + " client_id, submission_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        referral.id().value(), submissionKey, referral.receivedAt().atOffset(ZoneOffset.UTC), actionable,
                        ReferralJson.INSTANCE.write(referral), raw, mediaType, clientId, sha256);
                event(referral.id(), "received", null, actionable ? "accepted" : "accepted, not actionable: nothing to report");
                initialStatus.forEach((jurisdiction, deliveryStatus) -> {
                    jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, reason, updated_at, next_check_at)"
                                    + " VALUES (?, ?, ?, ?, ?, ?)",
                            referral.id().value(), jurisdiction.code(), deliveryStatus.name(), reasons.get(jurisdiction), now,
                            isOpen(deliveryStatus) ? now : null);
                    if (!isOpen(deliveryStatus)) {
                        event(referral.id(), deliveryStatus.name().toLowerCase(java.util.Locale.ROOT), jurisdiction, reasons.get(jurisdiction));
                    }
                });
            });
        } catch (DuplicateKeyException raced) {
            // the same key arrived twice at once: the other request stored it
            return earlier(submissionKey, sha256).orElseThrow();
        }
        // what was just written, without reading it back
        List<Delivery> deliveries = initialStatus.entrySet().stream()
                .map(e -> new Delivery(e.getKey(), e.getValue(), null, reasons.get(e.getKey()), now.toInstant()))
                .sorted(java.util.Comparator.comparing(d -> d.jurisdiction().code())).toList();
        return new Accepted(new StoredReferral(referral, submissionKey, actionable, deliveries), true);
    }

    /** The referral accepted earlier under this key, if the content is the same; a conflict if not. */
    private Optional<Accepted> earlier(String submissionKey, String sha256) {
        List<String> hashes = jdbc.query("SELECT submission_sha256 FROM referral WHERE submission_key = ?", (rs, n) -> rs.getString(1),
                submissionKey);
        if (hashes.isEmpty()) {
            return Optional.empty();
        }
        // rows from before the hash was kept (NULL) are taken as the same submission, as they were then
        if (hashes.get(0) != null && !hashes.get(0).equals(sha256)) {
            throw new SubmissionConflict();
        }
        return findBySubmissionKey(submissionKey).map(found -> new Accepted(found, false));
    }

    /** The client that submitted this referral, if it is known. */
    public Optional<String> submittedBy(ReferralId id) {
        return jdbc.query("SELECT client_id FROM referral WHERE id = ?", (rs, n) -> Optional.ofNullable(rs.getString(1)), id.value())
                .stream().findFirst().flatMap(o -> o);
    }

    private static String sha256(String raw) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The referral with this id, with its deliveries. */
    public Optional<StoredReferral> find(ReferralId id) {
        return load("id", id.value());
    }

    /** The referral stored for this submission key. */
    public Optional<StoredReferral> findBySubmissionKey(String submissionKey) {
        return load("submission_key", submissionKey);
    }

    /** Its deliveries are read after the referral row, not inside its row mapper: one pooled connection at a time. */
    private Optional<StoredReferral> load(String keyColumn, String key) {
        Optional<StoredReferral> row = jdbc.query("SELECT canonical_json, submission_key, actionable FROM referral WHERE " + keyColumn + " = ?",
                (rs, n) -> new StoredReferral(ReferralJson.INSTANCE.read(rs.getString(1)), rs.getString(2), rs.getBoolean(3), List.of()),
                key).stream().findFirst();
        return row.map(r -> new StoredReferral(r.referral(), r.submissionKey(), r.actionable(), deliveriesOf(r.referral().id())));
    }

    /** A referral's deliveries, by jurisdiction. */
    private List<Delivery> deliveriesOf(ReferralId referralId) {
        return jdbc.query("SELECT " + DELIVERY_COLUMNS + " FROM referral_delivery d WHERE d.referral_id = ? ORDER BY d.jurisdiction",
                (rs, n) -> delivery(rs, 1), referralId.value());
    }

    private static final String DELIVERY_COLUMNS = "d.jurisdiction, d.status, d.state_intake_number, d.reason, d.updated_at";

    private static Delivery delivery(ResultSet rs, int from) throws SQLException {
        return new Delivery(Jurisdiction.of(rs.getString(from)), DeliveryStatus.valueOf(rs.getString(from + 1)), rs.getString(from + 2),
                rs.getString(from + 3), rs.getObject(from + 4, OffsetDateTime.class).toInstant());
    }

    private static boolean isOpen(DeliveryStatus status) {
        return status.isOpen();
    }

    /** The open statuses ({@link DeliveryStatus#isOpen()}) as an SQL list, e.g. {@code ('RECEIVED', 'QUEUED', 'ON_HOLD')}. */
    private static final String OPEN_SQL = java.util.Arrays.stream(DeliveryStatus.values()).filter(DeliveryStatus::isOpen)
            .map(st -> "'" + st.name() + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    /**
     * Statuses in which a clock may still run, so the delivery keeps a next clock check: not yet delivered
     * (including failed or refused: a delivery deadline was not met), or delivered and waiting for the
     * state's decision (its own clock). Not sent, screened out and investigation opened end every clock.
     */
    static final List<DeliveryStatus> WATCHED = List.of(DeliveryStatus.RECEIVED, DeliveryStatus.QUEUED, DeliveryStatus.ON_HOLD,
            DeliveryStatus.DELIVERED, DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN, DeliveryStatus.REJECTED,
            DeliveryStatus.FAILED);
    private static final String WATCHED_SQL = WATCHED.stream().map(w -> "'" + w.name() + "'")
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    /**
     * Records that a referral is on a jurisdiction's queue (QUEUED, or ON_HOLD without a bundle), but
     * only while it is still RECEIVED: the jurisdiction's bundle may consume it and answer before the
     * intake gets here, and its answer must not be overwritten. Returns whether it was recorded.
     */
    public boolean markQueued(StatusUpdate update) {
        if (update.status() != DeliveryStatus.QUEUED && update.status() != DeliveryStatus.ON_HOLD) {
            throw new IllegalArgumentException("markQueued takes QUEUED or ON_HOLD, not " + update.status());
        }
        Boolean done = tx.execute(status -> {
            int rows = jdbc.update("UPDATE referral_delivery SET status = ?, reason = ?, updated_at = ?"
                            + " WHERE referral_id = ? AND jurisdiction = ? AND status = 'RECEIVED'",
                    update.status().name(), update.reason(), update.at().atOffset(ZoneOffset.UTC),
                    update.referralId().value(), update.jurisdiction().code());
            if (rows > 0) {
                event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
            }
            return rows > 0;
        });
        return Boolean.TRUE.equals(done);
    }

    /**
     * The status moves a delivery may make: forward only. Open deliveries (received, queued, on hold)
     * may go anywhere but back to RECEIVED; a terminal status goes nowhere. An operator's replay
     * ({@link #recordReplay}) is the one way back, to QUEUED.
     */
    private static final Map<DeliveryStatus, java.util.Set<DeliveryStatus>> NEXT = nextStatuses();

    private static Map<DeliveryStatus, java.util.Set<DeliveryStatus>> nextStatuses() {
        Map<DeliveryStatus, java.util.Set<DeliveryStatus>> next = new java.util.EnumMap<>(DeliveryStatus.class);
        java.util.Set<DeliveryStatus> fromOpen = java.util.EnumSet.complementOf(java.util.EnumSet.of(DeliveryStatus.RECEIVED));
        next.put(DeliveryStatus.RECEIVED, fromOpen);
        next.put(DeliveryStatus.QUEUED, fromOpen);
        next.put(DeliveryStatus.ON_HOLD, fromOpen);
        next.put(DeliveryStatus.DELIVERED, java.util.EnumSet.of(DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN,
                DeliveryStatus.SCREENED_OUT, DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED));
        next.put(DeliveryStatus.ACKNOWLEDGED, java.util.EnumSet.of(DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT,
                DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED));
        next.put(DeliveryStatus.SCREENED_IN, java.util.EnumSet.of(DeliveryStatus.INVESTIGATION_OPENED));
        for (DeliveryStatus status : DeliveryStatus.values()) {
            next.putIfAbsent(status, java.util.EnumSet.noneOf(DeliveryStatus.class)); // the terminal ones
        }
        return next;
    }

    /** True when a delivery at {@code from} may move to {@code to}. */
    public static boolean mayMove(DeliveryStatus from, DeliveryStatus to) {
        return NEXT.get(from).contains(to);
    }

    /** The state's own answers: only a state that got the report can give them. */
    private static final java.util.Set<DeliveryStatus> STATE_ANSWERS = java.util.EnumSet.of(DeliveryStatus.DELIVERED,
            DeliveryStatus.ACKNOWLEDGED, DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT,
            DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.REJECTED);

    /**
     * Records a status from a jurisdiction bundle: its delivery routes and, through them, the state's
     * call-backs. Unlike {@link #update} it trusts nothing about the referral:
     * <ul>
     *   <li>no delivery of this referral to this jurisdiction: {@link java.util.NoSuchElementException}
     *       (a call-back answers 404), nothing is written;</li>
     *   <li>a state's answer (delivered, acknowledged, screened, investigation opened, rejected) for an
     *       open delivery that no attempt can have carried to the state (none made, or every one failed):
     *       also {@link java.util.NoSuchElementException}, nothing is written, so its clocks run on;</li>
     *   <li>a move backwards or out of a terminal status: not applied (see {@link #update}).</li>
     * </ul>
     * The exceptions' messages hold ids and statuses only.
     */
    @Override
    public void report(StatusUpdate update) {
        tx.executeWithoutResult(status -> {
            DeliveryStatus current = currentStatus(update.referralId(), update.jurisdiction())
                    .orElseThrow(() -> new java.util.NoSuchElementException("no delivery of referral " + update.referralId()
                            + " to " + update.jurisdiction().code()));
            if (isOpen(current) && STATE_ANSWERS.contains(update.status()) && !attemptMayHaveReachedState(update)) {
                // to the state the same as an unknown referral: it never received this one
                throw new java.util.NoSuchElementException("referral " + update.referralId() + " was not delivered to "
                        + update.jurisdiction().code() + ": " + update.status() + " refused");
            }
            apply(update, current);
        });
    }

    /**
     * An attempt still under way, one that succeeded, or one the state itself refused (recorded by the
     * delivery routes as failed with a detail starting {@code "refused: "}, just before they report
     * REJECTED): a state's answer may follow it. Attempts that failed on the way (state down, timeout)
     * did not reach it.
     */
    private boolean attemptMayHaveReachedState(StatusUpdate update) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?"
                        + " AND (outcome IS NULL OR outcome <> 'FAILED' OR detail LIKE 'refused: %')", Integer.class,
                update.referralId().value(), update.jurisdiction().code()) > 0;
    }

    /** The delivery's status, its row locked until the transaction ends (a call-back and a route may race). */
    private Optional<DeliveryStatus> currentStatus(ReferralId referralId, Jurisdiction jurisdiction) {
        return jdbc.queryForList("SELECT status FROM referral_delivery WHERE referral_id = ? AND jurisdiction = ? FOR UPDATE",
                String.class, referralId.value(), jurisdiction.code()).stream().findFirst().map(DeliveryStatus::valueOf);
    }

    /**
     * Records a change of status with one jurisdiction, and the event; for the core and its tests (the
     * bundles go through {@link #report}). Forward only ({@link #mayMove}): a move backwards or out of a
     * terminal status is not applied, only noted in the referral's trail, so a late or forged status can
     * neither reopen nor close a delivery it does not follow. The same status again refreshes the state's
     * intake number and reason, unless it is terminal. A delivery not yet stored is created.
     */
    public void update(StatusUpdate update) {
        tx.executeWithoutResult(status -> {
            Optional<DeliveryStatus> current = currentStatus(update.referralId(), update.jurisdiction());
            if (current.isEmpty()) {
                OffsetDateTime check = WATCHED.contains(update.status()) ? now() : null;
                OffsetDateTime acknowledged = DeadlineRule.STATE_ANSWERS.contains(update.status()) ? update.at().atOffset(ZoneOffset.UTC) : null;
                jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, state_intake_number, reason, updated_at,"
                                + " next_check_at, acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        update.referralId().value(), update.jurisdiction().code(), update.status().name(),
                        update.stateIntakeNumber(), update.reason(), update.at().atOffset(ZoneOffset.UTC), check, acknowledged);
                attemptOutcome(update);
                event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
                return;
            }
            apply(update, current.get());
        });
    }

    /** Applies a status to a stored delivery that is at {@code current}, inside the caller's transaction. */
    private void apply(StatusUpdate update, DeliveryStatus current) {
        boolean same = current == update.status();
        if (!(same && !current.isTerminal()) && !mayMove(current, update.status())) {
            // ids and statuses only: the state's reason may not be trusted here
            LOG.info("Status {} for referral {} in {} not applied: the delivery is already {}", update.status(),
                    update.referralId(), update.jurisdiction(), current);
            event(update.referralId(), "status-not-applied", update.jurisdiction(),
                    update.status() + " after " + current + " (forward only)");
            return;
        }
        // a watched status is checked at the next scan when it changed (a delivery deadline may be met, a
        // state's clock start), else keeps its scheduled check; any other status ends every clock
        OffsetDateTime check = WATCHED.contains(update.status()) ? now() : null;
        List<Object> args = new java.util.ArrayList<>(java.util.Arrays.asList(update.status().name(), update.stateIntakeNumber(),
                update.reason(), update.at().atOffset(ZoneOffset.UTC)));
        if (check != null) {
            args.add(check);
        }
        // the state's first answer starts its own clocks (DeadlineRule.Kind.STATE)
        boolean answer = DeadlineRule.STATE_ANSWERS.contains(update.status());
        if (answer) {
            args.add(update.at().atOffset(ZoneOffset.UTC));
        }
        args.add(update.referralId().value());
        args.add(update.jurisdiction().code());
        jdbc.update("UPDATE referral_delivery SET status = ?, state_intake_number = COALESCE(?, state_intake_number),"
                + " reason = ?, updated_at = ?, next_check_at = " + (check == null ? "NULL" : same ? "COALESCE(next_check_at, ?)" : "?")
                + (answer ? ", acknowledged_at = COALESCE(acknowledged_at, ?)" : "")
                + " WHERE referral_id = ? AND jurisdiction = ?", args.toArray());
        attemptOutcome(update);
        event(update.referralId(), update.status().name().toLowerCase(java.util.Locale.ROOT), update.jurisdiction(), update.reason());
    }

    /** The state's answer to the latest attempt is that attempt's outcome. */
    private void attemptOutcome(StatusUpdate update) {
        if (update.status() == DeliveryStatus.DELIVERED || update.status() == DeliveryStatus.ACKNOWLEDGED
                || update.status() == DeliveryStatus.REJECTED) {
            jdbc.update("UPDATE delivery_attempt SET outcome = ? WHERE referral_id = ? AND jurisdiction = ? AND outcome IS NULL"
                            + " AND attempt = (SELECT MAX(attempt) FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?)",
                    update.status().name(), update.referralId().value(), update.jurisdiction().code(),
                    update.referralId().value(), update.jurisdiction().code());
        }
    }

    // ------------------------------------------------------------------ delivery attempts

    @Override
    public int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload) {
        for (int tries = 0; ; tries++) {
            try {
                Integer attempt = tx.execute(status -> {
                    int next = jdbc.queryForObject("SELECT COALESCE(MAX(attempt), 0) + 1 FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?",
                            Integer.class, referralId.value(), jurisdiction.code());
                    jdbc.update("INSERT INTO delivery_attempt (referral_id, jurisdiction, attempt, started_at, state_payload) VALUES (?, ?, ?, ?, ?)",
                            referralId.value(), jurisdiction.code(), next, now(), statePayload);
                    // a replay waiting for its delivery is carried by this attempt
                    jdbc.update("UPDATE referral_replay SET attempt = ? WHERE referral_id = ? AND jurisdiction = ? AND attempt IS NULL",
                            next, referralId.value(), jurisdiction.code());
                    event(referralId, "attempt", jurisdiction, "attempt " + next);
                    return next;
                });
                return attempt;
            } catch (DuplicateKeyException raced) {
                if (tries > 3) {
                    throw raced;
                }
            }
        }
    }

    @Override
    public void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason) {
        tx.executeWithoutResult(status -> {
            jdbc.update("UPDATE delivery_attempt SET outcome = 'FAILED', detail = ? WHERE referral_id = ? AND jurisdiction = ? AND attempt = ?",
                    truncate(reason, 1000), referralId.value(), jurisdiction.code(), attempt);
            event(referralId, "attempt-failed", jurisdiction, "attempt " + attempt + ": " + truncate(reason, 1900));
        });
    }

    @Override
    public Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt) {
        return jdbc.queryForList("SELECT state_payload FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ? AND attempt = ?",
                String.class, referralId.value(), jurisdiction.code(), attempt).stream().findFirst();
    }

    /** Every delivery attempt of a referral, in order. */
    public List<Attempt> attempts(ReferralId referralId) {
        return jdbc.query("SELECT jurisdiction, attempt, started_at, outcome, detail, LENGTH(state_payload) FROM delivery_attempt"
                        + " WHERE referral_id = ? ORDER BY started_at, jurisdiction, attempt",
                (rs, n) -> new Attempt(Jurisdiction.of(rs.getString(1)), rs.getInt(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                        rs.getString(4), rs.getString(5), rs.getInt(6)), referralId.value());
    }

    /** The last attempt number for a referral and jurisdiction; 0 if none was made. */
    public int lastAttempt(ReferralId referralId, Jurisdiction jurisdiction) {
        return jdbc.queryForObject("SELECT COALESCE(MAX(attempt), 0) FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?",
                Integer.class, referralId.value(), jurisdiction.code());
    }

    // ------------------------------------------------------------------ replays

    /**
     * Records an operator's replay of a referral to one jurisdiction and sets the delivery back to
     * QUEUED; the next attempt for it is linked to this replay. Returns the replay's id.
     */
    public String recordReplay(ReferralId referralId, Jurisdiction jurisdiction, String source, Integer sourceAttempt, String requestedBy) {
        String id = UUID.randomUUID().toString();
        tx.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO referral_replay (id, referral_id, jurisdiction, source, source_attempt, requested_by, requested_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    id, referralId.value(), jurisdiction.code(), source, sourceAttempt, truncate(requestedBy, 100), now());
            // queued again: its clocks are watched again from the next scan, the state's from its next answer
            int rows = jdbc.update("UPDATE referral_delivery SET status = 'QUEUED', reason = ?, updated_at = ?, next_check_at = ?,"
                            + " acknowledged_at = NULL"
                            + " WHERE referral_id = ? AND jurisdiction = ?",
                    "replay " + id, now(), now(), referralId.value(), jurisdiction.code());
            if (rows == 0) {
                jdbc.update("INSERT INTO referral_delivery (referral_id, jurisdiction, status, reason, updated_at, next_check_at) VALUES (?, ?, 'QUEUED', ?, ?, ?)",
                        referralId.value(), jurisdiction.code(), "replay " + id, now(), now());
            }
            event(referralId, "replay", jurisdiction, "replay " + id + " from " + source
                    + (sourceAttempt == null ? "" : " (attempt " + sourceAttempt + ")") + " by " + requestedBy);
        });
        return id;
    }

    /** The replays of a referral, oldest first. */
    public List<Replay> replays(ReferralId referralId) {
        return jdbc.query("SELECT id, jurisdiction, source, source_attempt, requested_by, requested_at, attempt FROM referral_replay"
                        + " WHERE referral_id = ? ORDER BY requested_at",
                (rs, n) -> new Replay(rs.getString(1), referralId, Jurisdiction.of(rs.getString(2)), rs.getString(3),
                        (Integer) rs.getObject(4), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(), (Integer) rs.getObject(7)),
                referralId.value());
    }

    // ------------------------------------------------------------------ listings for operators

    /**
     * Deliveries, newest referral first, optionally only those of one status and/or jurisdiction.
     * Ids, codes and statuses only: nothing here is personal data.
     */
    public List<DeliverySummary> deliveries(DeliveryStatus status, Jurisdiction jurisdiction, int limit) {
        StringBuilder sql = new StringBuilder("SELECT r.id, r.received_at, d.jurisdiction, d.status, d.state_intake_number, d.reason, d.updated_at,"
                + " (SELECT COUNT(*) FROM delivery_attempt a WHERE a.referral_id = d.referral_id AND a.jurisdiction = d.jurisdiction)"
                + " FROM referral r JOIN referral_delivery d ON d.referral_id = r.id WHERE 1 = 1");
        List<Object> args = new java.util.ArrayList<>();
        if (status != null) {
            sql.append(" AND d.status = ?");
            args.add(status.name());
        }
        if (jurisdiction != null) {
            sql.append(" AND d.jurisdiction = ?");
            args.add(jurisdiction.code());
        }
        sql.append(" ORDER BY r.received_at DESC, d.jurisdiction LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> new DeliverySummary(new ReferralId(rs.getString(1)),
                rs.getObject(2, OffsetDateTime.class).toInstant(), Jurisdiction.of(rs.getString(3)), DeliveryStatus.valueOf(rs.getString(4)),
                rs.getString(5), rs.getString(6), rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getInt(8)), args.toArray());
    }

    /** The raw submission a referral was read from, and its media type. */
    public Optional<RawSubmission> rawSubmission(ReferralId referralId) {
        return jdbc.query("SELECT raw_submission, raw_media_type FROM referral WHERE id = ?",
                (rs, n) -> new RawSubmission(rs.getString(1), rs.getString(2)), referralId.value()).stream().findFirst();
    }

    /**
     * Deliveries still RECEIVED (stored, not yet on their queue) since before {@code olderThan}: what a
     * crash between the store's commit and the enqueue left behind (the outbox).
     */
    public List<OpenDelivery> unqueued(Instant olderThan, int limit) {
        return jdbc.query("SELECT r.canonical_json, " + DELIVERY_COLUMNS + " FROM referral_delivery d JOIN referral r ON r.id = d.referral_id"
                        + " WHERE d.status = 'RECEIVED' AND d.updated_at < ? ORDER BY r.received_at LIMIT ?",
                (rs, n) -> openDelivery(rs), olderThan.atOffset(ZoneOffset.UTC), limit);
    }

    private static OpenDelivery openDelivery(ResultSet rs) throws SQLException {
        return new OpenDelivery(ReferralJson.INSTANCE.read(rs.getString(1)), delivery(rs, 2), null);
    }

    // ------------------------------------------------------------------ retention

    /** How many rows a retention sweep removed. */
    public record Purged(int referrals, int rejections) {
    }

    /**
     * Deletes what is past its retention: referrals whose every delivery is done (delivered,
     * acknowledged, screened, not sent) and that arrived before {@code deliveredBefore}; referrals
     * with a failed or rejected delivery, or a failed notice, only once they arrived before {@code erroredBefore};
     * refused submissions before {@code rejectedBefore}. A referral with a delivery still open (received,
     * queued, on hold) or a notice still to be sent is never deleted, whatever its age.
     */
    public Purged purge(Instant deliveredBefore, Instant erroredBefore, Instant rejectedBefore) {
        return tx.execute(status -> {
            List<String> ids = jdbc.queryForList("SELECT r.id FROM referral r WHERE r.received_at < ?"
                            + " AND NOT EXISTS (SELECT 1 FROM referral_delivery d WHERE d.referral_id = r.id AND d.status IN " + OPEN_SQL + ")"
                            + " AND (r.received_at < ? OR NOT EXISTS (SELECT 1 FROM referral_delivery d WHERE d.referral_id = r.id AND d.status IN ('FAILED', 'REJECTED')))"
                            // a notice still to be sent keeps its referral; a failed one is kept as long as a failed delivery
                            + " AND NOT EXISTS (SELECT 1 FROM referral_notice n WHERE n.referral_id = r.id AND n.status IN ('PENDING', 'QUEUED'))"
                            + " AND (r.received_at < ? OR NOT EXISTS (SELECT 1 FROM referral_notice n WHERE n.referral_id = r.id AND n.status = 'FAILED'))",
                    String.class, deliveredBefore.atOffset(ZoneOffset.UTC), erroredBefore.atOffset(ZoneOffset.UTC), erroredBefore.atOffset(ZoneOffset.UTC));
            // every row that speaks of the referral goes with it (ON DELETE CASCADE, schema version 2)
            jdbc.batchUpdate("DELETE FROM referral WHERE id = ?", ids.stream().map(id -> new Object[] {id}).toList());
            int rejections = jdbc.update("DELETE FROM intake_rejection WHERE received_at < ?", rejectedBefore.atOffset(ZoneOffset.UTC));
            return new Purged(ids.size(), rejections);
        });
    }

    /**
     * Deletes the delivered-message keys of the jurisdictions' idempotent consumer (Camel's table
     * CAMEL_MESSAGEPROCESSED) recorded before {@code before}; none if the table does not exist yet.
     */
    public int purgeDeliveredKeys(Instant before) {
        try {
            jdbc.queryForList("SELECT 1 FROM CAMEL_MESSAGEPROCESSED WHERE 1 = 0");
        } catch (org.springframework.jdbc.BadSqlGrammarException noTable) {
            return 0;
        }
        return jdbc.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE createdAt < ?", java.sql.Timestamp.from(before));
    }

    /**
     * A referral and one of its deliveries, with the time of the state's first answer (null before it):
     * the start of the state's own clocks.
     */
    public record OpenDelivery(Referral referral, Delivery delivery, Instant acknowledgedAt) {
    }

    /**
     * Deliveries whose clocks are due for a check at {@code now}, earliest first: not yet delivered, or
     * delivered and waiting for the state's decision. Each watched delivery carries the time of its next
     * check (set by {@link #scheduleClockChecks}), so a scan reads only what may have crossed a threshold,
     * not every open referral: a backlog of 100,000 queued referrals costs nothing between thresholds.
     */
    public List<OpenDelivery> clocksDue(Instant now, int limit) {
        return jdbc.query("SELECT r.canonical_json, " + DELIVERY_COLUMNS + ", d.acknowledged_at FROM referral_delivery d"
                        + " JOIN referral r ON r.id = d.referral_id WHERE d.next_check_at <= ? ORDER BY d.next_check_at LIMIT ?",
                (rs, n) -> {
                    OffsetDateTime acknowledged = rs.getObject(7, OffsetDateTime.class);
                    return new OpenDelivery(ReferralJson.INSTANCE.read(rs.getString(1)), delivery(rs, 2),
                            acknowledged == null ? null : acknowledged.toInstant());
                }, now.atOffset(ZoneOffset.UTC), limit);
    }

    /**
     * When the clocks of a delivery, as a scan saw it at {@code status}, are next to be checked;
     * {@code next == null}: never again (every clock met or every alert raised).
     */
    public record ClockCheck(ReferralId referralId, Jurisdiction jurisdiction, DeliveryStatus status, Instant next) {
    }

    /**
     * Schedules the next clock checks, in one transaction (one commit for a whole scan batch). A delivery whose
     * status changed since the scan read it keeps the check its new status set: the scan's view is stale.
     */
    public void scheduleClockChecks(List<ClockCheck> checks) {
        tx.executeWithoutResult(status -> jdbc.batchUpdate(
                "UPDATE referral_delivery SET next_check_at = ? WHERE referral_id = ? AND jurisdiction = ? AND status = ?",
                checks.stream().map(c -> new Object[] {c.next() == null ? null : c.next().atOffset(ZoneOffset.UTC),
                        c.referralId().value(), c.jurisdiction().code(), c.status().name()}).toList(),
                new int[] {java.sql.Types.TIMESTAMP_WITH_TIMEZONE, java.sql.Types.VARCHAR, java.sql.Types.VARCHAR, java.sql.Types.VARCHAR}));
    }

    /** Makes every watched delivery due for a clock check at {@code now} (the rules or the alert shares changed). */
    public int recheckAllClocks(Instant now) {
        return jdbc.update("UPDATE referral_delivery SET next_check_at = ? WHERE status IN " + WATCHED_SQL,
                now.atOffset(ZoneOffset.UTC));
    }

    /** Records a delivery deadline's alert (the adapter's own clock); see {@link #raiseDeadlineAlert(ReferralId, Jurisdiction, String, DeadlineRule.Kind, String, Instant)}. */
    public boolean raiseDeadlineAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, String level, Instant due) {
        return raiseDeadlineAlert(referralId, jurisdiction, ruleId, DeadlineRule.Kind.DELIVERY, level, due);
    }

    /** Records a clock alert with whose clock it is; false when this level was already raised (each level fires once). */
    public boolean raiseDeadlineAlert(ReferralId referralId, Jurisdiction jurisdiction, String ruleId, DeadlineRule.Kind kind,
                                      String level, Instant due) {
        try {
            jdbc.update("INSERT INTO deadline_alert (referral_id, jurisdiction, rule_id, alert_level, due, raised_at, clock_kind)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    referralId.value(), jurisdiction.code(), ruleId, level, due.atOffset(ZoneOffset.UTC), now(), kind.code());
            event(referralId, (kind == DeadlineRule.Kind.STATE ? "state-deadline-" : "deadline-") + level, jurisdiction, ruleId + " due " + due);
            return true;
        } catch (DuplicateKeyException already) {
            return false;
        }
    }

    /** The clock alerts of a referral, oldest first. */
    public List<DeadlineAlert> deadlineAlerts(ReferralId referralId) {
        return jdbc.query("SELECT jurisdiction, rule_id, alert_level, due, raised_at, clock_kind FROM deadline_alert WHERE referral_id = ?"
                        + " ORDER BY raised_at, due",
                (rs, n) -> new DeadlineAlert(Jurisdiction.of(rs.getString(1)), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getObject(5, OffsetDateTime.class).toInstant(),
                        DeadlineRule.Kind.ofCode(rs.getString(6))),
                referralId.value());
    }

    /** Appends a stage to the referral's audit trail. */
    public void event(ReferralId referralId, String stage, Jurisdiction jurisdiction, String detail) {
        jdbc.update("INSERT INTO referral_event (referral_id, at, stage, jurisdiction, detail) VALUES (?, ?, ?, ?, ?)",
                referralId.value(), now(), stage, jurisdiction == null ? null : jurisdiction.code(), detail);
    }

    /** The referral's audit trail, oldest first, as "stage jurisdiction: detail" lines. */
    public List<String> events(ReferralId referralId) {
        return jdbc.query("SELECT stage, jurisdiction, detail FROM referral_event WHERE referral_id = ? ORDER BY id",
                (rs, n) -> rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2))
                        + (rs.getString(3) == null ? "" : ": " + rs.getString(3)), referralId.value());
    }

    /**
     * Keeps a refused submission for inspection and returns its quarantine id. The payload is cut at
     * {@code maxBytes}, so an oversized one cannot fill the database.
     */
    public String quarantine(int httpStatus, String element, String reason, String mediaType, byte[] raw, int maxBytes) {
        String id = UUID.randomUUID().toString();
        boolean truncated = raw != null && raw.length > maxBytes;
        String text = raw == null ? null : new String(raw, 0, Math.min(raw.length, maxBytes), StandardCharsets.UTF_8);
        jdbc.update("INSERT INTO intake_rejection (id, received_at, http_status, element, reason, media_type, raw_submission, truncated)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                id, now(), httpStatus, element, truncate(reason, 2000), mediaType, text, truncated);
        return id;
    }

    /** The most recent rejections, newest first. */
    public List<Rejection> rejections(int limit) {
        return jdbc.query("SELECT id, received_at, http_status, element, reason, media_type, raw_submission, truncated"
                        + " FROM intake_rejection ORDER BY received_at DESC LIMIT ?",
                (rs, n) -> new Rejection(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getInt(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8)), limit);
    }

    private OffsetDateTime now() {
        return Instant.now(clock).atOffset(ZoneOffset.UTC);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    // ------------------------------------------------------------------ notices (api 1.3)

    @Override
    public Optional<String> deliveredOutput(ReferralId referralId, Jurisdiction jurisdiction) {
        return jdbc.queryForList("SELECT state_payload FROM delivery_attempt WHERE referral_id = ? AND jurisdiction = ?"
                        + " AND (outcome IS NULL OR outcome <> 'FAILED') ORDER BY attempt DESC LIMIT 1",
                String.class, referralId.value(), jurisdiction.code()).stream().findFirst();
    }

    /**
     * {@inheritDoc} The delivery's row is locked while this runs (as {@link #report} locks it), so the state's
     * status cannot change underneath, and two call-backs at once record the notice once.
     */
    @Override
    public boolean recordNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, DeliveryStatus trigger,
                                String payload) {
        org.safeharbor.api.v1.PendingNotice.requireRecipient(recipient);
        return Boolean.TRUE.equals(tx.execute(status -> {
            DeliveryStatus current = currentStatus(referralId, jurisdiction)
                    .orElseThrow(() -> new java.util.NoSuchElementException("no delivery of referral " + referralId
                            + " to " + jurisdiction.code()));
            if (current != trigger || noticeStatus(referralId, jurisdiction, recipient).isPresent()) {
                return false;
            }
            OffsetDateTime now = now();
            jdbc.update("INSERT INTO referral_notice (referral_id, jurisdiction, recipient, status, trigger_status, payload,"
                            + " recorded_at, updated_at) VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?)",
                    referralId.value(), jurisdiction.code(), recipient, trigger.name(), payload, now, now);
            event(referralId, "notice-due", jurisdiction, recipient + " on " + trigger);
            return true;
        }));
    }

    /** The notice's status, its row locked until the transaction ends. */
    private Optional<Notice.Status> noticeStatus(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        return jdbc.queryForList("SELECT status FROM referral_notice WHERE referral_id = ? AND jurisdiction = ? AND recipient = ? FOR UPDATE",
                String.class, referralId.value(), jurisdiction.code(), recipient).stream().findFirst().map(Notice.Status::valueOf);
    }

    @Override
    public void noticeQueued(ReferralId referralId, Jurisdiction jurisdiction, String recipient) {
        jdbc.update("UPDATE referral_notice SET status = 'QUEUED', updated_at = ? WHERE referral_id = ? AND jurisdiction = ?"
                + " AND recipient = ? AND status = 'PENDING'", now(), referralId.value(), jurisdiction.code(), recipient);
    }

    @Override
    public List<org.safeharbor.api.v1.PendingNotice> unqueuedNotices(Jurisdiction jurisdiction, Instant recordedBefore, int limit) {
        return jdbc.query("SELECT referral_id, recipient, payload FROM referral_notice WHERE jurisdiction = ? AND status = 'PENDING'"
                        + " AND recorded_at < ? ORDER BY recorded_at LIMIT ?",
                (rs, n) -> new org.safeharbor.api.v1.PendingNotice(new ReferralId(rs.getString(1)), jurisdiction, rs.getString(2),
                        rs.getString(3)),
                jurisdiction.code(), recordedBefore.atOffset(ZoneOffset.UTC), limit);
    }

    @Override
    public int recordNoticeAttempt(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {
        Integer attempt = tx.execute(status -> {
            Optional<Notice.Status> current = noticeStatus(referralId, jurisdiction, recipient);
            if (current.isEmpty() || current.get() == Notice.Status.SENT) {
                return 0;
            }
            // the notice's row is locked: attempts of one notice are numbered one at a time
            int next = jdbc.queryForObject("SELECT COALESCE(MAX(attempt), 0) + 1 FROM notice_attempt WHERE referral_id = ?"
                    + " AND jurisdiction = ? AND recipient = ?", Integer.class, referralId.value(), jurisdiction.code(), recipient);
            jdbc.update("INSERT INTO notice_attempt (referral_id, jurisdiction, recipient, attempt, started_at, payload) VALUES (?, ?, ?, ?, ?, ?)",
                    referralId.value(), jurisdiction.code(), recipient, next, now(), payload);
            event(referralId, "notice-attempt", jurisdiction, recipient + " attempt " + next);
            return next;
        });
        return attempt == null ? 0 : attempt;
    }

    @Override
    public void recordNoticeAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt, String reason) {
        tx.executeWithoutResult(status -> {
            jdbc.update("UPDATE notice_attempt SET outcome = 'FAILED', detail = ? WHERE referral_id = ? AND jurisdiction = ?"
                            + " AND recipient = ? AND attempt = ?",
                    truncate(reason, 1000), referralId.value(), jurisdiction.code(), recipient, attempt);
            event(referralId, "notice-attempt-failed", jurisdiction, recipient + " attempt " + attempt + ": " + truncate(reason, 1900));
        });
    }

    @Override
    public void noticeSent(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        tx.executeWithoutResult(status -> {
            jdbc.update("UPDATE notice_attempt SET outcome = 'SENT' WHERE referral_id = ? AND jurisdiction = ? AND recipient = ? AND attempt = ?",
                    referralId.value(), jurisdiction.code(), recipient, attempt);
            jdbc.update("UPDATE referral_notice SET status = 'SENT', reason = NULL, updated_at = ? WHERE referral_id = ? AND jurisdiction = ?"
                    + " AND recipient = ?", now(), referralId.value(), jurisdiction.code(), recipient);
            event(referralId, "notice-sent", jurisdiction, recipient + " attempt " + attempt);
        });
    }

    /** {@inheritDoc} A notice already sent stays sent (a stale copy from the queue gave up). */
    @Override
    public void noticeFailed(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String reason) {
        tx.executeWithoutResult(status -> {
            int rows = jdbc.update("UPDATE referral_notice SET status = 'FAILED', reason = ?, updated_at = ? WHERE referral_id = ?"
                            + " AND jurisdiction = ? AND recipient = ? AND status <> 'SENT'",
                    truncate(reason, 1000), now(), referralId.value(), jurisdiction.code(), recipient);
            if (rows > 0) {
                event(referralId, "notice-failed", jurisdiction, recipient + ": " + truncate(reason, 1900));
            }
        });
    }

    /** A referral's notices, by jurisdiction and recipient. Codes, statuses and times only: no personal data. */
    public List<Notice> notices(ReferralId referralId) {
        return jdbc.query("SELECT n.jurisdiction, n.recipient, n.status, n.trigger_status, n.reason, n.recorded_at, n.updated_at,"
                        + " (SELECT COUNT(*) FROM notice_attempt a WHERE a.referral_id = n.referral_id AND a.jurisdiction = n.jurisdiction"
                        + " AND a.recipient = n.recipient) FROM referral_notice n WHERE n.referral_id = ? ORDER BY n.jurisdiction, n.recipient",
                (rs, n) -> new Notice(Jurisdiction.of(rs.getString(1)), rs.getString(2), Notice.Status.valueOf(rs.getString(3)),
                        DeliveryStatus.valueOf(rs.getString(4)), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                        rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getInt(8)),
                referralId.value());
    }

    /** Every attempt to send a referral's notices, in order. */
    public List<NoticeAttempt> noticeAttempts(ReferralId referralId) {
        return jdbc.query("SELECT jurisdiction, recipient, attempt, started_at, outcome, detail, LENGTH(payload) FROM notice_attempt"
                        + " WHERE referral_id = ? ORDER BY started_at, jurisdiction, recipient, attempt",
                (rs, n) -> new NoticeAttempt(Jurisdiction.of(rs.getString(1)), rs.getString(2), rs.getInt(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6), rs.getInt(7)),
                referralId.value());
    }

    /** The payload a notice attempt sent, for an operator. */
    public Optional<String> noticePayload(ReferralId referralId, Jurisdiction jurisdiction, String recipient, int attempt) {
        return jdbc.queryForList("SELECT payload FROM notice_attempt WHERE referral_id = ? AND jurisdiction = ? AND recipient = ? AND attempt = ?",
                String.class, referralId.value(), jurisdiction.code(), recipient, attempt).stream().findFirst();
    }
}

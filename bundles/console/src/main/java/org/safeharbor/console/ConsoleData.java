package org.safeharbor.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.Attempt;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.ConsoleQueries;
import org.safeharbor.store.DeadlineAlert;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.DeliverySummary;
import org.safeharbor.store.ExpiredMessage;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Operations;
import org.safeharbor.store.Notice;
import org.safeharbor.store.Replay;
import org.safeharbor.store.StoredReferral;

/**
 * What the console's pages show, as JSON-ready maps, read from the services the shell's commands use: the message
 * store (its console queries, a referral's deliveries, attempts, replays, notices, stages, clock alerts and audit
 * records), the replay service (dead letters on the broker) and the queue gauges the core's metrics read from the
 * broker every 15 s. Ids, codes, statuses, counts and times only: never the canonical referral or the submission.
 */
final class ConsoleData {

    /** A jurisdiction's bundle as OSGi sees it. */
    record BundleState(String state, boolean sandbox) {
    }

    /** A queue gauge of the core's metrics ({@code safeharbor_queue_depth}, {@code safeharbor_queue_consumers}). */
    interface Gauges {
        /** The last depth read of a jurisdiction's queue ({@code referrals}, {@code dlq}, {@code quarantine}), or null. */
        Double depth(String jurisdiction, String queue);

        /** The consumers of a jurisdiction's {@code referrals} queue, or null. */
        Double consumers(String jurisdiction);
    }

    static final int CLOCKS_SHOWN = 20;
    static final int SEARCH_LIMIT = 200;

    private final MessageStore store;
    private final ReferralReplay replay;
    private final Gauges gauges;
    private final Supplier<Map<String, BundleState>> bundles;
    private final Clock clock;

    ConsoleData(MessageStore store, ReferralReplay replay, Gauges gauges, Supplier<Map<String, BundleState>> bundles, Clock clock) {
        this.store = store;
        this.replay = replay;
        this.gauges = gauges;
        this.bundles = bundles;
        this.clock = clock;
    }

    /** Per jurisdiction (installed, or with deliveries in the store) its counts and bundle; the clocks that alerted. */
    Map<String, Object> overview() {
        Instant now = clock.instant();
        ConsoleQueries queries = store.consoleQueries();
        Map<String, ConsoleQueries.JurisdictionCounts> counts = new LinkedHashMap<>();
        queries.counts(now).forEach(c -> counts.put(c.jurisdiction().code(), c));
        Map<String, BundleState> installed = bundles.get();
        TreeSet<String> codes = new TreeSet<>(counts.keySet());
        codes.addAll(installed.keySet());
        List<Map<String, Object>> jurisdictions = new ArrayList<>();
        for (String code : codes) {
            ConsoleQueries.JurisdictionCounts c = counts.get(code);
            Map<DeliveryStatus, Integer> by = c == null ? Map.of() : c.byStatus();
            BundleState bundle = installed.get(code);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("code", code);
            row.put("bundle", bundle == null ? "not installed" : bundle.state());
            row.put("sandbox", bundle != null && bundle.sandbox());
            row.put("queueDepth", gauges.depth(code, "referrals"));
            row.put("consumers", gauges.consumers(code));
            row.put("deadLetters", gauges.depth(code, "dlq"));
            row.put("quarantined", gauges.depth(code, "quarantine"));
            row.put("waiting", by.getOrDefault(DeliveryStatus.RECEIVED, 0) + by.getOrDefault(DeliveryStatus.QUEUED, 0)
                    + by.getOrDefault(DeliveryStatus.ON_HOLD, 0));
            row.put("failed", by.getOrDefault(DeliveryStatus.FAILED, 0));
            row.put("rejected", by.getOrDefault(DeliveryStatus.REJECTED, 0));
            row.put("deliveredLastHour", c == null ? 0 : c.deliveredHour());
            row.put("deliveredLastDay", c == null ? 0 : c.deliveredDay());
            row.put("oldestWaiting", c == null ? null : time(c.oldestWaiting()));
            row.put("oldestWaitingSeconds", c == null || c.oldestWaiting() == null ? null
                    : Duration.between(c.oldestWaiting(), now).toSeconds());
            Map<String, Integer> statuses = new LinkedHashMap<>();
            by.forEach((s, n) -> statuses.put(s.name(), n));
            row.put("statuses", statuses);
            jurisdictions.add(row);
        }
        List<Map<String, Object>> clocks = new ArrayList<>();
        for (ConsoleQueries.ClockAlert a : queries.clockAlerts(CLOCKS_SHOWN)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("referralId", a.referralId().value());
            row.put("jurisdiction", a.jurisdiction().code());
            row.put("rule", a.ruleId());
            row.put("clock", a.kind() == null ? null : a.kind().code());
            row.put("level", a.level());
            row.put("due", time(a.due()));
            row.put("secondsLeft", Duration.between(now, a.due()).toSeconds());
            row.put("breached", "breached".equals(a.level()) || a.due().isBefore(now));
            row.put("status", a.status().name());
            clocks.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", time(now));
        out.put("jurisdictions", jurisdictions);
        out.put("clocks", clocks);
        out.put("operations", operations());
        return out;
    }

    /** The long operations running or ended in the last hour, started here or in the shell ({@code harbor:operations}). */
    List<Map<String, Object>> operations() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Operations.Operation op : store.operations().recent()) {
            rows.add(row("id", op.id(), "kind", op.kind().label(), "subject", op.subject(), "by", op.startedBy(),
                    "state", op.state().name().toLowerCase(java.util.Locale.ROOT), "done", op.done(), "total", op.total(),
                    "progress", op.progressText(), "started", time(op.started()), "finished", time(op.finished()), "outcome", op.outcome()));
        }
        return rows;
    }

    /** Deliveries matching the search, newest first, at most {@value #SEARCH_LIMIT}. */
    List<Map<String, Object>> search(String id, String client, DeliveryStatus status, Jurisdiction jurisdiction, Instant from, Instant to) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (DeliverySummary d : store.consoleQueries().search(id, client, status, jurisdiction, from, to, SEARCH_LIMIT)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("referralId", d.referralId().value());
            row.put("received", time(d.receivedAt()));
            row.put("jurisdiction", d.jurisdiction().code());
            row.put("status", d.status().name());
            row.put("attempts", d.attempts());
            row.put("stateIntakeNumber", d.stateIntakeNumber());
            row.put("reason", d.reason());
            row.put("updated", time(d.updatedAt()));
            rows.add(row);
        }
        return rows;
    }

    /**
     * A referral's timeline: when it was received, each delivery's status, each attempt with its outcome, each replay,
     * notice, clock alert and stage, in time order; with {@code withAudit}, its audit records too (who, what, outcome).
     */
    Optional<Map<String, Object>> timeline(ReferralId id, boolean withAudit) {
        Optional<StoredReferral> found = store.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StoredReferral stored = found.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("referralId", id.value());
        out.put("received", time(stored.receivedAt()));
        out.put("actionable", stored.actionable());
        List<Map<String, Object>> deliveries = new ArrayList<>();
        for (Delivery d : stored.deliveries()) {
            deliveries.add(row("jurisdiction", d.jurisdiction().code(), "status", d.status().name(), "stateIntakeNumber",
                    d.stateIntakeNumber(), "reason", d.reason(), "updated", time(d.updatedAt())));
        }
        out.put("deliveries", deliveries);
        List<Map<String, Object>> events = new ArrayList<>();
        events.add(event(stored.receivedAt(), "received", null, stored.actionable() ? "accepted" : "accepted, nothing to report"));
        for (Attempt a : store.attempts(id)) {
            events.add(event(a.startedAt(), "attempt", a.jurisdiction().code(), "attempt " + a.attempt() + ": "
                    + (a.outcome() == null ? "no answer yet" : a.outcome()) + (a.detail() == null ? "" : " (" + a.detail() + ")")));
        }
        for (Replay r : store.replays(id)) {
            events.add(event(r.requestedAt(), "replay", r.jurisdiction().code(), "replay from " + r.source()
                    + (r.sourceAttempt() == null ? "" : " (attempt " + r.sourceAttempt() + ")") + " by " + r.requestedBy()
                    + (r.attempt() == null ? ", not yet delivered" : ", carried by attempt " + r.attempt())));
        }
        for (Notice n : store.notices(id)) {
            events.add(event(n.recordedAt(), "notice", n.jurisdiction().code(), n.recipient() + " " + n.status() + ", "
                    + n.attempts() + " attempt(s)" + (n.reason() == null ? "" : " (" + n.reason() + ")")));
        }
        for (DeadlineAlert a : store.deadlineAlerts(id)) {
            events.add(event(a.raisedAt(), "clock", a.jurisdiction().code(), (a.isStatesClock() ? "state's clock " : "delivery deadline ")
                    + a.ruleId() + " " + a.level() + ", due " + time(a.due())));
        }
        events.sort(java.util.Comparator.comparing(e -> String.valueOf(e.get("at"))));
        out.put("timeline", events);
        // the store's stages as recorded (queued, each status from the state, alerts), in order
        out.put("stages", store.events(id));
        if (withAudit) {
            List<Map<String, Object>> audit = new ArrayList<>();
            for (AuditRecord r : store.auditRecords(AuditQuery.ofEntity(id.value()), 0, 500)) {
                audit.add(row("seq", r.seq(), "recorded", time(r.recorded()), "event", r.eventCode(), "action", r.action(),
                        "outcome", r.outcome(), "agent", r.agent(), "jurisdiction", r.jurisdiction()));
            }
            out.put("audit", audit);
        }
        return Optional.of(out);
    }

    /** A jurisdiction's dead letters: on the broker (browsed) and those that expired from it into the store. */
    Map<String, Object> deadLetters(Jurisdiction j) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ReferralReplay.DeadLetter letter : replay.deadLetters(j)) {
            rows.add(deadLetter(j, letter.referralId(), letter.deadLetteredAt(), "broker"));
        }
        for (ExpiredMessage e : store.expiredDeadLetters(j)) {
            rows.add(deadLetter(j, e.referralId(), e.parkedAt(), "store"));
        }
        return row("jurisdiction", j.code(), "deadLetters", rows);
    }

    private Map<String, Object> deadLetter(Jurisdiction j, ReferralId id, Instant at, String where) {
        Delivery d = id == null ? null : store.find(id).flatMap(s -> s.deliveries().stream()
                .filter(x -> x.jurisdiction().equals(j)).findFirst()).orElse(null);
        return row("referralId", id == null ? null : id.value(), "deadLettered", time(at), "where", where,
                "status", d == null ? null : d.status().name(), "reason", d == null ? null : d.reason());
    }

    private static Map<String, Object> event(Instant at, String kind, String jurisdiction, String text) {
        return row("at", time(at), "kind", kind, "jurisdiction", jurisdiction, "text", text);
    }

    static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }
}

package org.safeharbor.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.jdbc.core.RowMapper;

/**
 * The audit trail: one FHIR R4 AuditEvent per {@link AuditEntry}, shaped after IHE Basic Audit Log Patterns, kept in
 * table {@code audit_event} (schema version 3) as the JSON HAPI's parser writes for it, and chained: each row's hash
 * is SHA-256 over the previous row's hash, its own number and its JSON. Appends lock the chain's head row
 * ({@code audit_chain}) and join the caller's transaction, so what they record commits with the change they describe,
 * and are numbered and chained one at a time. The JSON is written before the lock is taken: the lock covers one
 * SHA-256, an insert and an update.
 */
final class AuditTrail {

    static final String GENESIS = "0".repeat(64);
    private static final int PAGE = 1_000;
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String COLUMNS = "seq, recorded, event_code, action, outcome, agent, entity, jurisdiction, resource_json, previous_hash, hash";

    private final Db db;

    AuditTrail(Db db) {
        this.db = db;
    }

    // ------------------------------------------------------------------ append

    /** Appends an entry, in the caller's transaction if there is one. */
    void append(AuditEntry entry) {
        AuditEvent event = resource(entry, db.instant());
        String json = FHIR.newJsonParser().setPrettyPrint(false).encodeResourceToString(event);
        Columns columns = Columns.of(event);
        db.tx.executeWithoutResult(status -> {
            Map<String, Object> head = db.jdbc.queryForMap("SELECT last_seq, last_hash FROM audit_chain WHERE id = 1 FOR UPDATE");
            long seq = ((Number) head.get("last_seq")).longValue() + 1;
            String previous = (String) head.get("last_hash");
            String hash = hash(previous, seq, json);
            db.jdbc.update("INSERT INTO audit_event (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    seq, columns.recorded().atOffset(ZoneOffset.UTC), columns.eventCode(), columns.action(), columns.outcome(),
                    columns.agent(), columns.entity(), columns.jurisdiction(), json, previous, hash);
            db.jdbc.update("UPDATE audit_chain SET last_seq = ?, last_hash = ? WHERE id = 1", seq, hash);
        });
    }

    /** SHA-256, hex, over the previous row's hash, this row's number and its JSON, one per line. */
    static String hash(String previous, long seq, String json) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest((previous + "\n" + seq + "\n" + json).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The AuditEvent for an entry, recorded at {@code recorded} (to the millisecond, in UTC). */
    static AuditEvent resource(AuditEntry entry, Instant recorded) {
        AuditEntry.Kind kind = entry.kind();
        AuditEvent event = new AuditEvent();
        event.setType(coding(kind.type()));
        if (kind.restful() != null) {
            event.addSubtype(new Coding(AuditCodes.RESTFUL_INTERACTION, kind.restful(), kind.restful()));
        }
        event.addSubtype(new Coding(AuditCodes.EVENT, kind.code(), kind.code()));
        event.setAction(AuditEvent.AuditEventAction.fromCode(kind.action()));
        event.setRecordedElement(new InstantType(Date.from(recorded), TemporalPrecisionEnum.MILLI, TimeZone.getTimeZone("UTC")));
        event.setOutcome(AuditEvent.AuditEventOutcome.fromCode(entry.outcome().code()));
        if (entry.outcomeText() != null) {
            event.setOutcomeDesc(Db.truncate(entry.outcomeText(), 500));
        }

        AuditEntry.Actor actor = entry.actor();
        // an id a caller claimed without proving it is the caller's own text: bounded to its column
        String actorId = Db.truncate(actor.id(), 200);
        AuditEvent.AuditEventAgentComponent who = event.addAgent().setRequestor(true).setAltId(actorId);
        who.setType(new CodeableConcept(coding(switch (actor.type()) {
            case OPERATOR -> AuditCodes.HUMAN_USER;
            case SYSTEM -> AuditCodes.APPLICATION;
            default -> AuditCodes.SOURCE_ROLE;
        })));
        who.setWho(new Reference().setIdentifier(new Identifier().setSystem(switch (actor.type()) {
            case CLIENT, ANONYMOUS -> AuditCodes.CLIENT_ID;
            case OPERATOR -> AuditCodes.KARAF_USER;
            case STATE -> AuditCodes.JURISDICTION;
            case SYSTEM -> AuditCodes.SYSTEM;
        }).setValue(actorId)).setDisplay(actor.type() == AuditEntry.Actor.Type.ANONYMOUS ? "not authenticated" : null));
        if (actor.address() != null) {
            who.getNetwork().setAddress(Db.truncate(actor.address(), 100)).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
        if ((kind == AuditEntry.Kind.DISCLOSURE || kind == AuditEntry.Kind.NOTICE) && entry.jurisdiction() != null) {
            // who received it: the state, or the recipient the state's law names (e.g. the District Attorney)
            event.addAgent().setRequestor(false).setType(new CodeableConcept(coding(AuditCodes.DESTINATION_ROLE)))
                    .setWho(new Reference().setIdentifier(new Identifier().setSystem(AuditCodes.JURISDICTION)
                            .setValue(entry.jurisdiction().code())))
                    .setName(entry.jurisdiction().code() + (entry.recipient() == null ? " intake" : " " + entry.recipient()));
        }

        event.getSource().setSite(AuditEntry.Actor.ADAPTER)
                .setObserver(new Reference().setIdentifier(new Identifier().setSystem(AuditCodes.SYSTEM).setValue(AuditEntry.Actor.ADAPTER))
                        .setDisplay("SafeHarbor Bridge"))
                .addType(new Coding(AuditCodes.SOURCE_TYPE, "4", "Application Server"));

        if (entry.referralId() != null || entry.object() != null || entry.jurisdiction() != null || !entry.fields().isEmpty()
                || !entry.details().isEmpty()) {
            AuditEvent.AuditEventEntityComponent entity = event.addEntity().setType(new Coding(AuditCodes.ENTITY_TYPE, "2", "System Object"));
            if (entry.referralId() != null) {
                // a referral id from a request (a Task read) is the caller's text until found: bounded to its column
                String referral = Db.truncate(entry.referralId().value(), 200);
                entity.setWhat(new Reference("Task/" + referral)
                        .setIdentifier(new Identifier().setSystem(AuditCodes.REFERRAL_ID).setValue(referral)));
                entity.setRole(new Coding(AuditCodes.OBJECT_ROLE, "3", "Report"));
            } else if (entry.object() != null) {
                entity.setWhat(new Reference().setIdentifier(new Identifier().setSystem(AuditCodes.OBJECT_ID)
                        .setValue(Db.truncate(entry.object(), 200))));
                entity.setRole(new Coding(AuditCodes.OBJECT_ROLE, "13", "Security Resource"));
            }
            if (entry.jurisdiction() != null) {
                entity.addDetail().setType("jurisdiction").setValue(new StringType(entry.jurisdiction().code()));
            }
            if (entry.recipient() != null) {
                entity.addDetail().setType("recipient").setValue(new StringType(entry.recipient()));
            }
            if (!entry.fields().isEmpty()) {
                entity.addDetail().setType("disclosed-fields").setValue(new StringType(String.join(", ", entry.fields())));
            }
            entry.details().forEach((name, value) -> entity.addDetail().setType(name).setValue(new StringType(Db.truncate(value, 1000))));
        }
        return event;
    }

    private static Coding coding(AuditCodes.Code code) {
        return new Coding(code.system(), code.code(), code.display());
    }

    /** What the searchable columns hold, read from the AuditEvent: at append, and again by {@link #verify()}. */
    record Columns(Instant recorded, String eventCode, String action, String outcome, String agent, String entity, String jurisdiction) {

        static Columns of(AuditEvent event) {
            String code = event.getSubtype().stream().filter(c -> AuditCodes.EVENT.equals(c.getSystem())).map(Coding::getCode)
                    .findFirst().orElse(null);
            String agent = event.getAgent().stream().filter(AuditEvent.AuditEventAgentComponent::getRequestor)
                    .map(a -> a.getWho().getIdentifier().getValue()).findFirst().orElse(null);
            String entity = null;
            String jurisdiction = null;
            if (event.hasEntity()) {
                AuditEvent.AuditEventEntityComponent first = event.getEntityFirstRep();
                entity = first.getWhat().getIdentifier().getValue();
                jurisdiction = first.getDetail().stream().filter(d -> "jurisdiction".equals(d.getType()))
                        .map(d -> d.getValue().primitiveValue()).findFirst().orElse(null);
            }
            return new Columns(event.getRecorded().toInstant(), code, event.getAction() == null ? null : event.getAction().toCode(),
                    event.getOutcome() == null ? null : event.getOutcome().toCode(), agent, entity, jurisdiction);
        }
    }

    // ------------------------------------------------------------------ search

    List<AuditRecord> find(AuditQuery query, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(query, args);
        args.add(limit);
        args.add(offset);
        return db.jdbc.query("SELECT " + COLUMNS + " FROM audit_event" + where + " ORDER BY seq LIMIT ? OFFSET ?", RECORD, args.toArray());
    }

    int count(AuditQuery query) {
        List<Object> args = new ArrayList<>();
        String where = where(query, args);
        return db.jdbc.queryForObject("SELECT COUNT(*) FROM audit_event" + where, Integer.class, args.toArray());
    }

    private static String where(AuditQuery query, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (query.entity() != null) {
            where.append(" AND entity = ?");
            args.add(query.entity());
        }
        if (query.agent() != null) {
            where.append(" AND agent = ?");
            args.add(query.agent());
        }
        if (query.from() != null) {
            where.append(" AND recorded >= ?");
            args.add(query.from().atOffset(ZoneOffset.UTC));
        }
        if (query.to() != null) {
            where.append(" AND recorded < ?");
            args.add(query.to().atOffset(ZoneOffset.UTC));
        }
        return where.toString();
    }

    private static final RowMapper<AuditRecord> RECORD = (rs, n) -> new AuditRecord(rs.getLong(1),
            rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
            rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(11));

    // ------------------------------------------------------------------ verification

    /**
     * Walks the chain from its oldest kept row to its head: each row must follow the one before it (no gap), name the
     * hash of the one before it, match its own hash, and have searchable columns that say what its JSON says; the
     * last must be the one the head names. Stops at the first broken link. Rows appended while it runs are left for the next walk.
     */
    AuditVerification verify() {
        Map<String, Object> head = db.jdbc.queryForMap("SELECT last_seq, last_hash, first_seq, first_previous_hash FROM audit_chain WHERE id = 1");
        long lastSeq = ((Number) head.get("last_seq")).longValue();
        String lastHash = (String) head.get("last_hash");
        long firstSeq = ((Number) head.get("first_seq")).longValue();
        String previous = (String) head.get("first_previous_hash");
        long expected = firstSeq;
        long checked = 0;
        while (expected <= lastSeq) {
            List<Object[]> rows = db.jdbc.query("SELECT seq, previous_hash, hash, resource_json, recorded, event_code, action, outcome,"
                            + " agent, entity, jurisdiction FROM audit_event WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
                    (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            new Columns(rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getString(6), rs.getString(7), rs.getString(8),
                                    rs.getString(9), rs.getString(10), rs.getString(11))},
                    expected, lastSeq, PAGE);
            if (rows.isEmpty()) {
                break;
            }
            for (Object[] row : rows) {
                long seq = (Long) row[0];
                if (seq != expected) {
                    return broken(checked, firstSeq, lastSeq, lastHash, expected, "row " + expected + " is missing (deleted)");
                }
                if (!previous.equals(row[1])) {
                    return broken(checked, firstSeq, lastSeq, lastHash, seq, "row " + seq + " does not chain to the row before it"
                            + " (that row, or this one, was changed, replaced or removed)");
                }
                String json = (String) row[3];
                if (!hash(previous, seq, json).equals(row[2])) {
                    return broken(checked, firstSeq, lastSeq, lastHash, seq, "row " + seq + "'s content does not match its hash (edited)");
                }
                Columns stored = (Columns) row[4];
                Columns said;
                try {
                    said = Columns.of(FHIR.newJsonParser().parseResource(AuditEvent.class, json));
                } catch (RuntimeException unreadable) {
                    return broken(checked, firstSeq, lastSeq, lastHash, seq, "row " + seq + "'s content is not an AuditEvent");
                }
                String differs = differs(stored, said);
                if (differs != null) {
                    return broken(checked, firstSeq, lastSeq, lastHash, seq, "row " + seq + "'s column " + differs
                            + " does not say what its AuditEvent says (edited)");
                }
                previous = (String) row[2];
                expected++;
                checked++;
            }
        }
        if (expected <= lastSeq) {
            return broken(checked, firstSeq, lastSeq, lastHash, expected, "rows " + expected + " to " + lastSeq + " are missing (deleted)");
        }
        if (!previous.equals(lastHash)) {
            return broken(checked, firstSeq, lastSeq, lastHash, lastSeq, "the chain's head does not name the hash of row " + lastSeq);
        }
        return new AuditVerification(true, checked, firstSeq, lastSeq, lastHash, null, null);
    }

    private static AuditVerification broken(long checked, long firstSeq, long lastSeq, String lastHash, long at, String problem) {
        return new AuditVerification(false, checked, firstSeq, lastSeq, lastHash, at, problem);
    }

    /** The first column in which the row differs from its AuditEvent, or null. */
    private static String differs(Columns stored, Columns said) {
        if (!stored.recorded().equals(said.recorded())) {
            return "recorded";
        }
        String[][] pairs = {{"event_code", stored.eventCode(), said.eventCode()}, {"action", stored.action(), said.action()},
                {"outcome", stored.outcome(), said.outcome()}, {"agent", stored.agent(), said.agent()},
                {"entity", stored.entity(), said.entity()}, {"jurisdiction", stored.jurisdiction(), said.jurisdiction()}};
        for (String[] pair : pairs) {
            if (!Objects.equals(pair[1], pair[2])) {
                return pair[0];
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ retention

    /**
     * Deletes the rows recorded before {@code before}, oldest first, at most {@value #PAGE} per transaction, and moves
     * the chain's start past them (the first row kept then chains to the last one deleted). Returns how many went.
     */
    int purge(Instant before) {
        int total = 0;
        while (true) {
            Integer deleted = db.tx.execute(status -> {
                Map<String, Object> head = db.jdbc.queryForMap("SELECT first_seq FROM audit_chain WHERE id = 1 FOR UPDATE");
                long first = ((Number) head.get("first_seq")).longValue();
                Long cutoff = db.jdbc.queryForObject("SELECT MAX(seq) FROM audit_event WHERE seq < ? AND recorded < ?", Long.class,
                        first + PAGE, before.atOffset(ZoneOffset.UTC));
                if (cutoff == null) {
                    return 0;
                }
                String anchor = db.jdbc.queryForObject("SELECT hash FROM audit_event WHERE seq = ?", String.class, cutoff);
                int rows = db.jdbc.update("DELETE FROM audit_event WHERE seq <= ?", cutoff);
                db.jdbc.update("UPDATE audit_chain SET first_seq = ?, first_previous_hash = ? WHERE id = 1", cutoff + 1, anchor);
                return rows;
            });
            if (deleted == null || deleted == 0) {
                return total;
            }
            total += deleted;
        }
    }
}

package org.safeharbor.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;

/**
 * One thing to record in the audit trail, as the part of the adapter that saw it describes it; the store turns it
 * into a FHIR R4 AuditEvent shaped after IHE Basic Audit Log Patterns ({@link AuditTrail}). Ids, codes, counts and
 * field names only: never a name, a birth date, an address or any other value of a referral.
 *
 * @param kind         what happened
 * @param outcome      how it ended
 * @param outcomeText  a short reason for a failure (an error code, an HTTP status): no personal data, nothing the caller sent
 * @param actor        who did it (the client, the Karaf user, the state, the adapter itself)
 * @param referralId   the referral it concerns, or null
 * @param object       what else it concerns when not a referral (a configuration PID, a client id), or null
 * @param jurisdiction the state it concerns, or null
 * @param recipient    who received a disclosure or notice besides the state's intake (e.g. {@code DISTRICT_ATTORNEY}), or null
 * @param fields       the names of the fields disclosed (never their values)
 * @param details      further codes and counts, by name
 */
public record AuditEntry(Kind kind, Outcome outcome, String outcomeText, Actor actor, ReferralId referralId, String object,
                         Jurisdiction jurisdiction, String recipient, List<String> fields, Map<String, String> details) {

    public AuditEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(actor, "actor");
        fields = List.copyOf(fields);
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Starts an entry: a success until {@link Builder#outcome} says otherwise. */
    public static Builder of(Kind kind, Actor actor) {
        return new Builder(kind, actor);
    }

    /**
     * What is recorded. Each kind carries its AuditEvent type (DICOM or FHIR's audit-event-type), the FHIR
     * restful interaction where it is one, and its action (C create, R read, U update, D delete, E execute).
     */
    public enum Kind {
        /** A hospital's submission, accepted or refused. */
        SUBMISSION("submission", AuditCodes.REST, "create", "C"),
        /** {@code GET /fhir/Task/{id}}. */
        TASK_READ("task-read", AuditCodes.REST, "read", "R"),
        /** {@code GET /fhir/Task?...}. */
        TASK_SEARCH("task-search", AuditCodes.REST, "search-type", "E"),
        /** {@code GET /fhir/AuditEvent?...}: the audit trail read over FHIR. */
        AUDIT_SEARCH("audit-search", AuditCodes.AUDIT_LOG_USED, "search-type", "E"),
        /** The audit trail read or verified in the shell. */
        AUDIT_VIEW("audit-view", AuditCodes.AUDIT_LOG_USED, null, "R"),
        /** An access token issued or refused. */
        TOKEN("token", AuditCodes.USER_AUTHENTICATION, null, "E"),
        /** A delivery attempt: the referral disclosed to a state. */
        DISCLOSURE("disclosure", AuditCodes.EXPORT, null, "R"),
        /** A notice a state's law requires (e.g. to the District Attorney) sent from the adapter. */
        NOTICE("notice", AuditCodes.EXPORT, null, "R"),
        /** A state's status (acknowledgement, screening, rejection...) received. */
        STATUS_RECEIVED("status-received", AuditCodes.IMPORT, null, "C"),
        /** An operator's replay of a referral to a state. */
        REPLAY("replay", AuditCodes.PATIENT_RECORD, null, "U"),
        /** An operator's move of a dead letter back to its queue. */
        DEAD_LETTER_MOVE("dead-letter-move", AuditCodes.PATIENT_RECORD, null, "U"),
        /** An operator's view of a referral in the shell. */
        REFERRAL_VIEW("referral-view", AuditCodes.PATIENT_RECORD, null, "R"),
        /** A jurisdiction's or another part's configuration changed (OSGi Configuration Admin). */
        CONFIGURATION_CHANGE("configuration-change", AuditCodes.SOFTWARE_CONFIGURATION, null, "U"),
        /** A client registration added, changed or removed. */
        CLIENT_CHANGE("client-change", AuditCodes.SECURITY_CONFIGURATION, null, "U"),
        /** A retention sweep (counts only). */
        RETENTION_PURGE("retention-purge", AuditCodes.APPLICATION_ACTIVITY, null, "D"),
        /** The message store's encryption key rotated and the stored values encrypted again (key ids and counts only). */
        KEY_ROTATION("key-rotation", AuditCodes.SECURITY_CONFIGURATION, null, "U"),
        /**
         * Dead letters and quarantined referrals past their time on the broker taken off it into the message store's
         * records (counts only; 1.4).
         */
        QUEUE_EXPIRY("queue-expiry", AuditCodes.APPLICATION_ACTIVITY, null, "D"),
        /** An operator's purge of the referrals on hold for a state that never installed a bundle (counts only; 1.4). */
        ON_HOLD_PURGE("on-hold-purge", AuditCodes.PATIENT_RECORD, null, "D");

        private final String code;
        private final AuditCodes.Code type;
        private final String restful;
        private final String action;

        Kind(String code, AuditCodes.Code type, String restful, String action) {
            this.code = code;
            this.type = type;
            this.restful = restful;
            this.action = action;
        }

        /** This project's code (CodeSystem {@link AuditCodes#EVENT}), the searchable one. */
        public String code() {
            return code;
        }

        AuditCodes.Code type() {
            return type;
        }

        /** The FHIR restful-interaction code, or null when it is not a REST interaction. */
        String restful() {
            return restful;
        }

        /** The AuditEvent action code. */
        public String action() {
            return action;
        }

        public static Kind ofCode(String code) {
            for (Kind kind : values()) {
                if (kind.code.equals(code)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no audit event kind " + code);
        }
    }

    /** AuditEvent.outcome (R4): 0 success, 4 minor failure (a refusal), 8 serious failure, 12 major failure. */
    public enum Outcome {
        SUCCESS("0"), MINOR_FAILURE("4"), SERIOUS_FAILURE("8"), MAJOR_FAILURE("12");

        private final String code;

        Outcome(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Outcome ofCode(String code) {
            for (Outcome outcome : values()) {
                if (outcome.code.equals(code)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("no audit outcome " + code);
        }
    }

    /**
     * Who did it: an authenticated client (its client id), a Karaf user (the JAAS user), a state (its jurisdiction
     * code), the adapter itself, or a caller that did not authenticate. {@code address} is the calling network
     * address where there is one (a hospital's or a state's system, never a person's).
     */
    public record Actor(Type type, String id, String address) {

        /** The adapter itself, as actor and as the AuditEvent's source. */
        public static final String ADAPTER = "safeharbor-bridge";

        public enum Type { CLIENT, OPERATOR, STATE, SYSTEM, ANONYMOUS }

        public Actor {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(id, "id");
        }

        public static Actor client(String clientId, String address) {
            return new Actor(Type.CLIENT, clientId, address);
        }

        public static Actor operator(String user) {
            return new Actor(Type.OPERATOR, user, null);
        }

        public static Actor state(Jurisdiction jurisdiction) {
            return new Actor(Type.STATE, jurisdiction.code(), null);
        }

        public static Actor adapter() {
            return new Actor(Type.SYSTEM, ADAPTER, null);
        }

        /** A caller that did not (or could not) authenticate; {@code claimed} is the client id it claimed, if any. */
        public static Actor anonymous(String claimed, String address) {
            return new Actor(Type.ANONYMOUS, claimed == null ? "anonymous" : claimed, address);
        }
    }

    /** Builds an {@link AuditEntry}. */
    public static final class Builder {
        private final Kind kind;
        private final Actor actor;
        private Outcome outcome = Outcome.SUCCESS;
        private String outcomeText;
        private ReferralId referralId;
        private String object;
        private Jurisdiction jurisdiction;
        private String recipient;
        private final List<String> fields = new ArrayList<>();
        private final Map<String, String> details = new LinkedHashMap<>();

        private Builder(Kind kind, Actor actor) {
            this.kind = kind;
            this.actor = actor;
        }

        public Builder outcome(Outcome outcome, String text) {
            this.outcome = outcome;
            this.outcomeText = text;
            return this;
        }

        public Builder referral(ReferralId id) {
            this.referralId = id;
            return this;
        }

        public Builder object(String object) {
            this.object = object;
            return this;
        }

        public Builder jurisdiction(Jurisdiction jurisdiction) {
            this.jurisdiction = jurisdiction;
            return this;
        }

        public Builder recipient(String recipient) {
            this.recipient = recipient;
            return this;
        }

        public Builder fields(List<String> names) {
            fields.addAll(names);
            return this;
        }

        public Builder detail(String name, Object value) {
            if (value != null) {
                details.put(name, value.toString());
            }
            return this;
        }

        public AuditEntry build() {
            return new AuditEntry(kind, outcome, outcomeText, actor, referralId, object, jurisdiction, recipient, fields, details);
        }
    }
}

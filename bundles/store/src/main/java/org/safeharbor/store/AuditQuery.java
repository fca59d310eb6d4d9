package org.safeharbor.store;

import java.time.Instant;

/**
 * Which audit records to list; each criterion null for any.
 *
 * @param entity the referral id (or configuration PID, client id) the events concern
 * @param agent  who did it (client id, Karaf user, jurisdiction code, {@code safeharbor-bridge})
 * @param from   recorded at or after
 * @param to     recorded before
 */
public record AuditQuery(String entity, String agent, Instant from, Instant to) {

    public static final AuditQuery ALL = new AuditQuery(null, null, null, null);

    public static AuditQuery ofEntity(String entity) {
        return new AuditQuery(entity, null, null, null);
    }
}

package org.safeharbor.store;

import java.time.Instant;

/**
 * One row of the audit trail: its place in the chain, the searchable columns (copies of what the AuditEvent says)
 * and the AuditEvent itself as stored, FHIR R4 JSON, over which {@code hash} was computed.
 *
 * @param seq          its number in the chain (1, 2, ...; no gaps)
 * @param eventCode    {@link AuditEntry.Kind#code()}
 * @param agent        who did it: a client id, a Karaf user, a jurisdiction code, {@code safeharbor-bridge}
 * @param entity       the referral id (or the configuration PID, client id) it concerns, or null
 * @param jurisdiction the state it concerns, or null
 * @param json         the AuditEvent, FHIR R4 JSON as HAPI's parser wrote it (no resource id: the id is {@code seq})
 */
public record AuditRecord(long seq, Instant recorded, String eventCode, String action, String outcome, String agent, String entity,
                          String jurisdiction, String json, String hash) {
}

package org.safeharbor.store;

/**
 * What a walk along the audit chain found.
 *
 * @param intact    true when every row kept chains to the one before it and matches its hash
 * @param checked   rows checked (all of them when intact; those before the break otherwise)
 * @param firstSeq  the oldest row kept (older ones went by the trail's retention)
 * @param lastSeq   the newest row, as the chain's head names it
 * @param headHash  the hash of the newest row: note it somewhere else to prove later that nothing before it changed
 * @param brokenAt  the first row at which the chain breaks, or null
 * @param problem   what is wrong there, or null
 */
public record AuditVerification(boolean intact, long checked, long firstSeq, long lastSeq, String headHash, Long brokenAt,
                                String problem) {
}

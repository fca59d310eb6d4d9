package org.safeharbor.auth;

import java.util.Set;

/**
 * An authenticated client, from a verified access token.
 *
 * @param clientId        the registered client id (the audit's actor, the owner of its referrals)
 * @param kind            {@code hospital}, {@code law-enforcement} (a police or juvenile-detention records system: custody
 *                        notices only) or {@code auditor} (may read every referral's Task)
 * @param scopes          the scopes granted to this token
 * @param sourceEndpoints the {@code MessageHeader.source.endpoint} values it may send as
 */
public record Caller(String clientId, String kind, Set<String> scopes, Set<String> sourceEndpoints) {

    public static final String AUDITOR = "auditor";
    /** A police or juvenile-detention records system: it submits custody notices, never screening reports (1.3). */
    public static final String LAW_ENFORCEMENT = "law-enforcement";

    public Caller {
        scopes = Set.copyOf(scopes);
        sourceEndpoints = Set.copyOf(sourceEndpoints);
    }

    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    public boolean auditor() {
        return AUDITOR.equals(kind);
    }

    /** Whether the client is a law-enforcement agency's records system (1.3). */
    public boolean lawEnforcement() {
        return LAW_ENFORCEMENT.equals(kind);
    }
}

package org.safeharbor.auth;

import java.util.Set;

/**
 * An authenticated client, from a verified access token.
 *
 * @param clientId        the registered client id (the audit's actor, the owner of its referrals)
 * @param kind            {@code hospital}, or {@code auditor} (may read every referral's Task)
 * @param scopes          the scopes granted to this token
 * @param sourceEndpoints the {@code MessageHeader.source.endpoint} values it may send as
 */
public record Caller(String clientId, String kind, Set<String> scopes, Set<String> sourceEndpoints) {

    public static final String AUDITOR = "auditor";

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
}

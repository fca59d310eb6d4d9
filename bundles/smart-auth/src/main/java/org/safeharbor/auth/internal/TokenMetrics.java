package org.safeharbor.auth.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the token endpoint's answers ({@value #TOKENS}): {@code granted}, or {@code refused} with the OAuth error
 * ({@code invalid_client}, {@code invalid_request}, {@code invalid_scope}, {@code unsupported_grant_type},
 * {@code slow_down} for 429). The client label is a registered client's id once its assertion verified, otherwise
 * {@code unauthenticated}: an id a caller merely claims is its own text, and would let anyone add labels at will.
 */
public final class TokenMetrics {

    public static final String TOKENS = "safeharbor.tokens";
    static final String UNAUTHENTICATED = "unauthenticated";

    private final MeterRegistry meters;

    public TokenMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void granted(String clientId) {
        count(clientId, "granted", "none");
    }

    /** @param clientId the registered client's id, or null when it did not authenticate */
    public void refused(String clientId, String error) {
        count(clientId == null ? UNAUTHENTICATED : clientId, "refused", error);
    }

    private void count(String client, String outcome, String error) {
        Counter.builder(TOKENS).description("Access tokens granted and refused by the token endpoint")
                .tag("client", client).tag("outcome", outcome).tag("error", error).register(meters).increment();
    }
}

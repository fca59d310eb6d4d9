package org.safeharbor.auth;

import java.security.cert.X509Certificate;

/** Verifies the access tokens the adapter's token endpoint issued (a service of the smart-auth bundle). */
public interface AccessTokens {

    /**
     * The caller a bearer token stands for.
     *
     * @param token             the token, without {@code Bearer }
     * @param clientCertificate the TLS client certificate of the request, or null; a token bound to a
     *                          certificate (mutual TLS) is only valid with that certificate
     * @throws Refused with a reason fit for a log line and the caller (never the token itself)
     */
    Caller verify(String token, X509Certificate clientCertificate) throws Refused;

    /** A refused token, with why. */
    final class Refused extends Exception {
        private final String clientId;

        public Refused(String reason, String clientId) {
            super(reason);
            this.clientId = clientId;
        }

        /** The client the token names, when it could be read; null otherwise. */
        public String clientId() {
            return clientId;
        }
    }
}

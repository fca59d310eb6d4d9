package org.safeharbor.auth.internal;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Checks a SMART Backend Services client assertion (RFC 7523 {@code private_key_jwt}) as the SMART
 * App Launch 2.x "Backend Services" authentication rules ask: signed (RS384 or ES384) by a key of
 * the registered client; iss = sub = client_id; aud = the token endpoint; exp present and at most
 * five minutes ahead; a {@code jti} not seen before while it could still be valid.
 */
final class ClientAssertions {

    /** The longest lifetime SMART allows an assertion. */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /** Clock skew tolerated between the hospital and the adapter. */
    static final Duration SKEW = Duration.ofSeconds(30);

    /** A refused assertion: the OAuth error and the reason (for the log and the error_description). */
    static final class Refused extends Exception {
        final String error;
        final String clientId;

        Refused(String error, String reason, String clientId) {
            super(reason);
            this.error = error;
            this.clientId = clientId;
        }
    }

    private final ClientRegistry clients;
    private final Clock clock;
    /** jti (per client) -> when its assertion expires; a replay within that time is refused. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    ClientAssertions(ClientRegistry clients, Clock clock) {
        this.clients = clients;
        this.clock = clock;
    }

    /** The registered client that signed this assertion for this token endpoint. */
    RegisteredClient verify(String assertion, String tokenEndpoint) throws Refused {
        String claimedIssuer;
        try {
            claimedIssuer = SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new Refused("invalid_client", "the client assertion is not a signed JWT", null);
        }
        if (claimedIssuer == null) {
            throw new Refused("invalid_client", "the client assertion has no iss", null);
        }
        RegisteredClient client = clients.find(claimedIssuer)
                .orElseThrow(() -> new Refused("invalid_client", "unknown client", claimedIssuer));

        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384), client.keys()));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(tokenEndpoint),
                new JWTClaimsSet.Builder().issuer(client.clientId()).subject(client.clientId()).build(),
                Set.of("exp", "jti"), null) {
            @Override
            protected java.util.Date currentTime() {
                return java.util.Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        JWTClaimsSet verified;
        try {
            verified = processor.process(assertion, null);
        } catch (BadJOSEException e) {
            throw new Refused("invalid_client", describe(e), client.clientId());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new Refused("invalid_client", "the assertion's signature could not be checked", client.clientId());
        } catch (ParseException e) {
            throw new Refused("invalid_client", "the client assertion is not a signed JWT", client.clientId());
        }
        Instant now = clock.instant();
        Instant expires = verified.getExpirationTime().toInstant();
        if (expires.isAfter(now.plus(MAX_LIFETIME).plus(SKEW))) {
            throw new Refused("invalid_client", "the assertion expires more than five minutes ahead", client.clientId());
        }
        forgetExpired(now);
        if (seen.putIfAbsent(client.clientId() + " " + verified.getJWTID(), expires) != null) {
            throw new Refused("invalid_client", "the assertion's jti was used before (replay)", client.clientId());
        }
        return client;
    }

    private void forgetExpired(Instant now) {
        Instant horizon = now.minus(SKEW);
        seen.values().removeIf(expiry -> expiry.isBefore(horizon));
    }

    /** nimbus' reason, reduced to what a hospital's engineer needs (it names claims, never their secrets). */
    private static String describe(BadJOSEException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("Expired")) {
            return "the assertion has expired";
        }
        if (message.contains(" aud ") || message.contains("audience")) { // "JWT aud claim rejected", "JWT missing required aud claim"
            return "the assertion's aud is not this token endpoint";
        }
        if (message.contains("iss claim") || message.contains("sub claim")) {
            return "iss and sub must both be the client_id";
        }
        if (message.contains("missing required claims")) {
            return "the assertion lacks exp or jti";
        }
        if (message.contains("signature") || message.contains("key") || message.contains("JWS")) {
            return "the assertion's signature does not match a registered key of this client (RS384 or ES384)";
        }
        return "the assertion was refused";
    }
}

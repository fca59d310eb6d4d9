package org.safeharbor.auth.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.safeharbor.auth.AccessTokens;
import org.safeharbor.auth.Caller;

/**
 * Issues and verifies the adapter's access tokens: JWTs (RFC 9068 {@code at+jwt}) signed ES256 with
 * a key the adapter generates on first start and keeps in a file readable by its user only, so tokens
 * survive a restart. A token bound to a TLS client certificate carries its thumbprint ({@code cnf},
 * RFC 8705) and is valid only on a connection presenting it. A client removed from the registry
 * loses its tokens at once.
 *
 * <p>A token's signature and fixed claims (issuer, audience, type) are checked once: the claims are then kept by token
 * until the token expires, since every submission a hospital makes carries the same token and the ES256 check costs
 * about 1.5 ms of CPU (AccessTokenBenchmark). What can change while a token lives is checked on every request: its expiry on this
 * adapter's clock, the client's registration and scopes, the certificate binding.
 */
final class TokenIssuer implements AccessTokens {

    private final ECKey signingKey;
    private final String issuer;
    private final String audience;
    private final Duration lifetime;
    private final ClientRegistry clients;
    private final Clock clock;
    private final DefaultJWTProcessor<SecurityContext> verifier = new DefaultJWTProcessor<>();
    /** Claims of tokens whose signature verified, by the token itself; never a refused token. */
    private final Cache<String, JWTClaimsSet> verified;

    TokenIssuer(ECKey signingKey, String issuer, Duration lifetime, ClientRegistry clients, Clock clock) {
        this.signingKey = signingKey;
        this.issuer = issuer;
        this.audience = issuer + "/fhir";
        this.lifetime = lifetime;
        this.clients = clients;
        this.clock = clock;
        // a live token per client and lifetime, a few per hospital: the bound only stops a client that asks for a
        // token per request from growing the cache
        this.verified = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(lifetime).build();
        verifier.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        verifier.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(new JWKSet(signingKey.toPublicJWK()))));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "scope", "jti"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(0);
        verifier.setJWTClaimsSetVerifier(claims);
    }

    /** The signing key in {@code file}, made (EC P-256) and written readable by this user only if absent. */
    static ECKey signingKey(Path file) throws IOException {
        if (Files.exists(file)) {
            try {
                return ECKey.parse(Files.readString(file));
            } catch (ParseException e) {
                throw new IOException("the token signing key " + file + " is not an EC JWK", e);
            }
        }
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, key.toJSONString());
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    Duration lifetime() {
        return lifetime;
    }

    /** A new access token for this client with these (already granted) scopes. */
    String issue(RegisteredClient client, List<String> scopes, X509Certificate boundTo) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject(client.clientId()).audience(audience)
                .claim("client_id", client.clientId()).claim("scope", String.join(" ", scopes))
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)));
        if (boundTo != null) {
            claims.claim("cnf", Map.of("x5t#S256", thumbprint(boundTo)));
        }
        try {
            SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID())
                    .type(new JOSEObjectType("at+jwt")).build(), claims.build());
            token.sign(new ECDSASigner(signingKey));
            return token.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
    }

    @Override
    public Caller verify(String token, X509Certificate clientCertificate) throws Refused {
        JWTClaimsSet claims = verified.getIfPresent(token);
        if (claims == null) {
            claims = verifySignature(token);
            verified.put(token, claims);
        } else if (!clock.instant().isBefore(claims.getExpirationTime().toInstant())) {
            // as the claims verifier decides it: valid while now is before exp, no skew
            verified.invalidate(token);
            throw new Refused("the access token has expired", null);
        }
        String clientId = claims.getSubject();
        RegisteredClient client = clients.find(clientId)
                .orElseThrow(() -> new Refused("the client is no longer registered", clientId));
        Object cnf = claims.getClaim("cnf");
        if (cnf instanceof Map<?, ?> confirmation && confirmation.get("x5t#S256") != null) {
            if (clientCertificate == null || !confirmation.get("x5t#S256").equals(thumbprint(clientCertificate))) {
                throw new Refused("the access token is bound to a TLS client certificate this connection did not present", clientId);
            }
        }
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(String.valueOf(claims.getClaim("scope")).split(" ")));
        // a scope withdrawn from the registration is withdrawn from its live tokens too
        scopes.retainAll(client.scopes());
        return new Caller(clientId, client.kind(), scopes, client.sourceEndpoints());
    }

    /** The token's signature, type, issuer, audience, required claims and expiry, checked by nimbus. */
    private JWTClaimsSet verifySignature(String token) throws Refused {
        try {
            return verifier.process(token, null);
        } catch (BadJOSEException e) {
            String message = String.valueOf(e.getMessage());
            throw new Refused(message.contains("Expired") ? "the access token has expired" : "the access token is not valid", null);
        } catch (JOSEException | ParseException e) {
            throw new Refused("the access token is not valid", null);
        }
    }

    /** The certificate's SHA-256 thumbprint, base64url, as {@code x5t#S256}. */
    static String thumbprint(X509Certificate certificate) {
        try {
            return Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())).toString();
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

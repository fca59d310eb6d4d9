package org.safeharbor.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.auth.AccessTokens.Refused;
import org.safeharbor.auth.Caller;
import org.safeharbor.client.SmartBackendClient;

/** The adapter's access tokens: issued ES256 at+jwt, verified back to the caller, refused when they should be. */
class TokenIssuerTest {

    private static final String BASE = "https://adapter.example:8443";
    private static final String SUBMIT = SmartBackendClient.SCOPE_SUBMIT;
    private static final String READ = SmartBackendClient.SCOPE_READ_TASKS;

    @TempDir
    Path work;
    Path clients;
    ClientRegistry registry;
    TestClock clock;
    ECKey signingKey;
    TokenIssuer issuer;
    RegisteredClient stMarys;

    @BeforeEach
    void setUp() throws Exception {
        clients = Files.createDirectories(work.resolve("clients"));
        JWK key = SmartBackendClient.generateKey("ES384");
        Files.writeString(clients.resolve("st-marys.json"), SmartBackendClient.registration("st-marys", "St Mary's", key,
                List.of(SUBMIT, READ), List.of("https://ehr.st-marys.example/fhir")));
        registry = new ClientRegistry(clients);
        registry.refresh();
        stMarys = registry.find("st-marys").orElseThrow();
        clock = new TestClock(Instant.parse("2025-06-01T10:00:00Z"));
        signingKey = TokenIssuer.signingKey(work.resolve("token-signing-key.json"));
        issuer = new TokenIssuer(signingKey, BASE, Duration.ofMinutes(5), registry, clock);
    }

    @Test
    void aTokenVerifiesToItsClientAndScopes() throws Exception {
        String token = issuer.issue(stMarys, List.of(SUBMIT), null);
        Caller caller = issuer.verify(token, null);
        assertEquals("st-marys", caller.clientId());
        assertEquals("hospital", caller.kind());
        assertEquals(Set.of(SUBMIT), caller.scopes());
        assertEquals(Set.of("https://ehr.st-marys.example/fhir"), caller.sourceEndpoints());

        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals("at+jwt", jwt.getHeader().getType().getType());
        assertEquals("ES256", jwt.getHeader().getAlgorithm().getName());
        assertEquals(List.of(BASE + "/fhir"), jwt.getJWTClaimsSet().getAudience());
        assertEquals(BASE, jwt.getJWTClaimsSet().getIssuer());
        assertEquals(Duration.ofMinutes(5), Duration.between(jwt.getJWTClaimsSet().getIssueTime().toInstant(),
                jwt.getJWTClaimsSet().getExpirationTime().toInstant()));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String token = issuer.issue(stMarys, List.of(SUBMIT, READ), null);
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertEquals("st-marys", issuer.verify(token, null).clientId());
        clock.advance(Duration.ofSeconds(2));
        Refused refused = assertThrows(Refused.class, () -> issuer.verify(token, null));
        assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
    }

    @Test
    void aTamperedTokenIsRefused() throws Exception {
        String token = issuer.issue(stMarys, List.of(SUBMIT), null);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String widened = payload.replace("\"" + SUBMIT + "\"", "\"" + SUBMIT + " " + READ + "\"");
        assertNotEquals(payload, widened);
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(widened.getBytes()) + "." + parts[2];
        // the genuine token verified first, so its claims are kept: a forgery of it is still checked, and refused
        assertEquals(Set.of(SUBMIT), issuer.verify(token, null).scopes());
        assertThrows(Refused.class, () -> issuer.verify(tampered, null));
        assertThrows(Refused.class, () -> issuer.verify(token.substring(0, token.length() - 4) + "AAAA", null));
        assertThrows(Refused.class, () -> issuer.verify("not a token", null));
        assertThrows(Refused.class, () -> issuer.verify(parts[0] + "." + parts[1] + ".", null), "no signature");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        TokenIssuer other = new TokenIssuer(TokenIssuer.signingKey(work.resolve("other-key.json")), BASE, Duration.ofMinutes(5),
                registry, clock);
        String token = other.issue(stMarys, List.of(SUBMIT), null);
        assertThrows(Refused.class, () -> issuer.verify(token, null));
    }

    @Test
    void aTokenForAnotherAdapterIsRefused() throws Exception {
        TokenIssuer elsewhere = new TokenIssuer(signingKey, "https://other.example", Duration.ofMinutes(5), registry, clock);
        String token = elsewhere.issue(stMarys, List.of(SUBMIT), null);
        assertThrows(Refused.class, () -> issuer.verify(token, null), "iss and aud are this adapter's");
    }

    @Test
    void aClientAssertionIsNotAnAccessToken() throws Exception {
        String assertion = SmartBackendClient.assertion("st-marys", BASE + "/fhir", SmartBackendClient.generateKey("ES384"),
                Duration.ofMinutes(4));
        assertThrows(Refused.class, () -> issuer.verify(assertion, null));
    }

    @Test
    void aTokenOfARemovedClientIsRefused() throws Exception {
        String token = issuer.issue(stMarys, List.of(SUBMIT), null);
        assertEquals("st-marys", issuer.verify(token, null).clientId());
        Files.delete(clients.resolve("st-marys.json"));
        registry.refresh();
        Refused refused = assertThrows(Refused.class, () -> issuer.verify(token, null));
        assertEquals("st-marys", refused.clientId());
        assertTrue(refused.getMessage().contains("no longer registered"), refused.getMessage());
    }

    @Test
    void aScopeWithdrawnFromTheRegistrationIsWithdrawnFromLiveTokens() throws Exception {
        String token = issuer.issue(stMarys, List.of(SUBMIT, READ), null);
        Path file = clients.resolve("st-marys.json");
        String json = Files.readString(file);
        Files.writeString(file, json.replace("\"" + READ + "\"", "\"system/Other.r\"").replace("\"" + SUBMIT + "\",", ""));
        registry.refresh();
        assertEquals(Set.of(), issuer.verify(token, null).scopes());
    }

    @Test
    void aTokenBoundToACertificateIsRefusedWithoutThatCertificate() throws Exception {
        KeyPair keys = TestTls.keyPair();
        X509Certificate certificate = TestTls.selfSigned(keys, "st-marys");
        X509Certificate another = TestTls.selfSigned(keys, "st-marys");
        String token = issuer.issue(stMarys, List.of(SUBMIT), certificate);
        assertEquals(TokenIssuer.thumbprint(certificate),
                ((java.util.Map<?, ?>) SignedJWT.parse(token).getJWTClaimsSet().getClaim("cnf")).get("x5t#S256"));
        assertEquals("st-marys", issuer.verify(token, certificate).clientId());
        Refused refused = assertThrows(Refused.class, () -> issuer.verify(token, null));
        assertTrue(refused.getMessage().contains("certificate"), refused.getMessage());
        assertThrows(Refused.class, () -> issuer.verify(token, another), "another certificate, even with the same key");
    }

    @Test
    void theSigningKeyIsMadeOnceReadableByItsOwnerOnlyAndKeptAcrossRestarts() throws Exception {
        Path file = work.resolve("token-signing-key.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        ECKey again = TokenIssuer.signingKey(file);
        assertEquals(signingKey.toJSONString(), again.toJSONString());
        String token = issuer.issue(stMarys, List.of(SUBMIT), null);
        TokenIssuer restarted = new TokenIssuer(again, BASE, Duration.ofMinutes(5), registry, clock);
        assertEquals("st-marys", restarted.verify(token, null).clientId());
    }
}

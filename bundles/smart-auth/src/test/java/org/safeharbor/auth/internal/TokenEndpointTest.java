package org.safeharbor.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.auth.Caller;
import org.safeharbor.client.SmartBackendClient;
import org.safeharbor.client.SmartBackendClient.Token;
import org.safeharbor.client.SmartBackendClient.TokenRefused;

/**
 * The token endpoint per SMART Backend Services (App Launch 2.x), over real HTTPS on an embedded
 * Jetty, with real signed client assertions made by the hospital-side {@link SmartBackendClient}.
 */
class TokenEndpointTest {

    private static final String SUBMIT = SmartBackendClient.SCOPE_SUBMIT;
    private static final String READ = SmartBackendClient.SCOPE_READ_TASKS;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static AuthServer server;
    /** EC P-384 (ES384): may submit and read its Tasks. */
    static JWK ecKey;
    /** RSA (RS384): may only submit. */
    static JWK rsaKey;
    /** ES384, and must present the server's trusted TLS client certificate. */
    static JWK boundKey;

    @BeforeAll
    static void start() throws Exception {
        server = new AuthServer(work, Clock.systemUTC());
        ecKey = SmartBackendClient.generateKey("ES384");
        rsaKey = SmartBackendClient.generateKey("RS384");
        boundKey = SmartBackendClient.generateKey("ES384");
        server.register("st-marys.json", SmartBackendClient.registration("st-marys", "St Mary's", ecKey,
                List.of(SUBMIT, READ), List.of("https://ehr.st-marys.example/fhir")));
        server.register("county-general.json", SmartBackendClient.registration("county-general", "County General", rsaKey,
                List.of(SUBMIT), List.of("https://ehr.county-general.example/fhir")));
        String bound = SmartBackendClient.registration("mtls-hospital", "Mutual TLS", boundKey, List.of(SUBMIT), List.of())
                .replaceFirst("\\}$", ",\"tls_client_certificate_sha256\":[\"" + TokenIssuer.thumbprint(server.clientCertificate) + "\"]}");
        server.register("mtls-hospital.json", bound);
        assertEquals(List.of(), server.registry.problems());
        assertEquals(3, server.registry.list().size());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void discoveryAdvertisesTheTokenEndpointAndWhatItSupports() throws Exception {
        HttpResponse<String> answer = http().send(HttpRequest.newBuilder(URI.create(server.fhirBase + "/.well-known/smart-configuration"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode config = JSON.readTree(answer.body());
        assertEquals(server.tokenUrl.toString(), config.get("token_endpoint").asText());
        assertEquals(Set.of("private_key_jwt"), strings(config, "token_endpoint_auth_methods_supported"));
        assertEquals(Set.of("RS384", "ES384"), strings(config, "token_endpoint_auth_signing_alg_values_supported"));
        assertEquals(Set.of("client_credentials"), strings(config, "grant_types_supported"));
        assertEquals(Set.of(SUBMIT, org.safeharbor.auth.Scopes.SUBMIT_CUSTODY_NOTICE, READ, org.safeharbor.auth.Scopes.READ_AUDIT),
                strings(config, "scopes_supported"));
        assertTrue(strings(config, "capabilities").contains("client-confidential-asymmetric"));
        // the hospital-side client discovers the same URL
        assertEquals(server.tokenUrl, server.client("st-marys", ecKey).tokenEndpoint());
    }

    @Test
    void es384AssertionGetsATokenWithTheRegisteredSubsetOfTheRequestedScopes() throws Exception {
        Token token = server.client("st-marys", ecKey).token(SUBMIT + " " + READ + " system/Patient.r");
        assertEquals(SUBMIT + " " + READ, token.scope(), "a scope not registered for the client is dropped");
        assertEquals(300, token.expiresIn());
        Caller caller = server.issuer.verify(token.accessToken(), null);
        assertEquals("st-marys", caller.clientId());
        assertEquals(Set.of(SUBMIT, READ), caller.scopes());
        assertEquals(Set.of("https://ehr.st-marys.example/fhir"), caller.sourceEndpoints());
        assertEquals("hospital", caller.kind());
    }

    @Test
    void rs384AssertionGetsATokenWithTheRegisteredSubsetOfTheRequestedScopes() throws Exception {
        Token token = server.client("county-general", rsaKey).token(SUBMIT + " " + READ);
        assertEquals(SUBMIT, token.scope());
        assertEquals(300, token.expiresIn());
        assertEquals(Set.of(SUBMIT), server.issuer.verify(token.accessToken(), null).scopes());
    }

    @Test
    void tokenResponseIsNotCachedAndIsABearerToken() throws Exception {
        String assertion = SmartBackendClient.assertion("st-marys", server.tokenUrl.toString(), ecKey, Duration.ofMinutes(4));
        HttpResponse<String> answer = post(form("client_credentials", SUBMIT, SmartBackendClient.JWT_BEARER, assertion));
        assertEquals(200, answer.statusCode());
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
        JsonNode body = JSON.readTree(answer.body());
        assertEquals("bearer", body.get("token_type").asText().toLowerCase());
        assertEquals(300, body.get("expires_in").asInt());
    }

    @Test
    void unknownClientIsRefused() throws Exception {
        JWK key = SmartBackendClient.generateKey("ES384");
        TokenRefused refused = assertThrows(TokenRefused.class, () -> server.client("nobody", key).token(SUBMIT));
        assertInvalidClient(refused);
    }

    @Test
    void everyTokenIssuedOrRefusedIsInTheAuditTrail() throws Exception {
        server.client("st-marys", ecKey).token(SUBMIT + " " + READ);
        org.safeharbor.store.AuditEntry issued = lastAudit("st-marys");
        assertEquals(org.safeharbor.store.AuditEntry.Kind.TOKEN, issued.kind());
        assertEquals(org.safeharbor.store.AuditEntry.Outcome.SUCCESS, issued.outcome());
        assertEquals(org.safeharbor.store.AuditEntry.Actor.Type.CLIENT, issued.actor().type());
        assertEquals("127.0.0.1", issued.actor().address());
        assertTrue(issued.details().get("scopes").contains(SUBMIT), issued.details().toString());

        assertThrows(TokenRefused.class, () -> server.client("nobody-at-all", SmartBackendClient.generateKey("ES384")).token(SUBMIT));
        org.safeharbor.store.AuditEntry refused = lastAudit("nobody-at-all");
        assertEquals(org.safeharbor.store.AuditEntry.Outcome.MINOR_FAILURE, refused.outcome());
        assertEquals(org.safeharbor.store.AuditEntry.Actor.Type.ANONYMOUS, refused.actor().type(), "it did not prove who it is");
        assertEquals("HTTP 401 invalid_client", refused.outcomeText());
    }

    @Test
    void grantsAndRefusalsAreCountedByRegisteredClientNeverByAClaimedId() throws Exception {
        double before = tokens("county-general", "granted", "none");
        double refusedBefore = tokens(TokenMetrics.UNAUTHENTICATED, "refused", "invalid_client");
        double scopeBefore = tokens("county-general", "refused", "invalid_scope");
        server.client("county-general", rsaKey).token(SUBMIT);
        assertThrows(TokenRefused.class, () -> server.client("claimed-by-a-stranger", SmartBackendClient.generateKey("ES384")).token(SUBMIT));
        assertThrows(TokenRefused.class, () -> server.client("county-general", rsaKey).token("system/Patient.r"));

        assertEquals(before + 1, tokens("county-general", "granted", "none"));
        assertEquals(refusedBefore + 1, tokens(TokenMetrics.UNAUTHENTICATED, "refused", "invalid_client"),
                "an unknown client is counted without the id it claimed");
        assertEquals(scopeBefore + 1, tokens("county-general", "refused", "invalid_scope"), "a registered client's refusal names it");
        String scraped = server.meters.scrape();
        assertTrue(scraped.contains("safeharbor_tokens_total{client=\"county-general\",error=\"none\",outcome=\"granted\"}"), scraped);
        assertFalse(scraped.contains("claimed-by-a-stranger"), "a claimed id is no label: " + scraped);
    }

    private static double tokens(String client, String outcome, String error) {
        io.micrometer.core.instrument.Counter counter = server.meters.find(TokenMetrics.TOKENS).tag("client", client).tag("outcome", outcome)
                .tag("error", error).counter();
        return counter == null ? 0 : counter.count();
    }

    private static org.safeharbor.store.AuditEntry lastAudit(String actorId) {
        List<org.safeharbor.store.AuditEntry> of = server.audit.stream().filter(e -> e.actor().id().equals(actorId)).toList();
        assertTrue(!of.isEmpty(), "nothing recorded for " + actorId + ": " + server.audit);
        return of.get(of.size() - 1);
    }

    @Test
    void assertionSignedByAnotherKeyIsRefused() throws Exception {
        assertSignatureRefused("st-marys", SmartBackendClient.generateKey("ES384"));
    }

    @Test
    void assertionSignedByAnotherKeyWithTheRegisteredKeyIdIsRefused() throws Exception {
        assertSignatureRefused("st-marys", new ECKeyGenerator(Curve.P_384).keyID(ecKey.getKeyID()).generate());
    }

    @Test
    void assertionOfAnotherAlgorithmThanTheRegisteredKeyIsRefused() throws Exception {
        // county-general registered an RSA key; an EC-signed assertion claiming to be county-general fails
        assertSignatureRefused("county-general", SmartBackendClient.generateKey("ES384"));
    }

    @Test
    void expiredAssertionIsRefused() throws Exception {
        Instant now = Instant.now();
        assertRefused(401, "invalid_client", SmartBackendClient.sign(claims("st-marys", "st-marys", server.tokenUrl.toString())
                .issueTime(Date.from(now.minusSeconds(300))).expirationTime(Date.from(now.minusSeconds(120))).build(), ecKey),
                "expired");
    }

    @Test
    void assertionExpiringMoreThanFiveMinutesAheadIsRefused() throws Exception {
        Instant now = Instant.now();
        assertRefused(401, "invalid_client", SmartBackendClient.sign(claims("st-marys", "st-marys", server.tokenUrl.toString())
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).build(), ecKey), "five minutes");
    }

    @Test
    void assertionWithoutExpIsRefused() throws Exception {
        assertRefused(401, "invalid_client", SmartBackendClient.sign(new JWTClaimsSet.Builder().issuer("st-marys")
                .subject("st-marys").audience(server.tokenUrl.toString()).jwtID(UUID.randomUUID().toString()).build(), ecKey),
                "exp");
    }

    @Test
    void replayedAssertionIsRefusedOnTheSecondUse() throws Exception {
        SmartBackendClient client = server.client("st-marys", ecKey);
        String assertion = SmartBackendClient.assertion("st-marys", server.tokenUrl.toString(), ecKey, Duration.ofMinutes(4));
        assertEquals(SUBMIT, client.token(server.tokenUrl, SUBMIT, assertion).scope());
        TokenRefused refused = assertThrows(TokenRefused.class, () -> client.token(server.tokenUrl, SUBMIT, assertion));
        assertInvalidClient(refused);
        assertTrue(refused.getMessage().contains("replay"), refused.getMessage());
    }

    @Test
    void sameJtiFromAnotherClientIsNotAReplay() throws Exception {
        String jti = UUID.randomUUID().toString();
        Instant exp = Instant.now().plusSeconds(240);
        String a = SmartBackendClient.sign(new JWTClaimsSet.Builder().issuer("st-marys").subject("st-marys")
                .audience(server.tokenUrl.toString()).jwtID(jti).expirationTime(Date.from(exp)).build(), ecKey);
        String b = SmartBackendClient.sign(new JWTClaimsSet.Builder().issuer("county-general").subject("county-general")
                .audience(server.tokenUrl.toString()).jwtID(jti).expirationTime(Date.from(exp)).build(), rsaKey);
        assertEquals(SUBMIT, server.client("st-marys", ecKey).token(server.tokenUrl, SUBMIT, a).scope());
        assertEquals(SUBMIT, server.client("county-general", rsaKey).token(server.tokenUrl, SUBMIT, b).scope());
    }

    @Test
    void assertionForAnotherAudienceIsRefused() throws Exception {
        for (String audience : List.of(server.fhirBase.toString(), server.base + "/auth/token/other", "https://other.example/auth/token")) {
            assertRefused(401, "invalid_client", SmartBackendClient.assertion("st-marys", audience, ecKey, Duration.ofMinutes(4)), "aud");
        }
    }

    @Test
    void assertionWhoseIssuerIsNotItsSubjectIsRefused() throws Exception {
        assertRefused(401, "invalid_client", SmartBackendClient.sign(claims("st-marys", "county-general", server.tokenUrl.toString())
                .build(), ecKey), "iss and sub");
    }

    @Test
    void assertionWithoutJtiIsRefused() throws Exception {
        assertRefused(401, "invalid_client", SmartBackendClient.sign(new JWTClaimsSet.Builder().issuer("st-marys")
                .subject("st-marys").audience(server.tokenUrl.toString())
                .expirationTime(Date.from(Instant.now().plusSeconds(240))).build(), ecKey), "jti");
    }

    @Test
    void somethingThatIsNotAJwtIsRefused() throws Exception {
        assertRefused(401, "invalid_client", "not-a-jwt", "not a signed JWT");
        // an unsecured JWT (alg none) is not a signed one
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"iss\":\"st-marys\",\"sub\":\"st-marys\",\"aud\":\""
                + server.tokenUrl + "\",\"jti\":\"x\",\"exp\":" + (Instant.now().getEpochSecond() + 200) + "}").getBytes());
        assertRefused(401, "invalid_client", header + "." + payload + ".", "not a signed JWT");
    }

    @Test
    void noneOfTheRequestedScopesRegisteredIsInvalidScope() throws Exception {
        TokenRefused refused = assertThrows(TokenRefused.class, () -> server.client("county-general", rsaKey).token(READ + " system/Patient.r"));
        assertEquals(400, refused.status());
        assertEquals("invalid_scope", refused.error());
    }

    @Test
    void wrongGrantTypeIsUnsupportedGrantType() throws Exception {
        String assertion = SmartBackendClient.assertion("st-marys", server.tokenUrl.toString(), ecKey, Duration.ofMinutes(4));
        HttpResponse<String> answer = post(form("authorization_code", SUBMIT, SmartBackendClient.JWT_BEARER, assertion));
        assertEquals(400, answer.statusCode());
        assertEquals("unsupported_grant_type", JSON.readTree(answer.body()).get("error").asText());
        answer = post(form(null, SUBMIT, SmartBackendClient.JWT_BEARER, assertion));
        assertEquals(400, answer.statusCode());
        assertEquals("unsupported_grant_type", JSON.readTree(answer.body()).get("error").asText());
    }

    @Test
    void wrongClientAssertionTypeIsInvalidRequest() throws Exception {
        String assertion = SmartBackendClient.assertion("st-marys", server.tokenUrl.toString(), ecKey, Duration.ofMinutes(4));
        HttpResponse<String> answer = post(form("client_credentials", SUBMIT, "urn:ietf:params:oauth:client-assertion-type:saml2-bearer", assertion));
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_request", JSON.readTree(answer.body()).get("error").asText());
        answer = post(form("client_credentials", SUBMIT, SmartBackendClient.JWT_BEARER, null));
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_request", JSON.readTree(answer.body()).get("error").asText());
    }

    @Test
    void aJsonBodyIsInvalidRequest() throws Exception {
        HttpResponse<String> answer = http().send(HttpRequest.newBuilder(server.tokenUrl).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, answer.statusCode());
        assertEquals("invalid_request", JSON.readTree(answer.body()).get("error").asText());
    }

    @Test
    void certificateBoundClientGetsATokenOnlyWithItsCertificate() throws Exception {
        TokenRefused refused = assertThrows(TokenRefused.class, () -> server.client("mtls-hospital", boundKey).token(SUBMIT));
        assertInvalidClient(refused);
        assertTrue(refused.getMessage().contains("certificate"), refused.getMessage());

        Token token = server.clientWithCertificate("mtls-hospital", boundKey).token(SUBMIT);
        assertEquals(SUBMIT, token.scope());
        assertEquals("mtls-hospital", server.issuer.verify(token.accessToken(), server.clientCertificate).clientId());
        assertThrows(org.safeharbor.auth.AccessTokens.Refused.class, () -> server.issuer.verify(token.accessToken(), null),
                "the token is bound to the certificate it was issued over");
    }

    @Test
    void refusalLogNamesTheClientAndTheReasonButNeverTheAssertion() throws Exception {
        JWK stranger = SmartBackendClient.generateKey("ES384");
        String assertion = SmartBackendClient.assertion("st-marys", server.tokenUrl.toString(), stranger, Duration.ofMinutes(4));
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> answer;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            answer = post(form("client_credentials", SUBMIT, SmartBackendClient.JWT_BEARER, assertion));
        } finally {
            System.setErr(original);
        }
        assertEquals(401, answer.statusCode());
        assertFalse(answer.body().contains(assertion));
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        String line = log.lines().filter(l -> l.contains("WARN") && l.contains("TokenEndpoint")).findFirst()
                .orElseThrow(() -> new AssertionError("no WARN line from the token endpoint in: " + log));
        assertTrue(line.contains("st-marys"), line);
        assertTrue(line.contains("signature"), line);
        assertFalse(log.contains(assertion), "the assertion must never be logged");
        for (String part : assertion.split("\\.")) {
            assertFalse(log.contains(part), "no part of the assertion may be logged");
        }
    }

    private static void assertRefused(int status, String error, String assertion, String reason) throws Exception {
        TokenRefused refused = assertThrows(TokenRefused.class,
                () -> server.client("st-marys", ecKey).token(server.tokenUrl, SUBMIT, assertion));
        assertEquals(status, refused.status(), refused.getMessage());
        assertEquals(error, refused.error(), refused.getMessage());
        assertTrue(refused.getMessage().contains(reason), "reason '" + reason + "' in: " + refused.getMessage());
        assertFalse(refused.getMessage().contains(assertion), "the error_description never repeats the assertion");
    }

    private static void assertSignatureRefused(String clientId, JWK signer) throws Exception {
        assertRefused(401, "invalid_client", SmartBackendClient.assertion(clientId, server.tokenUrl.toString(), signer,
                Duration.ofMinutes(4)), "signature");
    }

    private static void assertInvalidClient(TokenRefused refused) {
        assertEquals(401, refused.status(), refused.getMessage());
        assertEquals("invalid_client", refused.error(), refused.getMessage());
    }

    private static JWTClaimsSet.Builder claims(String issuer, String subject, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(audience).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(240)));
    }

    private static Map<String, String> form(String grantType, String scope, String assertionType, String assertion) {
        Map<String, String> form = new LinkedHashMap<>();
        if (grantType != null) {
            form.put("grant_type", grantType);
        }
        form.put("scope", scope);
        if (assertionType != null) {
            form.put("client_assertion_type", assertionType);
        }
        if (assertion != null) {
            form.put("client_assertion", assertion);
        }
        return form;
    }

    private static HttpResponse<String> post(Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http().send(HttpRequest.newBuilder(server.tokenUrl).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpClient http() throws Exception {
        return HttpClient.newBuilder().sslContext(SmartBackendClient.trusting(server.caPem)).version(HttpClient.Version.HTTP_1_1).build();
    }

    private static Set<String> strings(JsonNode json, String field) {
        Set<String> values = new java.util.LinkedHashSet<>();
        json.get(field).forEach(v -> values.add(v.asText()));
        return values;
    }
}

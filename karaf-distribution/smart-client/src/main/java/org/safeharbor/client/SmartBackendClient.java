package org.safeharbor.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A SMART Backend Services client (HL7 SMART App Launch 2.x, "Backend Services"), as a hospital's
 * EHR runs it: discover the token endpoint at {@code {fhir}/.well-known/smart-configuration}, sign
 * a client assertion with its private key, and trade it for a short-lived access token.
 *
 * <p>Also makes a new client: a key pair and the registration file an operator drops into the
 * adapter's {@code etc/safeharbor/clients/}. The private key never leaves the hospital; the
 * registration holds only the public key.
 */
public final class SmartBackendClient {

    /** The client assertion type of RFC 7523, as SMART Backend Services requires. */
    public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Submit referrals ($process-message, POST /fhir). */
    public static final String SCOPE_SUBMIT = "system/Bundle.c";
    /** Read and search the Tasks of one's own referrals. */
    public static final String SCOPE_READ_TASKS = "system/Task.rs";
    /** Submit law-enforcement custody notices only ($process-message, event custody-notice): a law-enforcement client's. */
    public static final String SCOPE_SUBMIT_CUSTODY_NOTICE = "system/Bundle.c?event=custody-notice";
    /** The kind of a police or juvenile-detention records system's registration. */
    public static final String KIND_LAW_ENFORCEMENT = "law-enforcement";

    /** An access token as the token endpoint answered it. */
    public record Token(String accessToken, String scope, long expiresIn, Instant issuedAt) {
        /** The value of an {@code Authorization} header. */
        public String bearer() {
            return "Bearer " + accessToken;
        }

        /** True once less than {@code margin} of its life is left. */
        public boolean expiresWithin(Duration margin) {
            return Instant.now().plus(margin).isAfter(issuedAt.plusSeconds(expiresIn));
        }
    }

    /** The token endpoint refused: the OAuth {@code error} code and its description. */
    public static final class TokenRefused extends IOException {
        private final int status;
        private final String error;

        TokenRefused(int status, String error, String description) {
            super("token endpoint answered " + status + " " + error + (description == null ? "" : ": " + description));
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }

    private final String clientId;
    private final JWK privateKey;
    private final URI fhirBase;
    private final HttpClient http;
    private volatile URI tokenEndpoint;

    /**
     * @param clientId   the client id the adapter's operator registered
     * @param privateKey the client's private key (a JWK with {@code kid}, RSA for RS384 or EC P-384 for ES384)
     * @param fhirBase   the adapter's FHIR base, e.g. {@code https://localhost:8443/fhir}
     * @param tls        trusts the adapter's certificate (see {@link #trusting(Path)})
     */
    public SmartBackendClient(String clientId, JWK privateKey, URI fhirBase, SSLContext tls) {
        this.clientId = clientId;
        this.privateKey = privateKey;
        this.fhirBase = URI.create(fhirBase.toString().replaceAll("/+$", ""));
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public String clientId() {
        return clientId;
    }

    /** The token endpoint, as the adapter's {@code .well-known/smart-configuration} advertises it. */
    public URI tokenEndpoint() throws IOException, InterruptedException {
        if (tokenEndpoint == null) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(fhirBase + "/.well-known/smart-configuration"))
                    .timeout(Duration.ofSeconds(30)).header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("smart-configuration answered HTTP " + answer.statusCode());
            }
            tokenEndpoint = URI.create(String.valueOf(parse(answer.body()).get("token_endpoint")));
        }
        return tokenEndpoint;
    }

    /** Requests an access token for these scopes (space-separated, e.g. {@code system/Bundle.c system/Task.rs}). */
    public Token token(String scope) throws IOException, InterruptedException {
        URI endpoint = tokenEndpoint();
        String assertion = assertion(clientId, endpoint.toString(), privateKey, Duration.ofMinutes(4));
        return token(endpoint, scope, assertion);
    }

    /** Posts a given client assertion to the token endpoint (tests send invalid ones this way). */
    public Token token(URI endpoint, String scope, String assertion) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("scope", scope);
        form.put("client_assertion_type", JWT_BEARER);
        form.put("client_assertion", assertion);
        String body = String.join("&", form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> json = parse(answer.body());
        if (answer.statusCode() != 200) {
            throw new TokenRefused(answer.statusCode(), String.valueOf(json.get("error")), (String) json.get("error_description"));
        }
        return new Token((String) json.get("access_token"), (String) json.get("scope"),
                ((Number) json.get("expires_in")).longValue(), Instant.now());
    }

    /**
     * A signed client assertion: iss = sub = client id, aud = the token endpoint, a fresh {@code jti},
     * expiring {@code lifetime} from now (SMART allows at most five minutes).
     */
    public static String assertion(String clientId, String audience, JWK privateKey, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .build();
        return sign(claims, privateKey);
    }

    /** Signs any claims with the key's SMART algorithm (RS384 for RSA, ES384 for EC). */
    public static String sign(JWTClaimsSet claims, JWK privateKey) {
        JWSAlgorithm alg = privateKey.getKeyType().getValue().equals("EC") ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(privateKey.getKeyID())
                    .type(com.nimbusds.jose.JOSEObjectType.JWT).build(), claims);
            jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(privateKey, alg));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** A new key pair: EC P-384 (ES384, the default) or RSA 3072 (RS384). */
    public static JWK generateKey(String algorithm) {
        try {
            String kid = UUID.randomUUID().toString();
            return "RS384".equals(algorithm)
                    ? new RSAKeyGenerator(3072).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS384).generate()
                    : new ECKeyGenerator(Curve.P_384).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES384).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The registration file of a client, as the adapter reads it from {@code etc/safeharbor/clients/}:
     * its public key only.
     */
    public static String registration(String clientId, String name, JWK key, List<String> scopes, List<String> sourceEndpoints) {
        return registration(clientId, name, "hospital", key, scopes, sourceEndpoints);
    }

    /** The registration file of a client of this kind ({@code hospital}, {@value #KIND_LAW_ENFORCEMENT}, {@code auditor}). */
    public static String registration(String clientId, String name, String kind, JWK key, List<String> scopes,
                                      List<String> sourceEndpoints) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_id", clientId);
        client.put("name", name);
        client.put("kind", kind);
        client.put("jwks", new JWKSet(key.toPublicJWK()).toJSONObject(true));
        client.put("scopes", scopes);
        client.put("source_endpoints", sourceEndpoints);
        return JSONObjectUtils.toJSONString(client);
    }

    /** A TLS context that trusts the certificates (PEM) in this file, e.g. the adapter's {@code etc/safeharbor/tls/ca.crt}. */
    public static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the CA certificate " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** Reads a private key written by {@code safeharbor-client keygen} (a JWK). */
    public static JWK readKey(Path file) throws IOException {
        try {
            return JWK.parse(Files.readString(file));
        } catch (java.text.ParseException e) {
            throw new IOException("not a JWK: " + file, e);
        }
    }

    private static Map<String, Object> parse(String json) throws IOException {
        try {
            return JSONObjectUtils.parse(json);
        } catch (java.text.ParseException e) {
            throw new IOException("not a JSON object from the adapter", e);
        }
    }
}

package org.safeharbor.auth.internal;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.safeharbor.auth.RateLimiter;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint ({@code POST /auth/token}) of SMART Backend Services: a
 * {@code client_credentials} grant authenticated by a signed client assertion
 * ({@code private_key_jwt}); answers an access token with the granted subset of the requested
 * scopes, or an OAuth 2.0 error (RFC 6749 §5.2): {@code invalid_client} 401 for an assertion that
 * fails, 400 for the rest. The log line names the client id and the reason, never the assertion.
 *
 * <p>Each calling address may ask {@code tokenRequestsPerMinute} times a minute (a token lives five minutes, so a
 * hospital asks about once in five): beyond that the answer is 429 with {@code Retry-After}, before the assertion is
 * read. The limit is per address, not per client id: the client is not known until its signature has been checked,
 * which is the work the limit spares, and a limit on the client id an assertion claims would let anyone use up a
 * hospital's budget by claiming its id.
 *
 * <p>Every token issued or refused is recorded in the audit trail ({@link AuditLog}): the client id (as claimed, when
 * the assertion did not verify), the calling address, the scopes granted or the OAuth error. A request refused for its
 * rate is not: that is the work the limit spares.
 */
final class TokenEndpoint extends HttpServlet {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** A token request is a few KiB; anything far larger is not one. */
    static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient ClientAssertions assertions;
    private final transient TokenIssuer issuer;
    private final String tokenUrl;
    private final transient RateLimiter limiter;
    private final transient AuditLog audit;
    private final transient TokenMetrics metrics;

    TokenEndpoint(ClientAssertions assertions, TokenIssuer issuer, String tokenUrl, RateLimiter limiter, AuditLog audit,
                  TokenMetrics metrics) {
        this.metrics = metrics;
        this.assertions = assertions;
        this.issuer = issuer;
        this.tokenUrl = tokenUrl;
        this.limiter = limiter;
        this.audit = audit;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        long wait = limiter.acquire(request.getRemoteAddr());
        if (wait > 0) {
            LOG.warn("Token request refused: more than the allowed token requests a minute from one address");
            response.setHeader("Retry-After", Long.toString(wait));
            metrics.refused(null, "slow_down");
            write(response, 429, Map.of("error", "slow_down", "error_description",
                    "too many token requests from this address: retry after " + wait + " s (a token lasts " + issuer.lifetime().toSeconds() + " s)"));
            return;
        }
        if (request.getContentLengthLong() > MAX_REQUEST_BYTES) {
            error(request, response, 400, "invalid_request", "the token request is too large", null, false);
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            error(request, response, 400, "invalid_request", "send application/x-www-form-urlencoded", null, false);
            return;
        }
        // read by hand, at most the bound: a chunked body declares no length, and the container's form parser would take 200 KB
        byte[] body = request.getInputStream().readNBytes(MAX_REQUEST_BYTES + 1);
        if (body.length > MAX_REQUEST_BYTES) {
            error(request, response, 400, "invalid_request", "the token request is too large", null, false);
            return;
        }
        Map<String, String> form;
        try {
            form = form(new String(body, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException malformed) {
            error(request, response, 400, "invalid_request", "the body is not application/x-www-form-urlencoded", null, false);
            return;
        }
        if (!"client_credentials".equals(form.get("grant_type"))) {
            error(request, response, 400, "unsupported_grant_type", "only client_credentials is supported", null, false);
            return;
        }
        if (!JWT_BEARER.equals(form.get("client_assertion_type")) || form.get("client_assertion") == null) {
            error(request, response, 400, "invalid_request", "client_assertion_type must be " + JWT_BEARER + " with a client_assertion", null, false);
            return;
        }
        X509Certificate certificate = certificate(request);
        RegisteredClient client;
        try {
            client = assertions.verify(form.get("client_assertion"), tokenUrl);
        } catch (ClientAssertions.Refused refused) {
            error(request, response, 401, refused.error, refused.getMessage(), refused.clientId, false);
            return;
        }
        if (!client.certificateThumbprints().isEmpty()
                && (certificate == null || !client.certificateThumbprints().contains(TokenIssuer.thumbprint(certificate)))) {
            error(request, response, 401, "invalid_client", "this client must present its registered TLS client certificate", client.clientId(), false);
            return;
        }
        String requested = form.get("scope");
        if (requested == null || requested.isBlank()) {
            error(request, response, 400, "invalid_scope", "request at least one scope", client.clientId(), true);
            return;
        }
        List<String> granted = new ArrayList<>();
        for (String scope : requested.trim().split("\\s+")) {
            if (client.scopes().contains(scope) && !granted.contains(scope)) {
                granted.add(scope);
            }
        }
        if (granted.isEmpty()) {
            error(request, response, 400, "invalid_scope", "none of the requested scopes is registered for this client", client.clientId(), true);
            return;
        }
        String token = issuer.issue(client, granted, client.certificateThumbprints().isEmpty() ? null : certificate);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token);
        answer.put("token_type", "bearer");
        answer.put("expires_in", issuer.lifetime().toSeconds());
        answer.put("scope", String.join(" ", granted));
        LOG.info("Token issued to client {} for scopes {}", client.clientId(), granted);
        metrics.granted(client.clientId());
        record(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.client(client.clientId(), request.getRemoteAddr()))
                .object(client.clientId()).detail("scopes", String.join(" ", granted))
                .detail("lifetime-seconds", issuer.lifetime().toSeconds()).build());
        write(response, 200, answer);
    }

    /**
     * The parameters of an {@code application/x-www-form-urlencoded} body (the first value of each name, as
     * {@code getParameter} gives); {@link IllegalArgumentException} for a malformed escape.
     */
    static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    private static X509Certificate certificate(HttpServletRequest request) {
        Object chain = request.getAttribute("jakarta.servlet.request.X509Certificate");
        return chain instanceof X509Certificate[] certificates && certificates.length > 0 ? certificates[0] : null;
    }

    /**
     * Answers an OAuth error, and records the refusal: for an {@code authenticated} client under its id, otherwise as
     * a caller that did not authenticate, with the client id it claimed, if any.
     */
    private void error(HttpServletRequest request, HttpServletResponse response, int status, String error, String description,
                       String clientId, boolean authenticated) throws IOException {
        LOG.warn("Token refused{}: {} ({})", clientId == null ? "" : " to client " + clientId, error, description);
        metrics.refused(authenticated ? clientId : null, error);
        record(AuditEntry.of(AuditEntry.Kind.TOKEN, authenticated ? AuditEntry.Actor.client(clientId, request.getRemoteAddr())
                        : AuditEntry.Actor.anonymous(clientId, request.getRemoteAddr()))
                .outcome(AuditEntry.Outcome.MINOR_FAILURE, "HTTP " + status + " " + error).build());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", error);
        answer.put("error_description", description);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"" + error + "\"");
        }
        write(response, status, answer);
    }

    /** Records an audit entry; a failure to record is logged and does not change the answer (the token alone discloses nothing). */
    private void record(AuditEntry entry) {
        try {
            audit.audit(entry);
        } catch (RuntimeException e) {
            LOG.error("Could not record a token {} in the audit trail: {}", entry.outcome() == AuditEntry.Outcome.SUCCESS ? "issued" : "refused",
                    e.getClass().getSimpleName());
        }
    }

    private static void write(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), body);
    }
}

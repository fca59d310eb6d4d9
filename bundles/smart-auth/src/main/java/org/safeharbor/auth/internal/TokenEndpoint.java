package org.safeharbor.auth.internal;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint ({@code POST /auth/token}) of SMART Backend Services: a
 * {@code client_credentials} grant authenticated by a signed client assertion
 * ({@code private_key_jwt}); answers an access token with the granted subset of the requested
 * scopes, or an OAuth 2.0 error (RFC 6749 §5.2): {@code invalid_client} 401 for an assertion that
 * fails, 400 for the rest. The log line names the client id and the reason, never the assertion.
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

    TokenEndpoint(ClientAssertions assertions, TokenIssuer issuer, String tokenUrl) {
        this.assertions = assertions;
        this.issuer = issuer;
        this.tokenUrl = tokenUrl;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        if (request.getContentLengthLong() > MAX_REQUEST_BYTES) {
            error(response, 400, "invalid_request", "the token request is too large", null);
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            error(response, 400, "invalid_request", "send application/x-www-form-urlencoded", null);
            return;
        }
        if (!"client_credentials".equals(request.getParameter("grant_type"))) {
            error(response, 400, "unsupported_grant_type", "only client_credentials is supported", null);
            return;
        }
        if (!JWT_BEARER.equals(request.getParameter("client_assertion_type")) || request.getParameter("client_assertion") == null) {
            error(response, 400, "invalid_request", "client_assertion_type must be " + JWT_BEARER + " with a client_assertion", null);
            return;
        }
        X509Certificate certificate = certificate(request);
        RegisteredClient client;
        try {
            client = assertions.verify(request.getParameter("client_assertion"), tokenUrl);
        } catch (ClientAssertions.Refused refused) {
            error(response, 401, refused.error, refused.getMessage(), refused.clientId);
            return;
        }
        if (!client.certificateThumbprints().isEmpty()
                && (certificate == null || !client.certificateThumbprints().contains(TokenIssuer.thumbprint(certificate)))) {
            error(response, 401, "invalid_client", "this client must present its registered TLS client certificate", client.clientId());
            return;
        }
        String requested = request.getParameter("scope");
        if (requested == null || requested.isBlank()) {
            error(response, 400, "invalid_scope", "request at least one scope", client.clientId());
            return;
        }
        List<String> granted = new ArrayList<>();
        for (String scope : requested.trim().split("\\s+")) {
            if (client.scopes().contains(scope) && !granted.contains(scope)) {
                granted.add(scope);
            }
        }
        if (granted.isEmpty()) {
            error(response, 400, "invalid_scope", "none of the requested scopes is registered for this client", client.clientId());
            return;
        }
        String token = issuer.issue(client, granted, client.certificateThumbprints().isEmpty() ? null : certificate);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", token);
        answer.put("token_type", "bearer");
        answer.put("expires_in", issuer.lifetime().toSeconds());
        answer.put("scope", String.join(" ", granted));
        LOG.info("Token issued to client {} for scopes {}", client.clientId(), granted);
        write(response, 200, answer);
    }

    private static X509Certificate certificate(HttpServletRequest request) {
        Object chain = request.getAttribute("jakarta.servlet.request.X509Certificate");
        return chain instanceof X509Certificate[] certificates && certificates.length > 0 ? certificates[0] : null;
    }

    private static void error(HttpServletResponse response, int status, String error, String description, String clientId)
            throws IOException {
        LOG.warn("Token refused{}: {} ({})", clientId == null ? "" : " to client " + clientId, error, description);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", error);
        answer.put("error_description", description);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer error=\"" + error + "\"");
        }
        write(response, status, answer);
    }

    private static void write(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), body);
    }
}

package org.safeharbor.auth.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.safeharbor.auth.Scopes;

/**
 * {@code GET /fhir/.well-known/smart-configuration}: SMART discovery (App Launch 2.x §"SMART
 * configuration"), advertising exactly what this adapter supports: Backend Services with
 * {@code private_key_jwt}, RS384 or ES384, the client_credentials grant, and its scopes.
 */
final class SmartConfiguration extends HttpServlet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] document;

    SmartConfiguration(String issuer, String tokenUrl) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("issuer", issuer);
        config.put("token_endpoint", tokenUrl);
        config.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
        config.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        config.put("grant_types_supported", List.of("client_credentials"));
        config.put("scopes_supported", Scopes.ALL);
        config.put("capabilities", List.of("client-confidential-asymmetric"));
        document = JSON.writeValueAsBytes(config);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        response.getOutputStream().write(document);
    }
}

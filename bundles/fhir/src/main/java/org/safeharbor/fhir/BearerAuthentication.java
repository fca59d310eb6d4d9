package org.safeharbor.fhir;

import java.security.cert.X509Certificate;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.safeharbor.auth.AccessTokens;
import org.safeharbor.auth.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every FHIR request but the public ones ({@link PublicConformance}: the CapabilityStatement, the FHIR package) carries a bearer token from the adapter's SMART
 * Backend Services token endpoint; this finds who is calling before anything reads the body, and
 * answers 401 with an OperationOutcome otherwise. What the caller may do is
 * {@link IntakeAuthorization}'s to decide. The log line names the client and the reason, never the token.
 */
@Interceptor
final class BearerAuthentication {

    /** Request user-data key of the authenticated {@link Caller}. */
    static final String CALLER = "safeharbor.caller";
    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthentication.class);

    private final AccessTokens tokens;

    BearerAuthentication(AccessTokens tokens) {
        this.tokens = tokens;
    }

    // before every other interceptor of this pointcut (the payload checks, the transaction body parse)
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -100)
    public void authenticate(RequestDetails request) {
        if (PublicConformance.isPublic(request)) {
            // the CapabilityStatement and the FHIR package's conformance resources: no personal data, no token
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            LOG.warn("FHIR {} refused: no bearer token", request.getRestOperationType());
            throw refused("invalid_request", "send an access token from the SMART Backend Services token endpoint"
                    + " (see .well-known/smart-configuration) as 'Authorization: Bearer <token>'");
        }
        try {
            Caller caller = tokens.verify(header.substring(7).trim(), certificate(request));
            request.getUserData().put(CALLER, caller);
        } catch (AccessTokens.Refused e) {
            LOG.warn("FHIR {} refused{}: {}", request.getRestOperationType(),
                    e.clientId() == null ? "" : " for client " + e.clientId(), e.getMessage());
            throw refused("invalid_token", e.getMessage());
        }
    }

    static Caller caller(RequestDetails request) {
        return (Caller) request.getUserData().get(CALLER);
    }

    /** A 401 as an OperationOutcome (HAPI answers its AuthenticationException in plain text). */
    private static UnclassifiedServerFailureException refused(String error, String message) {
        UnclassifiedServerFailureException refused = new UnclassifiedServerFailureException(401, message);
        refused.addResponseHeader("WWW-Authenticate", "Bearer error=\"" + error + "\"");
        return IntakeInterceptors.bodyLeftUnread(refused); // refused before the body was read
    }

    private static X509Certificate certificate(RequestDetails request) {
        if (request instanceof ServletRequestDetails servlet
                && servlet.getServletRequest().getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain
                && chain.length > 0) {
            return chain[0];
        }
        return null;
    }
}

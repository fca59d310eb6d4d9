package org.safeharbor.routes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Stands at a path the adapter always serves (the FHIR intake, the token endpoint) while its servlet is not mounted:
 * during start-up, or while a bundle restarts. Answers {@code 503} with {@code Retry-After} and a FHIR
 * OperationOutcome ({@code transient}), which a hospital's interface engine retries; a 404 it would not. The body
 * is read and discarded unseen: nothing of a submission is kept or logged here.
 */
final class NotYetMounted extends HttpServlet {

    /** Seconds after which the caller should try again: a start-up takes about ten. */
    static final int RETRY_AFTER_SECONDS = 5;

    private static final byte[] OUTCOME = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
            + "\"code\":\"transient\",\"diagnostics\":\"SafeHarbor Bridge is starting and this service is not ready yet:"
            + " nothing was received. Send it again in a few seconds.\"}]}").getBytes(StandardCharsets.UTF_8);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        response.setContentType("application/fhir+json");
        response.setContentLength(OUTCOME.length);
        response.getOutputStream().write(OUTCOME);
    }
}

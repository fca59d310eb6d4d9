package org.safeharbor.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.safeharbor.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HAPI interceptors of the intake server. */
final class IntakeInterceptors {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeInterceptors.class);
    private static final java.util.regex.Pattern HAPI_CODE = java.util.regex.Pattern.compile("^HAPI-\\d{4}");

    private IntakeInterceptors() {
    }

    /**
     * Refuses a body over the configured size before anything reads it (413), and one with no
     * declared length (411): a hospital's engine always knows the size of what it sends.
     */
    @Interceptor
    static final class PayloadLimit {
        private final int maxPayloadBytes;

        PayloadLimit(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
        }

        // POST_PROCESSED: after HAPI chose the method, before it reads the body
        @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
        public void check(RequestDetails request) {
            if (!"POST".equals(request.getRequestType().name()) && !"PUT".equals(request.getRequestType().name())) {
                return;
            }
            String length = request.getHeader("Content-Length");
            if (length == null) {
                throw bodyLeftUnread(new UnclassifiedServerFailureException(411,
                        "Length Required: send the submission with a Content-Length header"));
            }
            try {
                if (Long.parseLong(length.trim()) > maxPayloadBytes) {
                    throw bodyLeftUnread(new PayloadTooLargeException("the submission is larger than " + maxPayloadBytes + " bytes"));
                }
            } catch (NumberFormatException e) {
                throw bodyLeftUnread(new UnclassifiedServerFailureException(400, "invalid Content-Length"));
            }
        }
    }

    /**
     * Each client may submit {@code submissionsPerMinute} times a minute ({@code submissionBurst} at once); beyond
     * that the answer is 429 with {@code Retry-After} (RFC 6585 section 4), before the body is read, and nothing is
     * kept: one client's flood must not crowd out the others' reports. Runs after {@link BearerAuthentication},
     * which names the client.
     */
    @Interceptor
    static final class SubmissionRate {
        private final org.safeharbor.auth.RateLimiter limiter;

        SubmissionRate(org.safeharbor.auth.RateLimiter limiter) {
            this.limiter = limiter;
        }

        @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -50)
        public void check(RequestDetails request) {
            org.safeharbor.auth.Caller caller = BearerAuthentication.caller(request);
            if (!"POST".equals(request.getRequestType().name()) || caller == null || PublicConformance.isPublic(request)) {
                return;
            }
            long wait = limiter.acquire(caller.clientId());
            if (wait > 0) {
                LOG.warn("Submission refused for client {}: over its submissions a minute (HTTP 429)", caller.clientId());
                UnclassifiedServerFailureException tooMany = new UnclassifiedServerFailureException(TOO_MANY_REQUESTS,
                        "Too many submissions from this client: send this one again after " + wait + " s");
                tooMany.addResponseHeader("Retry-After", Long.toString(wait));
                throw bodyLeftUnread(tooMany);
            }
        }
    }

    static final int TOO_MANY_REQUESTS = 429;

    /**
     * A refusal sent before the body is read: the connection closes after it, and says so ({@code Connection: close},
     * RFC 9112 section 9.6), so the client opens a new one for its next request instead of reusing one whose unread
     * body the server drops with the connection (the client's next submission failed with an end of stream).
     */
    static <E extends ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException> E bodyLeftUnread(E refusal) {
        refusal.addResponseHeader("Connection", "close");
        return refusal;
    }

    /**
     * Reads a {@code POST /fhir} body with the intake's own {@link BundleParser} before HAPI binds it,
     * so a transaction gets the same refusals as a message (DOCTYPE, the failing element named).
     */
    @Interceptor
    static final class TransactionBody {
        private final BundleParser parser;

        TransactionBody(BundleParser parser) {
            this.parser = parser;
        }

        @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
        public void check(RequestDetails request) {
            if (request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION) {
                byte[] raw = request.loadRequestContents();
                request.getUserData().put(IntakeProvider.RAW_BODY, raw);
                parser.parse(raw, request.getHeader("Content-Type"));
            }
        }
    }

    /** An accepted submission is answered 202 Accepted, with the Task's location. */
    @Interceptor
    static final class Accepted {
        @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
        public void accepted(RequestDetails request, ResponseDetails response, HttpServletResponse servletResponse) {
            Object taskId = request.getUserData().get(IntakeProvider.ACCEPTED_TASK);
            if (taskId != null) {
                response.setResponseCode(202);
                servletResponse.setHeader("Content-Location", request.getFhirServerBase() + "/Task/" + taskId);
            }
        }
    }

    /**
     * Every resource we return, errors included, is labelled restricted (v3-Confidentiality R) and
     * sexual and domestic violence information (v3-ActCode SDV), so receivers apply the matching
     * protections.
     */
    @Interceptor
    static final class SecurityLabels {
        @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
        public void label(RequestDetails request, ResponseDetails response) {
            if (!PublicConformance.isPackage(request) || response.getResponseResource() instanceof OperationOutcome) {
                // the FHIR package's own resources and terminology answers are published, not restricted
                label(response.getResponseResource());
            }
        }

        @Hook(Pointcut.SERVER_OUTGOING_FAILURE_OPERATIONOUTCOME)
        public void labelFailure(IBaseOperationOutcome outcome) {
            label(outcome);
        }

        static void label(IBaseResource resource) {
            if (!(resource instanceof Resource r)) {
                return;
            }
            addIfMissing(r, new Coding(FhirSystems.CONFIDENTIALITY, "R", "restricted"));
            addIfMissing(r, new Coding(FhirSystems.ACT_CODE, "SDV", "sexual and domestic violence information sensitivity"));
            if (r instanceof Bundle bundle) {
                for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                    label(entry.getResource());
                    label(entry.getResponse().getOutcome());
                }
            }
        }

        private static void addIfMissing(Resource r, Coding label) {
            if (r.getMeta().getSecurity(label.getSystem(), label.getCode()) == null) {
                r.getMeta().addSecurity(label);
            }
        }
    }

    /**
     * A refused submission is kept in the quarantine table for inspection, the sender is told its
     * quarantine id, and the log line names the status, the failing element and the id: never the
     * content. An unexpected failure becomes a plain 500 with no stack trace. A refusal HAPI itself made
     * (its message starts with its code, {@code HAPI-nnnn}) is answered with that code and the status only:
     * HAPI's messages quote what they refused (a header, an id, a value), and nothing the caller sent goes back.
     * A request refused for its rate (429) is not kept: keeping it is the work the limit spares. Nor is one from a
     * client that did not authenticate (or may not submit): counted and logged without its body, never stored. What is
     * kept, the store encrypts.
     */
    @Interceptor
    static final class Quarantine {
        private final MessageStore store;
        private final int maxPayloadBytes;
        private final java.util.concurrent.atomic.AtomicLong notKept = new java.util.concurrent.atomic.AtomicLong();

        /** Refused submissions not kept because their sender did not authenticate or may not submit, since start. */
        long notKept() {
            return notKept.get();
        }

        Quarantine(MessageStore store, int maxPayloadBytes) {
            this.store = store;
            this.maxPayloadBytes = maxPayloadBytes;
        }

        @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
        public BaseServerResponseException refused(RequestDetails request, Throwable thrown, HttpServletRequest servletRequest) {
            if (!(thrown instanceof BaseServerResponseException e)) {
                LOG.error("FHIR request failed unexpectedly: {}", thrown.getClass().getName());
                return new InternalErrorException("internal error: the request was not processed; retry later");
            }
            e = withoutInput(e);
            boolean submission = "POST".equals(request.getRequestType().name());
            if (!submission || e.getStatusCode() < 400 || e.getStatusCode() >= 500 || e.getStatusCode() == TOO_MANY_REQUESTS) {
                return e;
            }
            org.safeharbor.auth.Caller caller = BearerAuthentication.caller(request);
            String element = Refusals.element(e);
            if (caller == null || !caller.has(org.safeharbor.auth.Scopes.SUBMIT)) {
                // kept only from a client allowed to submit: anyone else could fill the quarantine with personal data.
                // Counted and logged without the body (the audit trail has the request, as 'not authenticated')
                long count = notKept.incrementAndGet();
                LOG.warn("Refused a submission from {}: HTTP {} at {}; not kept ({} not kept since start)",
                        caller == null ? "a client that did not authenticate" : "a client without the submit scope", e.getStatusCode(),
                        element == null ? "(whole request)" : element, count);
                return e;
            }
            String id;
            try {
                id = store.quarantine(e.getStatusCode(), element, e.getMessage(), mediaType(servletRequest.getContentType()),
                        body(request, servletRequest), maxPayloadBytes);
            } catch (RuntimeException storeFailed) {
                // the sender still gets its 4xx; the operator learns the quarantine failed
                LOG.error("Refused a submission (HTTP {} at {}) but could not keep it for inspection: {}",
                        e.getStatusCode(), element, storeFailed.getClass().getName());
                return e;
            }
            LOG.warn("Refused a submission: HTTP {} at {}; kept for inspection as intake rejection {}",
                    e.getStatusCode(), element == null ? "(whole request)" : element, id);
            OperationOutcome outcome = e.getOperationOutcome() instanceof OperationOutcome oo ? oo
                    : Refusals.outcome(IssueType.PROCESSING, element, e.getMessage());
            outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics("The submission was kept for inspection as intake rejection " + id);
            e.setOperationOutcome(outcome);
            return e;
        }

        /** HAPI's own refusal, its message replaced by its code: the same status, headers and no text of the request. */
        static BaseServerResponseException withoutInput(BaseServerResponseException e) {
            String message = String.valueOf(e.getMessage());
            java.util.regex.Matcher code = HAPI_CODE.matcher(message);
            if (!code.find()) {
                return e;
            }
            String text = code.group() + ": the request was refused (HTTP " + e.getStatusCode() + "); see the HAPI FHIR"
                    + " message code, the server's CapabilityStatement (GET /fhir/metadata) and the README";
            UnclassifiedServerFailureException plain = new UnclassifiedServerFailureException(e.getStatusCode(), text,
                    Refusals.outcome(IssueType.PROCESSING, null, text));
            if (e.hasResponseHeaders()) {
                e.getResponseHeaders().forEach((name, values) -> values.forEach(value -> plain.addResponseHeader(name, value)));
            }
            return plain;
        }

        /** The media type without parameters, at most 100 characters (the column's size). */
        private static String mediaType(String contentType) {
            if (contentType == null) {
                return null;
            }
            String type = contentType.split(";")[0].trim();
            return type.length() > 100 ? type.substring(0, 100) : type;
        }

        /** The body as far as it was read, else at most the size limit of it. */
        private byte[] body(RequestDetails request, HttpServletRequest servletRequest) {
            Object raw = request.getUserData().get(IntakeProvider.RAW_BODY);
            if (raw instanceof byte[] bytes) {
                return bytes;
            }
            byte[] loaded = request.getRequestContentsIfLoaded();
            if (loaded != null) {
                return loaded;
            }
            try (InputStream in = servletRequest.getInputStream()) {
                return in.readNBytes(maxPayloadBytes + 1);
            } catch (IOException | IllegalStateException e) {
                return null;
            }
        }
    }

    static List<Object> all(FhirContext fhir, MessageStore store, int maxPayloadBytes, org.safeharbor.auth.AccessTokens tokens,
                            org.safeharbor.auth.RateLimiter submissions) {
        return all(fhir, store, maxPayloadBytes, tokens, submissions, () -> null);
    }

    /** @param services the services-referral bundle while installed (a young adult's Task is its client's), else null */
    static List<Object> all(FhirContext fhir, MessageStore store, int maxPayloadBytes, org.safeharbor.auth.AccessTokens tokens,
                            org.safeharbor.auth.RateLimiter submissions,
                            java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services) {
        java.util.function.Function<org.safeharbor.api.v1.ReferralId, java.util.Optional<String>> owners = id -> store.submittedBy(id)
                .or(() -> java.util.Optional.ofNullable(services.get()).flatMap(s -> s.youngAdult(id))
                        .map(org.safeharbor.fhir.services.ServicesReferrals.YoungAdult::clientId));
        return List.of(new BearerAuthentication(tokens), new IntakeAuthorization(owners), new RequestAudit(store), new SubmissionRate(submissions),
                new PayloadLimit(maxPayloadBytes),
                new TransactionBody(new BundleParser(fhir)), new Accepted(), new SecurityLabels(), new Quarantine(store, maxPayloadBytes));
    }
}

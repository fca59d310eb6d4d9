package org.safeharbor.fhir;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.Bundle;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.auth.Caller;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoredReferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a submission: reads it into the canonical referral, checks the client may send it, decides each jurisdiction's
 * first status (a risk signal is not a report), and hands it to the core's intake route (routes/ IntakeRoute: store
 * once, split by jurisdiction, queue), which returns once the referral is stored and queued. Only then does the
 * hospital get its 202.
 *
 * <p>During a broker or database outage the hand-over is held at most {@code intakeHold} (etc/org.safeharbor.fhir.cfg,
 * 20 s by default): if the route has not returned by then, or it failed, the answer is 503 with {@code Retry-After}
 * (that many seconds) and an OperationOutcome, never 500 and never 202 (issue 20). A hand-over still running goes on
 * in the background: when the broker comes back it is queued once (the outbox sweep leaves it alone while in flight), a
 * resend of the same submission finds the same referral, and what failed is queued by the resend or the outbox sweep.
 */
final class IntakeService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeService.class);

    /**
     * The outcome of an accepted submission.
     *
     * @param onHold    jurisdictions whose report waits on a queue for a bundle that is not installed
     * @param warnings  what the reader noticed in the submission
     * @param reminders the reporter's own duties that apply (e.g. an oral report due immediately), as told to the hospital
     */
    record Accepted(StoredReferral stored, boolean created, List<Jurisdiction> onHold, List<String> warnings,
                    List<DeadlineRule> reminders) {

        /** Only a risk signal and no state receives one: recorded, nothing queued. */
        boolean riskSignalNotSent() {
            return Guidance.riskSignalOnly(stored);
        }
    }

    /** Why a risk signal is not sent to a state (the delivery's reason; no personal data). */
    static final String RISK_SIGNAL_NOT_SENT = "a risk signal (positive screen or safety flag) is not a report of abuse,"
            + " and no installed bundle for this state declares a rule that receives one (nor, for a child in the agency's care,"
            + " a child-in-care rule): recorded, not sent";

    /** The hold when the configuration gives none (FhirEndpoint.Config.intakeHold's default). */
    static final java.time.Duration DEFAULT_HOLD = java.time.Duration.ofSeconds(20);
    /**
     * Hand-overs running at once, held or not; beyond, 503 at once. Above Jetty's 200 request threads, so only hand-overs
     * an outage left running in the background can fill it.
     */
    static final int MAX_HAND_OVERS = 256;

    private final SubmissionReader reader;
    private final ProducerTemplate producer;
    private final java.time.Duration hold;
    private final java.util.concurrent.ThreadPoolExecutor handOvers;
    private final Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters;
    private final java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services;

    /** @param producer sends to the core's intake route, {@link DeliveryContract#INTAKE_ENDPOINT} */
    IntakeService(SubmissionReader reader, ProducerTemplate producer, Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters) {
        this(reader, producer, adapters, () -> null);
    }

    /** @param services the services-referral bundle's service while one is installed, else null (a consented young adult) */
    IntakeService(SubmissionReader reader, ProducerTemplate producer, Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters,
                  java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services) {
        this(reader, producer, adapters, services, DEFAULT_HOLD);
    }

    /** @param hold how long a hospital's request waits for the store and the broker before it is answered 503 */
    IntakeService(SubmissionReader reader, ProducerTemplate producer, Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters,
                  java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services, java.time.Duration hold) {
        if (hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("intakeHold must be positive, not " + hold);
        }
        this.reader = reader;
        this.producer = producer;
        this.adapters = adapters;
        this.services = services;
        this.hold = hold;
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        this.handOvers = new java.util.concurrent.ThreadPoolExecutor(0, MAX_HAND_OVERS, 60, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "safeharbor-intake-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Lets the hand-overs still running finish (a broker coming back queues them), takes no more. */
    @Override
    public void close() {
        handOvers.shutdown();
    }

    Accepted accept(Bundle bundle, boolean messageOnly, byte[] raw, String mediaType, Caller caller) {
        Submission submission;
        try {
            submission = reader.read(bundle, messageOnly, raw);
        } catch (YoungAdults.Refused refused) {
            throw YoungAdults.answer(refused, services.get(), caller.clientId());
        }
        if (submission.sourceEndpoint() != null && !caller.sourceEndpoints().contains(submission.sourceEndpoint())) {
            LOG.warn("Submission refused for client {}: its MessageHeader.source.endpoint is not one the client is registered for",
                    caller.clientId());
            throw new ForbiddenOperationException("MessageHeader.source.endpoint is not an endpoint this client is registered"
                    + " to send as (source_endpoints in its registration)");
        }
        Referral referral = submission.referral();
        Map<Jurisdiction, DeliveryStatus> initial = new LinkedHashMap<>();
        Map<Jurisdiction, String> reasons = new LinkedHashMap<>();
        if (submission.actionable()) {
            boolean report = referral.allegations().stream().anyMatch(Allegation::isReportable);
            for (Jurisdiction j : referral.jurisdictions()) {
                // a risk signal is not a report: queued only where a state's bundle declares a rule that takes one
                if (report || receivesRiskSignals(j, referral)) {
                    initial.put(j, DeliveryStatus.RECEIVED);
                } else {
                    initial.put(j, DeliveryStatus.NOT_SENT);
                    reasons.put(j, RISK_SIGNAL_NOT_SENT);
                }
            }
        }
        MessageStore.Accepted stored = handOver(referral, submission, raw, mediaType, caller, initial, reasons);
        Referral kept = stored.stored().referral();
        List<Jurisdiction> onHold = new ArrayList<>();
        for (Delivery delivery : stored.stored().deliveries()) {
            if (adapters.apply(delivery.jurisdiction()).isEmpty() && delivery.status().isOpen()) {
                onHold.add(delivery.jurisdiction());
            }
        }
        LOG.info("Referral {} {} for {}", kept.id(), stored.created() ? "accepted" : "re-submitted", kept.jurisdictions());
        return new Accepted(stored.stored(), stored.created(), onHold, submission.warnings(), reminders(kept, stored.stored()));
    }

    /**
     * Hands the accepted submission to the core's intake route ({@link DeliveryContract#INTAKE_ENDPOINT}: store once,
     * queue for each jurisdiction) and waits for it: returns only once the referral is stored and on its queues.
     */
    private MessageStore.Accepted handOver(Referral referral, Submission submission, byte[] raw, String mediaType, Caller caller,
                                           Map<Jurisdiction, DeliveryStatus> initial, Map<Jurisdiction, String> reasons) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        java.util.concurrent.Future<Exchange> pending;
        try {
            pending = handOvers.submit(() -> {
                Thread.currentThread().setContextClassLoader(context);
                return send(referral, submission, raw, mediaType, caller, initial, reasons);
            });
        } catch (java.util.concurrent.RejectedExecutionException full) {
            LOG.error("Submission from client {} answered 503: {} hand-overs to the store and the broker are still running"
                    + " (an outage holds them)", caller.clientId(), MAX_HAND_OVERS);
            throw unavailable("the message store or the broker is not answering (too many submissions already waiting for it)");
        }
        Exchange result;
        try {
            result = pending.get(hold.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException held) {
            // it goes on in the background: queued once when the broker is back, found by the resend
            LOG.error("Submission from client {} answered 503 after {}: the message store or the broker did not answer in time"
                    + " (intakeHold); the hand-over goes on in the background", caller.clientId(), hold);
            throw unavailable("the message store or the broker did not answer within " + hold.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the hand-over to the intake route failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("the request was interrupted");
        }
        Exception failure = result.getException();
        if (failure instanceof MessageStore.SubmissionConflict) {
            LOG.warn("Submission refused for client {}: its identifier was accepted before with other content", caller.clientId());
            throw new ResourceVersionConflictException("this Bundle.identifier (or MessageHeader id) was accepted before with"
                    + " different content: give a new submission a new identifier; resend an old one unchanged");
        }
        if (failure != null) {
            // no 202: the hospital resends, and the store keeps it once; what was stored is queued by the resend or the outbox.
            // Only the store and the broker work here: a failure is theirs (an outage), answered 503, never 500
            LOG.error("Submission from client {} answered 503: the message store or the broker failed ({})", caller.clientId(),
                    failure.getClass().getName());
            throw unavailable("the message store or the broker is unavailable");
        }
        return result.getMessage().getBody(MessageStore.Accepted.class);
    }

    /**
     * 503 with Retry-After (RFC 9110 section 15.6.4 and 10.2.3) and an OperationOutcome saying what to do: resend the same
     * submission, which is never stored twice.
     */
    private ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException unavailable(String why) {
        long seconds = Math.max(1, hold.toSeconds());
        ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException unavailable =
                new ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException(503, "Service unavailable: " + why
                        + ". The submission is not accepted yet: send the same submission again after " + seconds
                        + " s (Retry-After); it is never stored twice");
        unavailable.addResponseHeader("Retry-After", Long.toString(seconds));
        return unavailable;
    }

    private Exchange send(Referral referral, Submission submission, byte[] raw, String mediaType, Caller caller,
                          Map<Jurisdiction, DeliveryStatus> initial, Map<Jurisdiction, String> reasons) {
        return producer.send(DeliveryContract.INTAKE_ENDPOINT, ExchangePattern.InOut, exchange -> {
            Message message = exchange.getMessage();
            message.setBody(referral);
            message.setHeader(DeliveryContract.SUBMITTED_BY, caller.clientId());
            // the client's own key space: another client's identifiers never reach this one's referrals
            message.setHeader(DeliveryContract.SUBMISSION_KEY, caller.clientId() + "|" + submission.submissionKey());
            message.setHeader(DeliveryContract.SUBMISSION_ACTIONABLE, submission.actionable());
            message.setHeader(DeliveryContract.SUBMISSION_RAW, new String(raw, StandardCharsets.UTF_8));
            message.setHeader(DeliveryContract.SUBMISSION_MEDIA_TYPE, mediaType);
            message.setHeader(DeliveryContract.SUBMISSION_STATUS, initial);
            message.setHeader(DeliveryContract.SUBMISSION_REASON, reasons);
        });
    }

    /**
     * Whether the state's bundle declares a rule that takes this referral's risk signal: its at-risk rule, or for a child
     * in the agency's care (foster care or its supervision) its child-in-care rule (42 U.S.C. 671(a)(34); the kit's
     * ChildInCare, with which each format decides what it writes).
     */
    private boolean receivesRiskSignals(Jurisdiction j, Referral referral) {
        return adapters.apply(j).filter(adapter -> adapter.takes(referral))
                .map(adapter -> adapter.format().atRiskRule().isPresent()
                        || referral.careStatus().isInCare() && adapter.format().childInCareAtRiskRule().isPresent()).orElse(false);
    }

    /** The reporter's own duties the installed bundles declare for what is being sent to their state. */
    private List<DeadlineRule> reminders(Referral referral, StoredReferral stored) {
        List<DeadlineRule> reminders = new ArrayList<>();
        for (Delivery delivery : stored.deliveries()) {
            if (delivery.status() == DeliveryStatus.NOT_SENT) {
                continue;
            }
            adapters.apply(delivery.jurisdiction()).filter(adapter -> adapter.takes(referral)).ifPresent(adapter ->
                    adapter.deadlinesFor(referral).stream().map(Deadline::rule)
                            .filter(rule -> rule.kind() == DeadlineRule.Kind.REPORTER).forEach(reminders::add));
        }
        return reminders;
    }
}

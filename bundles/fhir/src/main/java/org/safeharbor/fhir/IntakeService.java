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
 */
final class IntakeService {

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

    private final SubmissionReader reader;
    private final ProducerTemplate producer;
    private final Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters;
    private final java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services;

    /** @param producer sends to the core's intake route, {@link DeliveryContract#INTAKE_ENDPOINT} */
    IntakeService(SubmissionReader reader, ProducerTemplate producer, Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters) {
        this(reader, producer, adapters, () -> null);
    }

    /** @param services the services-referral bundle's service while one is installed, else null (a consented young adult) */
    IntakeService(SubmissionReader reader, ProducerTemplate producer, Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters,
                  java.util.function.Supplier<org.safeharbor.fhir.services.ServicesReferrals> services) {
        this.reader = reader;
        this.producer = producer;
        this.adapters = adapters;
        this.services = services;
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
        Exchange result = producer.send(DeliveryContract.INTAKE_ENDPOINT, ExchangePattern.InOut, exchange -> {
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
        Exception failure = result.getException();
        if (failure instanceof MessageStore.SubmissionConflict) {
            LOG.warn("Submission refused for client {}: its identifier was accepted before with other content", caller.clientId());
            throw new ResourceVersionConflictException("this Bundle.identifier (or MessageHeader id) was accepted before with"
                    + " different content: give a new submission a new identifier; resend an old one unchanged");
        }
        if (failure != null) {
            // no 202: the hospital resends, and the store keeps it once; what was stored is queued by the resend or the outbox
            throw new IllegalStateException("the referral was not stored and queued", failure);
        }
        return result.getMessage().getBody(MessageStore.Accepted.class);
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

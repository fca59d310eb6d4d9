package org.safeharbor.fhir;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.Bundle;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.auth.Caller;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoredReferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a submission: read it, store it with its raw form, then put it on each jurisdiction's
 * durable queue. Only after both does the hospital get its 202. The order makes a retry safe: a
 * submission stored but not yet queued (a crash in between) is queued by the retry, and never
 * stored twice.
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
            + " and no installed bundle for this state declares a rule that receives one: recorded, not sent";

    private final SubmissionReader reader;
    private final MessageStore store;
    private final ReferralQueue queue;
    private final ProducerTemplate producer;
    private final Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters;
    private final Clock clock;

    IntakeService(SubmissionReader reader, MessageStore store, ReferralQueue queue, ProducerTemplate producer,
                  Function<Jurisdiction, Optional<JurisdictionAdapter>> adapters, Clock clock) {
        this.reader = reader;
        this.store = store;
        this.queue = queue;
        this.producer = producer;
        this.adapters = adapters;
        this.clock = clock;
    }

    Accepted accept(Bundle bundle, boolean messageOnly, byte[] raw, String mediaType, Caller caller) {
        Submission submission = reader.read(bundle, messageOnly, raw);
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
        MessageStore.Accepted stored;
        try {
            // the client's own key space: another client's identifiers never reach this one's referrals
            stored = store.accept(caller.clientId(), caller.clientId() + "|" + submission.submissionKey(), referral,
                    submission.actionable(), new String(raw, java.nio.charset.StandardCharsets.UTF_8), mediaType, initial, reasons);
        } catch (MessageStore.SubmissionConflict conflict) {
            LOG.warn("Submission refused for client {}: its identifier was accepted before with other content", caller.clientId());
            throw new ResourceVersionConflictException("this Bundle.identifier (or MessageHeader id) was accepted before with"
                    + " different content: give a new submission a new identifier; resend an old one unchanged");
        }
        Referral kept = stored.stored().referral();

        List<Jurisdiction> onHold = new ArrayList<>();
        List<Delivery> deliveries = new ArrayList<>();
        boolean answeredAlready = false;
        for (Delivery delivery : stored.stored().deliveries()) {
            Jurisdiction j = delivery.jurisdiction();
            if (delivery.status() == DeliveryStatus.RECEIVED) {
                Delivery queued = enqueue(kept, j);
                answeredAlready |= queued == null;
                delivery = queued == null ? delivery : queued;
            }
            if (adapters.apply(j).isEmpty() && delivery.status().isOpen()) {
                onHold.add(j);
            }
            deliveries.add(delivery);
        }
        LOG.info("Referral {} {} for {}", kept.id(), stored.created() ? "accepted" : "re-submitted", kept.jurisdictions());
        // the store is read again only if a state answered before the intake recorded QUEUED
        StoredReferral now = answeredAlready ? store.find(kept.id()).orElseThrow()
                : new StoredReferral(kept, stored.stored().submissionKey(), stored.stored().actionable(), deliveries);
        return new Accepted(now, stored.created(), onHold, submission.warnings(), reminders(kept, now));
    }

    private boolean receivesRiskSignals(Jurisdiction j, Referral referral) {
        return adapters.apply(j).filter(adapter -> adapter.takes(referral))
                .map(adapter -> adapter.format().atRiskRule().isPresent()).orElse(false);
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

    /**
     * Puts a stored referral on one jurisdiction's queue and records it (QUEUED, or ON_HOLD without
     * its bundle). Returns the delivery as recorded, or null when the state's answer was recorded first.
     */
    Delivery enqueue(Referral referral, Jurisdiction j) {
        queue.send(producer, referral, j);
        boolean installed = adapters.apply(j).isPresent();
        StatusUpdate update = new StatusUpdate(referral.id(), j, installed ? DeliveryStatus.QUEUED : DeliveryStatus.ON_HOLD, null,
                clock.instant(), installed ? null : "no jurisdiction bundle installed: held on queue " + j.queueName());
        return store.markQueued(update) ? new Delivery(j, update.status(), null, update.reason(), update.at()) : null;
    }

    /**
     * The outbox: queues what a crash left stored but not yet queued (RECEIVED since before
     * {@code olderThan}). Returns how many deliveries it queued. A message queued twice this way is
     * delivered once: the jurisdiction routes' idempotent consumer skips the second.
     */
    int enqueueUnqueued(java.time.Instant olderThan, int limit) {
        List<MessageStore.OpenDelivery> left = store.unqueued(olderThan, limit);
        for (MessageStore.OpenDelivery open : left) {
            enqueue(open.referral(), open.delivery().jurisdiction());
        }
        if (!left.isEmpty()) {
            LOG.warn("Outbox: queued {} stored deliveries that were never queued (the process stopped between store and queue)", left.size());
        }
        return left.size();
    }
}

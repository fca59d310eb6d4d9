package org.safeharbor.api.v1;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a jurisdiction bundle reports what happened to a referral (delivered, acknowledged with the
 * state's intake number, screened in, ...) and records each delivery attempt with the payload it
 * sent. The core keeps all of it in the message store and the hospital sees the status in its FHIR
 * Task. Provided by the core as an OSGi service; jurisdiction bundles only use it.
 */
@ProviderType
public interface StatusReporter {

    /** Records a status change; the update's text must hold no personal data. */
    void report(StatusUpdate update);

    /**
     * Records that the state's payload is about to be sent and returns the attempt number: 1 for
     * the first, growing across retries, restarts and replays (it is stored durably), so a state
     * can tell an announced redelivery from a new report.
     *
     * @since 1.1
     */
    int recordAttempt(ReferralId referralId, Jurisdiction jurisdiction, String statePayload);

    /**
     * Records why an attempt failed (a class of error or the state's reason, no personal data).
     *
     * @since 1.1
     */
    void recordAttemptFailed(ReferralId referralId, Jurisdiction jurisdiction, int attempt, String reason);

    /**
     * The payload an earlier attempt sent, for a replay of a stored output.
     *
     * @since 1.1
     */
    Optional<String> storedOutput(ReferralId referralId, Jurisdiction jurisdiction, int attempt);
}

package org.safeharbor.fhir.services;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;

/**
 * Referrals to services (a FHIR ServiceRequest and Task sent to a services provider, the HL7 SDOH Clinical Care IG's
 * referral), as the intake sees them: implemented by the services-referral bundle, optional for the intake.
 */
@ConsumerType
public interface ServicesReferrals {

    /**
     * One services referral of a referral, as the hospital's Task shows it: codes and times, no personal data.
     *
     * @param provider       the provider's configured name, e.g. {@code sandbox}
     * @param trigger        why it was sent, e.g. {@code confirmed}, {@code at-risk-consented}
     * @param status         where the adapter's send stands: {@code pending}, {@code queued}, {@code sent}, {@code failed}
     * @param providerStatus the provider's Task.status once read back (e.g. {@code received}, {@code accepted},
     *                       {@code rejected}, {@code in-progress}, {@code completed}), or null
     * @param updatedAt      the last change
     */
    record Status(String provider, String trigger, String status, String providerStatus, Instant updatedAt) {
    }

    /** The services referrals made for this referral, by provider. */
    List<Status> statuses(ReferralId referralId);

    /**
     * A young adult (18 to 24) the intake refuses as a child-welfare report whose submission records consent to a
     * services referral: recorded durably and queued for every provider that takes young adults, before this returns.
     * Nothing goes to a state.
     *
     * @return the names of the providers it is recorded for (empty: no provider takes it, nothing was kept)
     */
    List<String> referYoungAdult(Referral person);

    /**
     * As {@link #referYoungAdult(Referral)}, recording the client that submitted it, which alone may then follow it at
     * {@code GET /fhir/Task/{person's referral id}} ({@link #youngAdult}).
     *
     * @since 1.1
     */
    default List<String> referYoungAdult(Referral person, String clientId) {
        return referYoungAdult(person);
    }

    /**
     * A young adult's services referrals as the hospital's Task needs them: the client that asked for them and when.
     *
     * @param clientId   the client that submitted the refused report
     * @param recordedAt when the first of them was recorded
     */
    record YoungAdult(String clientId, Instant recordedAt) {
    }

    /**
     * The young adult whose services referrals carry this referral id ({@link #referYoungAdult(Referral, String)}), if
     * any: nothing is stored of the refused report itself, so this is how its Task is found.
     *
     * @since 1.1
     */
    default java.util.Optional<YoungAdult> youngAdult(ReferralId referralId) {
        return java.util.Optional.empty();
    }

    /**
     * One services referral as an operator lists it ({@code harbor:services}): ids, codes, counts and times, no personal
     * data (a failure's reason is a class and an HTTP status).
     *
     * @param status   {@code pending}, {@code queued}, {@code sent} or {@code failed}
     * @param reason   why it failed, or null
     * @param attempts how many attempts were made
     */
    record Summary(ReferralId referralId, String provider, String trigger, String status, String providerStatus, String reason,
                   int attempts, Instant updatedAt) {
    }

    /**
     * The services referrals, latest change first, at most {@code limit}; only those with {@code status} when it is not
     * null ({@code pending}, {@code queued}, {@code sent}, {@code failed}).
     *
     * @since 1.1
     */
    default List<Summary> list(String status, int limit) {
        throw new UnsupportedOperationException("this services-referral bundle does not list its referrals");
    }

    /**
     * Moves every message of the dead-letter queue back onto the services queue, each services referral FAILED there
     * reopened (attempted again with its recorded payload, its attempts numbered on) and recorded in the audit trail with
     * the operator; a stale copy of one sent since is dropped. Returns how many were moved back.
     *
     * @since 1.1
     */
    default int resendDeadLetters(String operator) {
        throw new UnsupportedOperationException("this services-referral bundle cannot resend its dead letters");
    }
}

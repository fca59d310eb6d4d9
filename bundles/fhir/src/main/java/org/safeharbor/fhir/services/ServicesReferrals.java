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
}

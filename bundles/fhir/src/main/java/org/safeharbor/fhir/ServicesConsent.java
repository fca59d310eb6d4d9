package org.safeharbor.fhir;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;

/**
 * Whether a submission records consent to a services referral (the canonical referral's {@code servicesConsent}): a
 * FHIR R4 {@code Consent} in the Bundle whose {@code category} carries the project's code
 * {@value #SYSTEM}{@code |}{@value #CODE}, with {@code status} active and, when it has a {@code provision}, a provision
 * of type permit. Anything else (no such Consent, a draft, rejected or inactive one, a deny provision) is no consent:
 * nothing is refused for it, and no services referral that needs consent is made. The Consent is never sent to a state.
 * Profile: an open slice of the submission Bundle (no profile of its own); R4's invariants apply (ppc-1: a policy or
 * policyRule; ppc-2: a patient for scope patient-privacy). See docs/ehr-vendors.md, "4. Consent to a services referral".
 */
final class ServicesConsent {

    /** The project's CodeSystem of services referrals (mappings/fhir/CodeSystem-services-referral.json). */
    static final String SYSTEM = FhirSystems.PROJECT + "CodeSystem/services-referral";
    static final String CODE = "services-referral";

    private ServicesConsent() {
    }

    /** True when the Bundle holds an active, permitting Consent to a services referral. */
    static boolean recorded(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Consent.class::isInstance).map(Consent.class::cast)
                .anyMatch(consent -> consent.getStatus() == Consent.ConsentState.ACTIVE
                        && consent.getCategory().stream().anyMatch(ServicesConsent::servicesReferral)
                        && (!consent.hasProvision() || consent.getProvision().getType() == Consent.ConsentProvisionType.PERMIT));
    }

    private static boolean servicesReferral(CodeableConcept category) {
        return category.getCoding().stream().anyMatch(c -> SYSTEM.equals(c.getSystem()) && CODE.equals(c.getCode()));
    }
}

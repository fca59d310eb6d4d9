package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The parts of a canonical {@link Referral} a state format may disclose. A {@link StateFormat}
 * declares the ones it sends, and the conformance kit checks that nothing else leaves the adapter
 * (minimum necessary).
 */
@ProviderType
public enum ReferralField {
    REFERRAL_ID,
    RECEIVED_AT,
    OCCURRED_AT,
    CHILD_NAME,
    CHILD_BIRTH_DATE,
    CHILD_SEX,
    /** Street lines and postal code of the child's residence. */
    CHILD_STREET_ADDRESS,
    CHILD_CITY,
    CHILD_STATE,
    PLACE_OF_CARE_NAME,
    PLACE_OF_CARE_IDENTIFIER,
    PLACE_OF_CARE_ADDRESS,
    REPORTER_NAME,
    REPORTER_ROLE,
    REPORTER_PHONE,
    ALLEGATIONS,
    /** References back to the hospital's original records (e.g. {@code Condition/123} and its code). */
    EVIDENCE
}

package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether a perpetrator is a person responsible for the child's care. The intake only records the
 * relation; each jurisdiction decides what counts as a caregiver under its own law, starting from
 * {@link PerpetratorRelation#defaultCaregiverStatus()}.
 */
@ProviderType
public enum CaregiverStatus {
    CAREGIVER,
    NON_CAREGIVER,
    UNDETERMINED
}

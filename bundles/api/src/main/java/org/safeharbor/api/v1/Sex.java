package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/** Administrative sex as recorded by the hospital (FHIR administrative-gender). */
@ProviderType
public enum Sex {
    FEMALE,
    MALE,
    OTHER,
    UNKNOWN
}

package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A concept of the shared human-trafficking allegation CodeSystem published in {@code mappings/}
 * ({@value #SYSTEM}). Every enum of one dimension of the shared code implements this, so that
 * mappings and tests can check the Java model and the CodeSystem against each other.
 */
@ProviderType
public interface SharedCode {

    /** Canonical URL of the shared allegation CodeSystem. */
    String SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/ht-allegation";

    /** The concept's code in {@link #SYSTEM}, e.g. {@code sex-trafficking}. */
    String code();
}

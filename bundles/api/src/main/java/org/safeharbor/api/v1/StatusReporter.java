package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a jurisdiction bundle reports what happened to a referral (delivered, acknowledged with the
 * state's intake number, screened in, ...). The core records it and the hospital sees it in its
 * FHIR Task. Provided by the core as an OSGi service; jurisdiction bundles only use it.
 */
@ProviderType
public interface StatusReporter {

    /** Records a status change; the update's text must hold no personal data. */
    void report(StatusUpdate update);
}

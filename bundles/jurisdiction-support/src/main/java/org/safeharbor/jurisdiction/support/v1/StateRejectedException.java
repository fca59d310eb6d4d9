package org.safeharbor.jurisdiction.support.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The state's system refused a report as malformed or invalid (a SOAP fault, an HTTP 400, a
 * rejection line): retrying would only be refused again. The core's delivery path puts the
 * referral in the jurisdiction's quarantine queue at once, with the state's reason, and reports it
 * REJECTED. The message must hold no personal data: it is logged and shown to the hospital.
 */
@ProviderType
public class StateRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateRejectedException(String reason) {
        super(reason);
    }

    public StateRejectedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

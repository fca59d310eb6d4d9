package org.safeharbor.jurisdiction.us.il;

import org.safeharbor.jurisdiction.support.v1.StateRejectedException;

/**
 * The Illinois intake refused a report as invalid (the {@code InvalidReport} fault, or a client
 * fault such as a schema violation): retrying would only be refused again, so the routes put the
 * referral in quarantine and report it REJECTED. The message names the referral id and the fault's
 * code and detail element only, never the state's fault text, which may quote personal data.
 */
public class IllinoisRefusedException extends StateRejectedException {

    private static final long serialVersionUID = 1L;

    public IllinoisRefusedException(String message) {
        super(message);
    }
}

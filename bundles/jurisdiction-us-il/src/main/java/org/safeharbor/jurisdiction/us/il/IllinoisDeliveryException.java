package org.safeharbor.jurisdiction.us.il;

/**
 * Delivery to the Illinois intake failed for a passing reason (unreachable, timeout, a server fault, an unreadable
 * answer): the core retries it, then dead-letters the referral. The message names the referral id and what went
 * wrong, never the payload or the state's fault text, which may quote personal data.
 */
public class IllinoisDeliveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public IllinoisDeliveryException(String message) {
        super(message);
    }

    public IllinoisDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}

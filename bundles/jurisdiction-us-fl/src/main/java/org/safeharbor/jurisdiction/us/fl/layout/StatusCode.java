package org.safeharbor.jurisdiction.us.fl.layout;

import java.util.Arrays;

import org.safeharbor.api.v1.DeliveryStatus;

/**
 * The status codes of the reference acknowledgement layout ({@link StatusRecord#getStatusCode()}), each with the
 * canonical status it becomes. REFERENCE DESIGN: Florida publishes no intake interface; these codes are the
 * project's own.
 */
public enum StatusCode {
    /** Accepted: the state gave the referral an intake number. */
    ACC(DeliveryStatus.ACKNOWLEDGED),
    /** Rejected: a record did not match the layout or its rules; the reason says which. */
    REJ(DeliveryStatus.REJECTED),
    /** Screened in. */
    SIN(DeliveryStatus.SCREENED_IN),
    /** Screened out. */
    SOU(DeliveryStatus.SCREENED_OUT),
    /** Investigation opened. */
    INV(DeliveryStatus.INVESTIGATION_OPENED);

    private final DeliveryStatus status;

    StatusCode(DeliveryStatus status) {
        this.status = status;
    }

    public DeliveryStatus status() {
        return status;
    }

    /** The code for a canonical status; throws for a status the state never sends (e.g. DELIVERED). */
    public static StatusCode of(DeliveryStatus status) {
        return Arrays.stream(values()).filter(c -> c.status == status).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Florida status line for " + status));
    }

    /** Looks a code up; throws {@link IllegalArgumentException} for an unknown one. */
    public static StatusCode parse(String code) {
        return valueOf(code == null ? "" : code.trim());
    }
}

package org.safeharbor.jurisdiction.us.fl.layout;

import java.time.LocalDateTime;

import org.apache.camel.dataformat.bindy.annotation.DataField;
import org.apache.camel.dataformat.bindy.annotation.FixedLengthRecord;

/**
 * Status record {@code S} of the state's acknowledgement and status files (222 characters), one per referral:
 * accepted with an intake number, rejected with a reason, and later screened in / screened out / investigation
 * opened. REFERENCE DESIGN: Florida publishes no intake interface; see {@link AllegationRecord}.
 */
@FixedLengthRecord(length = StatusRecord.LENGTH, paddingChar = ' ', crlf = "WINDOWS")
public class StatusRecord {

    public static final int LENGTH = 222;
    public static final String TYPE = "S";

    @DataField(pos = 1, length = 1, required = true)
    private String recordType = TYPE;

    @DataField(pos = 2, length = 64, required = true, trim = true)
    private String referralId;

    /** {@link StatusCode}: ACC, REJ, SIN, SOU, INV. */
    @DataField(pos = 3, length = 3, required = true)
    private String statusCode;

    /** The state's intake number, e.g. {@code FL-2026-000001}; blank on a rejection. */
    @DataField(pos = 4, length = 20, trim = true)
    private String intakeNumber;

    /** When the state decided (UTC). */
    @DataField(pos = 5, length = 14, pattern = "yyyyMMddHHmmss", required = true)
    private LocalDateTime statusAt;

    /** The batch the status answers; blank on a later status line. */
    @DataField(pos = 6, length = 40, trim = true)
    private String batchId;

    /** The state's reason, e.g. why a record was rejected. Never personal data. */
    @DataField(pos = 7, length = 80, trim = true, clip = true)
    private String reason;

    public String getReferralId() { return referralId; }
    public void setReferralId(String v) { referralId = v; }
    public String getStatusCode() { return statusCode; }
    public void setStatusCode(String v) { statusCode = v; }
    public String getIntakeNumber() { return intakeNumber; }
    public void setIntakeNumber(String v) { intakeNumber = v; }
    public LocalDateTime getStatusAt() { return statusAt; }
    public void setStatusAt(LocalDateTime v) { statusAt = v; }
    public void setBatchId(String v) { batchId = v; }
    public String getReason() { return reason; }
    public void setReason(String v) { reason = v; }

    @Override
    public String toString() {
        return "StatusRecord[" + referralId + " " + statusCode + " " + intakeNumber + "]";
    }
}

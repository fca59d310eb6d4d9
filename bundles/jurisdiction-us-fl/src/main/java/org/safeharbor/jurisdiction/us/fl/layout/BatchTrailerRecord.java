package org.safeharbor.jurisdiction.us.fl.layout;

import org.apache.camel.dataformat.bindy.annotation.DataField;
import org.apache.camel.dataformat.bindy.annotation.FixedLengthRecord;

/**
 * Trailer record {@code T}, the last line of every Florida batch file (55 characters): Bindy's footer of the
 * {@link AllegationRecord} lines. The counts let the receiver detect a truncated transfer and refuse the whole file.
 * REFERENCE DESIGN; see {@link AllegationRecord}.
 */
@FixedLengthRecord(length = BatchTrailerRecord.LENGTH, paddingChar = ' ', crlf = "WINDOWS")
public class BatchTrailerRecord {

    public static final int LENGTH = 55;
    public static final String TYPE = "T";

    @DataField(pos = 1, length = 1, required = true)
    private String recordType = TYPE;

    /** Must equal the header's batch id. */
    @DataField(pos = 2, length = 40, required = true, trim = true)
    private String batchId;

    /** Number of detail records ({@code D} lines) in the file. */
    @DataField(pos = 3, length = 7, align = "R", paddingChar = '0', required = true)
    private int recordCount;

    /** Number of distinct referrals in the file. */
    @DataField(pos = 4, length = 7, align = "R", paddingChar = '0', required = true)
    private int referralCount;

    /** For Bindy. */
    public BatchTrailerRecord() {
    }

    public BatchTrailerRecord(String batchId, int recordCount, int referralCount) {
        this.batchId = batchId;
        this.recordCount = recordCount;
        this.referralCount = referralCount;
    }

    public String getBatchId() { return batchId; }
    public int getRecordCount() { return recordCount; }
    public int getReferralCount() { return referralCount; }
}

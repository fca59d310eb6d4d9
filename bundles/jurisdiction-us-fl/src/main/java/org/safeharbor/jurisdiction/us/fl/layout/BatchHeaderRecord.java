package org.safeharbor.jurisdiction.us.fl.layout;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.apache.camel.dataformat.bindy.annotation.DataField;
import org.apache.camel.dataformat.bindy.annotation.FixedLengthRecord;

/**
 * Header record {@code H}, the first line of every Florida batch file (78 characters): Bindy's header of the
 * {@link AllegationRecord} lines. REFERENCE DESIGN: Florida publishes no intake interface; see {@link AllegationRecord}.
 */
@FixedLengthRecord(length = BatchHeaderRecord.LENGTH, paddingChar = ' ', crlf = "WINDOWS")
public class BatchHeaderRecord {

    public static final int LENGTH = 78;
    public static final String TYPE = "H";
    /**
     * Version of this layout; a receiver refuses a version it does not know. FL2 widened the detail record's type
     * field (FL1: 636 characters per detail record, type in 24).
     */
    public static final String LAYOUT_VERSION = "FL2";

    @DataField(pos = 1, length = 1, required = true)
    private String recordType = TYPE;

    @DataField(pos = 2, length = 3, required = true)
    private String layoutVersion = LAYOUT_VERSION;

    /** The batch id, also in the file name and the trailer; the acknowledgement names it. */
    @DataField(pos = 3, length = 40, required = true, trim = true)
    private String batchId;

    /** When the batch was written (UTC). */
    @DataField(pos = 4, length = 14, pattern = "yyyyMMddHHmmss", required = true)
    private LocalDateTime createdAt;

    /** Who sends: configured sender id, e.g. {@code SAFEHARBOR}. */
    @DataField(pos = 5, length = 20, required = true, trim = true)
    private String senderId;

    /** For Bindy. */
    public BatchHeaderRecord() {
    }

    public BatchHeaderRecord(String batchId, Instant createdAt, String senderId) {
        this.batchId = batchId;
        this.createdAt = LocalDateTime.ofInstant(createdAt.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
        this.senderId = senderId;
    }

    public String getLayoutVersion() { return layoutVersion; }
    public String getBatchId() { return batchId; }
}

package org.safeharbor.jurisdiction.us.fl.layout;

import java.time.LocalDate;
import java.time.LocalDateTime;

import org.apache.camel.dataformat.bindy.annotation.DataField;
import org.apache.camel.dataformat.bindy.annotation.FixedLengthRecord;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.jurisdiction.support.v1.FixedWidth;
import org.safeharbor.jurisdiction.support.v1.ReferralColumns;

/**
 * Detail record {@code D} of the Florida batch file: one line per referral-allegation pair, 652 characters; and, in the
 * same columns, the risk-signal record {@code R}: one line per form of a child in DCF's care's at-risk signal, sent under
 * 42 U.S.C. 671(a)(34) (P.L. 113-183), never an allegation: its category column holds the rule ({@value #SIGNAL_RULE},
 * never a DCF category), its type column the form, and its certainty, perpetrator and caregiver-role columns are blank.
 *
 * <p>REFERENCE DESIGN: Florida DCF publishes no intake interface (docs/domain.md: "No state publishes its
 * SACWIS/CCWIS intake interface"), so this layout is the project's own, on a real transport (SFTP). The codes in
 * it are the public ones: the DCF category code (F.S. 409.1754, Rule 65C-43.002; the code VALUES are unconfirmed,
 * so they are configuration, placeholders {@code SXN}, {@code SXC}, {@code LAB}) and the four dimensions of the
 * shared allegation code ({@code https://fhir.safeharbor-bridge.org/CodeSystem/ht-allegation}), written as its
 * codes so that every allegation reads back without loss.
 *
 * <p>Lengths are in characters (UTF-8 file), text is right-aligned and space-padded (Bindy's default; readers
 * trim), numbers right-aligned and zero-padded, times are UTC. Positions (1-based): see the table in the bundle README. Fields past
 * {@code receivedAt} are the child, place of care and reporter: free text there is clipped to its width. In a batch file
 * these records stand between Bindy's header ({@link BatchHeaderRecord}) and footer ({@link BatchTrailerRecord}).
 * The referral's own fields (id, received at, child, place of care, reporter) are written and read by the kit's
 * {@link ReferralColumns}, by their names here; only the allegation's fields have accessors.
 */
@FixedLengthRecord(length = AllegationRecord.LENGTH, paddingChar = ' ', crlf = "WINDOWS",
        header = BatchHeaderRecord.class, footer = BatchTrailerRecord.class)
public class AllegationRecord {

    /** Characters per detail record. */
    public static final int LENGTH = 652;
    public static final String TYPE = "D";
    /** Record type of a child in care's at-risk signal (42 U.S.C. 671(a)(34)): not an allegation. */
    public static final String SIGNAL_TYPE = "R";
    /** What an {@code R} record's category column holds: the rule it is sent under, Public Law 113-183 (never a DCF category). */
    public static final String SIGNAL_RULE = "PL113183";

    /** Characters of a detail record in the former layout FL1. */
    private static final int FL1_LENGTH = 636;
    /** Where the type field starts (0-based) in both layouts: after type, referral id, numbering and category. */
    private static final int TYPE_FIELD = 1 + 64 + 2 + 2 + 8;
    private static final int FL1_TYPE_WIDTH = 24;
    private static final int TYPE_WIDTH = 40;

    @DataField(pos = 1, length = 1, required = true)
    private String recordType = TYPE;

    /** The stable referral id: the state de-duplicates redeliveries with it. */
    @DataField(pos = 2, length = 64, required = true, trim = true)
    private String referralId;

    /** 1-based number of this allegation within the referral. */
    @DataField(pos = 3, length = 2, align = "R", paddingChar = '0', required = true)
    private int allegationSeq;

    /** How many allegation records the referral has: the state knows when it holds all of them. */
    @DataField(pos = 4, length = 2, align = "R", paddingChar = '0', required = true)
    private int allegationCount;

    /** The DCF trafficking category (configured code; placeholders SXN, SXC, LAB); in an {@code R} record, {@value #SIGNAL_RULE}. */
    @DataField(pos = 5, length = 8, required = true, trim = true)
    private String dcfCategory;

    /**
     * Shared code, type dimension, e.g. {@code sex-trafficking}, {@code exploitation-through-prostitution}: 40
     * characters since layout FL2 (FL1 had 24, too few for the renamed code).
     */
    @DataField(pos = 6, length = TYPE_WIDTH, required = true, trim = true)
    private String allegationType;

    /** Shared code, certainty dimension: only {@code suspected} or {@code confirmed} are ever written (blank in {@code R}). */
    @DataField(pos = 7, length = 10, trim = true)
    private String certainty;

    /** Shared code, perpetrator relation, e.g. {@code parent}, {@code non-family}, {@code unknown} (blank in {@code R}). */
    @DataField(pos = 8, length = 24, trim = true)
    private String perpetratorRelation;

    /** Shared code, caregiver role: {@code act}, {@code failure-to-protect}, {@code not-applicable} (blank in {@code R}). */
    @DataField(pos = 9, length = 20, trim = true)
    private String caregiverRole;

    /** When the adapter received the report (UTC). */
    @DataField(pos = 10, length = 14, pattern = "yyyyMMddHHmmss", required = true)
    private LocalDateTime receivedAt;

    @DataField(pos = 11, length = 35, trim = true, clip = true)
    private String childFamilyName;

    @DataField(pos = 12, length = 35, trim = true, clip = true)
    private String childGivenNames;

    @DataField(pos = 13, length = 8, pattern = "yyyyMMdd", required = true)
    private LocalDate childBirthDate;

    /** F, M, O (other) or U (unknown). */
    @DataField(pos = 14, length = 1, required = true)
    private String childSex;

    @DataField(pos = 15, length = 60, trim = true, clip = true)
    private String childStreet;

    @DataField(pos = 16, length = 30, trim = true, clip = true)
    private String childCity;

    @DataField(pos = 17, length = 2, trim = true, clip = true)
    private String childState;

    @DataField(pos = 18, length = 10, trim = true, clip = true)
    private String childPostalCode;

    @DataField(pos = 19, length = 2, trim = true, clip = true)
    private String childCountry;

    @DataField(pos = 20, length = 60, trim = true, clip = true)
    private String placeOfCareName;

    @DataField(pos = 21, length = 60, trim = true, clip = true)
    private String placeOfCareStreet;

    @DataField(pos = 22, length = 30, trim = true, clip = true)
    private String placeOfCareCity;

    @DataField(pos = 23, length = 2, trim = true, clip = true)
    private String placeOfCareState;

    @DataField(pos = 24, length = 10, trim = true, clip = true)
    private String placeOfCarePostalCode;

    @DataField(pos = 25, length = 2, trim = true, clip = true)
    private String placeOfCareCountry;

    @DataField(pos = 26, length = 35, trim = true, clip = true)
    private String reporterFamilyName;

    @DataField(pos = 27, length = 35, trim = true, clip = true)
    private String reporterGivenNames;

    @DataField(pos = 28, length = 30, trim = true, clip = true)
    private String reporterRole;

    @DataField(pos = 29, length = 20, trim = true, clip = true)
    private String reporterPhone;

    public String getRecordType() { return recordType; }
    public void setRecordType(String v) { recordType = v; }
    /** True for a child in care's at-risk signal ({@code R}), not an allegation. */
    public boolean isRiskSignal() { return SIGNAL_TYPE.equals(recordType); }
    public String getReferralId() { return referralId; }
    public int getAllegationSeq() { return allegationSeq; }
    public void setAllegationSeq(int v) { allegationSeq = v; }
    public int getAllegationCount() { return allegationCount; }
    public void setAllegationCount(int v) { allegationCount = v; }
    public String getDcfCategory() { return dcfCategory; }
    public void setDcfCategory(String v) { dcfCategory = v; }
    public String getAllegationType() { return allegationType; }
    public void setAllegationType(String v) { allegationType = v; }
    public String getCertainty() { return certainty; }
    public void setCertainty(String v) { certainty = v; }
    public String getPerpetratorRelation() { return perpetratorRelation; }
    public void setPerpetratorRelation(String v) { perpetratorRelation = v; }
    public String getCaregiverRole() { return caregiverRole; }
    public void setCaregiverRole(String v) { caregiverRole = v; }
    public String getChildFamilyName() { return childFamilyName; }
    public LocalDate getChildBirthDate() { return childBirthDate; }

    /**
     * A detail line in the current layout. A referral accepted before the upgrade to FL2 waits in the spool as FL1
     * lines: their type field is widened, and a former type code becomes its current one (docs/domain.md, "The
     * shared allegation code"), so the referral goes out in the new layout. Any other line is returned unchanged,
     * for the receiver to check.
     */
    public static String fromFormerLayout(String line, FixedWidth fixedWidth) {
        if (line.length() != FL1_LENGTH || !line.startsWith(TYPE)) {
            return line;
        }
        // the extra width goes in front of the type field; Bindy trims it when reading and pads anew when writing
        String widened = line.substring(0, TYPE_FIELD) + " ".repeat(TYPE_WIDTH - FL1_TYPE_WIDTH) + line.substring(TYPE_FIELD);
        try {
            AllegationRecord record = fixedWidth.readLine(AllegationRecord.class, widened);
            record.setAllegationType(AllegationType.fromCode(record.getAllegationType()).code());
            return fixedWidth.writeLine(record);
        } catch (IllegalArgumentException notAnFl1Record) {
            return line;
        }
    }

    /** Only the id and the codes: a record may be named in a log line, its personal fields never. */
    @Override
    public String toString() {
        return "AllegationRecord[" + recordType + " " + referralId + " " + allegationSeq + "/" + allegationCount + " " + dcfCategory + " "
                + allegationType + "/" + certainty + "/" + perpetratorRelation + "/" + caregiverRole + ", redacted]";
    }
}

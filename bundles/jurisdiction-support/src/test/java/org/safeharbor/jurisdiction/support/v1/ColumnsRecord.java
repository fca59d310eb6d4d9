package org.safeharbor.jurisdiction.support.v1;

import java.time.LocalDate;
import java.time.LocalDateTime;

import org.apache.camel.dataformat.bindy.annotation.DataField;
import org.apache.camel.dataformat.bindy.annotation.FixedLengthRecord;

/**
 * A state's fixed-width record for the kit's tests (168 characters): some of {@link ReferralColumns}' columns, not all
 * (no child country, the place of care by name and city only), as a state discloses what it decides.
 */
@FixedLengthRecord(length = 168, paddingChar = ' ', crlf = "WINDOWS")
public class ColumnsRecord {

    @DataField(pos = 1, length = 1, required = true) private String recordType = "R";
    @DataField(pos = 2, length = 20, required = true, trim = true) private String referralId;
    @DataField(pos = 3, length = 14, pattern = "yyyyMMddHHmmss", required = true) private LocalDateTime receivedAt;
    @DataField(pos = 4, length = 10, trim = true, clip = true) private String childFamilyName;
    @DataField(pos = 5, length = 10, trim = true, clip = true) private String childGivenNames;
    @DataField(pos = 6, length = 8, pattern = "yyyyMMdd", required = true) private LocalDate childBirthDate;
    @DataField(pos = 7, length = 1, required = true) private String childSex;
    @DataField(pos = 8, length = 20, trim = true, clip = true) private String childStreet;
    @DataField(pos = 9, length = 10, trim = true, clip = true) private String childCity;
    @DataField(pos = 10, length = 2, trim = true, clip = true) private String childState;
    @DataField(pos = 11, length = 5, trim = true, clip = true) private String childPostalCode;
    @DataField(pos = 12, length = 15, trim = true, clip = true) private String placeOfCareName;
    @DataField(pos = 13, length = 10, trim = true, clip = true) private String placeOfCareCity;
    @DataField(pos = 14, length = 10, trim = true, clip = true) private String reporterFamilyName;
    @DataField(pos = 15, length = 10, trim = true, clip = true) private String reporterGivenNames;
    @DataField(pos = 16, length = 10, trim = true, clip = true) private String reporterRole;
    @DataField(pos = 17, length = 12, trim = true, clip = true) private String reporterPhone;

    /** A record with only the required columns (the time, the birth date, sex U). */
    static ColumnsRecord of(String referralId) {
        ColumnsRecord r = new ColumnsRecord();
        r.referralId = referralId;
        r.receivedAt = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
        r.childBirthDate = LocalDate.of(2012, 1, 2);
        r.childSex = "U";
        return r;
    }

    String referralId() {
        return referralId;
    }

    String childSex() {
        return childSex;
    }

    void childSex(String code) {
        childSex = code;
    }
}

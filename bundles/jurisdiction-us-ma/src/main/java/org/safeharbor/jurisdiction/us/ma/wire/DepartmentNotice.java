package org.safeharbor.jurisdiction.us.ma.wire;

import java.util.List;

import org.safeharbor.jurisdiction.support.v1.JsonRequired;

/**
 * The Department's notice to the District Attorney or to local law enforcement (G.L. c.119 s.51B(k),
 * 110 CMR 4.50; docs/domain.md) as JSON: a REFERENCE DESIGN, deliberately minimal. It is DCF's duty,
 * sent on DCF's own status (its finding of reasonable cause), never on the hospital's word alone.
 * Schema: {@code us-ma/schema/us-ma-department-notice.schema.json}.
 *
 * @param schemaVersion    {@value #SCHEMA_VERSION}
 * @param notificationType {@value #NOTIFICATION_TYPE}
 * @param notifyingAgency  {@value #NOTIFYING_AGENCY}: the notice is the Department's, under s.51B(k)
 * @param recipient        {@value #DISTRICT_ATTORNEY} or {@value #LAW_ENFORCEMENT}: the two notices the rule requires
 * @param referralId       ties it to the 51A report; lets the receiver de-duplicate redeliveries
 * @param intakeNumber     DCF's number for the report: how the recipient obtains the report itself from DCF,
 *                         so no personal data needs to travel here
 * @param county           the county whose District Attorney the endpoint serves (configuration; never derived
 *                         from the child's address); the District Attorney's notice only
 * @param allegations      what kind of crime DCF's report is about, with the reporter's certainty
 */
public record DepartmentNotice(
        @JsonRequired String schemaVersion,
        @JsonRequired String notificationType,
        @JsonRequired String notifyingAgency,
        @JsonRequired String recipient,
        @JsonRequired String referralId,
        String intakeNumber,
        String county,
        @JsonRequired List<NoticeAllegation> allegations) {

    public static final String SCHEMA_VERSION = "2.0";
    public static final String NOTIFICATION_TYPE = "51B(k)-department-notice";
    public static final String NOTIFYING_AGENCY = "DCF";
    public static final String DISTRICT_ATTORNEY = "district-attorney";
    public static final String LAW_ENFORCEMENT = "law-enforcement";

    /**
     * One DCF allegation of the report.
     *
     * @param allegation DCF's allegation type ({@code sexual-exploitation}, {@code labor-trafficking})
     * @param certainty  {@code suspected} or {@code confirmed}: the strongest the report holds for that type
     */
    public record NoticeAllegation(@JsonRequired String allegation, @JsonRequired String certainty) {
    }
}

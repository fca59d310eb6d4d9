package org.safeharbor.jurisdiction.us.ma.wire;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

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
        @JsonProperty(required = true) String schemaVersion,
        @JsonProperty(required = true) String notificationType,
        @JsonProperty(required = true) String notifyingAgency,
        @JsonProperty(required = true) String recipient,
        @JsonProperty(required = true) String referralId,
        String intakeNumber,
        String county,
        @JsonProperty(required = true) List<NoticeAllegation> allegations) {

    public DepartmentNotice {
        Report51A.required(schemaVersion, "schemaVersion");
        Report51A.required(notificationType, "notificationType");
        Report51A.required(notifyingAgency, "notifyingAgency");
        Report51A.required(recipient, "recipient");
        Report51A.required(referralId, "referralId");
        Report51A.required(allegations, "allegations");
    }

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
    public record NoticeAllegation(@JsonProperty(required = true) String allegation, @JsonProperty(required = true) String certainty) {
        public NoticeAllegation {
            Report51A.required(allegation, "allegation");
            Report51A.required(certainty, "certainty");
        }
    }
}

package org.safeharbor.jurisdiction.us.ma.wire;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The District Attorney notification (G.L. c.119 s.51B(k), 110 CMR 4.50) as JSON: a REFERENCE
 * DESIGN, deliberately minimal. Schema: {@code us-ma/schema/us-ma-da-notification.schema.json}.
 *
 * @param schemaVersion    {@value #SCHEMA_VERSION}
 * @param notificationType {@value #NOTIFICATION_TYPE}
 * @param referralId       ties it to the 51A report; lets the receiver de-duplicate redeliveries
 * @param intakeNumber     DCF's number for the report: how the District Attorney obtains the report
 *                         itself from DCF, so no personal data needs to travel here
 * @param jurisdiction     the state whose law requires the notification ({@code US-MA})
 * @param county           the county whose District Attorney the endpoint serves (configuration;
 *                         never derived from the child's address)
 * @param allegations      DCF allegation types: what kind of crime is suspected or confirmed
 */
public record DistrictAttorneyNotification(
        @JsonProperty(required = true) String schemaVersion,
        @JsonProperty(required = true) String notificationType,
        @JsonProperty(required = true) String referralId,
        String intakeNumber,
        @JsonProperty(required = true) String jurisdiction,
        String county,
        @JsonProperty(required = true) List<String> allegations) {

    public DistrictAttorneyNotification {
        Report51A.required(schemaVersion, "schemaVersion");
        Report51A.required(notificationType, "notificationType");
        Report51A.required(referralId, "referralId");
        Report51A.required(jurisdiction, "jurisdiction");
        Report51A.required(allegations, "allegations");
    }

    public static final String SCHEMA_VERSION = "1.0";
    public static final String NOTIFICATION_TYPE = "51B(k)-district-attorney-notification";
}

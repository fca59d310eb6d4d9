package org.safeharbor.jurisdiction.us.ma.wire;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The G.L. c.119 s.51A written report as JSON: SafeHarbor Bridge's REFERENCE DESIGN (DCF publishes
 * no intake interface). The JSON Schema {@code us-ma/schema/us-ma-51a-report.schema.json} in this
 * bundle describes the same shape; both are enforced by the test peer.
 */
public record Report51A(
        @JsonProperty(required = true) String schemaVersion,
        @JsonProperty(required = true) String reportType,
        @JsonProperty(required = true) String referralId,
        @JsonProperty(required = true) Instant receivedAt,
        Instant occurredAt,
        @JsonProperty(required = true) ChildDto child,
        PlaceOfCareDto placeOfCare,
        ReporterDto reporter,
        @JsonProperty(required = true) List<AllegationDto> allegations) {

    public Report51A {
        required(schemaVersion, "schemaVersion");
        required(reportType, "reportType");
        required(referralId, "referralId");
        required(receivedAt, "receivedAt");
        required(child, "child");
        required(allegations, "allegations");
    }

    public static final String SCHEMA_VERSION = "1.0";
    public static final String REPORT_TYPE = "51A-written-report";

    /** The child, always the alleged victim. */
    public record ChildDto(NameDto name, @JsonProperty(required = true) LocalDate birthDate, AddressDto residence) {
        public ChildDto {
            required(birthDate, "birthDate");
        }
    }

    /** Where the child was seen. */
    public record PlaceOfCareDto(String identifier, String name, AddressDto address) {
    }

    /** The mandated reporter. */
    public record ReporterDto(NameDto name, String role, String phone) {
    }

    /** A person's name. */
    public record NameDto(String family, List<String> given) {
    }

    /** A postal address. */
    public record AddressDto(List<String> lines, String city, String state, String postalCode, String country) {
    }

    /**
     * One allegation: DCF's category plus the four dimensions of the shared code.
     *
     * @param allegation          {@code sexual-exploitation} or {@code labor-trafficking}
     * @param form                the shared code's type
     * @param certainty           {@code suspected} or {@code confirmed}
     * @param perpetratorRelation the shared code's perpetrator relation
     * @param caregiverRole       the shared code's caregiver role
     */
    public record AllegationDto(
            @JsonProperty(required = true) String allegation,
            @JsonProperty(required = true) String form,
            @JsonProperty(required = true) String certainty,
            @JsonProperty(required = true) String perpetratorRelation,
            @JsonProperty(required = true) String caregiverRole) {
        public AllegationDto {
            required(allegation, "allegation");
            required(form, "form");
            required(certainty, "certainty");
            required(perpetratorRelation, "perpetratorRelation");
            required(caregiverRole, "caregiverRole");
        }
    }

    /** A required property given as JSON null is refused like a missing one. */
    static void required(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("missing required property " + name);
        }
    }
}

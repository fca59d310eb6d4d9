package org.safeharbor.jurisdiction.us.ma.wire;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.safeharbor.jurisdiction.support.v1.JsonRequired;

/**
 * The G.L. c.119 s.51A written report as JSON: SafeHarbor Bridge's REFERENCE DESIGN (DCF publishes
 * no intake interface). The JSON Schema {@code us-ma/schema/us-ma-51a-report.schema.json} in this
 * bundle describes the same shape; both are enforced by the test peer.
 */
public record Report51A(
        @JsonRequired String schemaVersion,
        @JsonRequired String reportType,
        @JsonRequired String referralId,
        @JsonRequired Instant receivedAt,
        Instant occurredAt,
        @JsonRequired ChildDto child,
        PlaceOfCareDto placeOfCare,
        ReporterDto reporter,
        @JsonRequired List<AllegationDto> allegations,
        List<RiskSignalDto> riskSignals) {

    public static final String SCHEMA_VERSION = "1.0";
    public static final String REPORT_TYPE = "51A-written-report";

    /** The child, always the alleged victim. */
    public record ChildDto(NameDto name, @JsonRequired LocalDate birthDate, AddressDto residence) {
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
     * A risk signal about a child in DCF's care (foster care or its supervision), sent under 42 U.S.C. 671(a)(34)
     * (P.L. 113-183): not an allegation, so no DCF allegation and no certainty.
     *
     * @param form the shared code's type the screen or flag concerns
     * @param rule the law under which it is sent
     */
    public record RiskSignalDto(@JsonRequired String form, @JsonRequired String rule) {
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
            @JsonRequired String allegation,
            @JsonRequired String form,
            @JsonRequired String certainty,
            @JsonRequired String perpetratorRelation,
            @JsonRequired String caregiverRole) {
    }
}

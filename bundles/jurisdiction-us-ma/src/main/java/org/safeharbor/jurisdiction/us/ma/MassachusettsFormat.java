package org.safeharbor.jurisdiction.us.ma;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.AddressDto;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.AllegationDto;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.ChildDto;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.NameDto;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.PlaceOfCareDto;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.ReporterDto;
import org.safeharbor.jurisdiction.us.ma.wire.Report51A.RiskSignalDto;
import org.safeharbor.jurisdiction.us.ma.wire.WireJson;

/**
 * The Massachusetts written 51A report as JSON, a REFERENCE DESIGN ({@code us-ma/schema/us-ma-51a-report.schema.json};
 * the rules and why each field is sent: the README). The DCF allegation of each row is what this bundle's ConceptMap
 * ({@value #CONCEPT_MAP}) gives: every sex-trafficking / CSEC form {@code sexual-exploitation}, labor trafficking
 * {@code labor-trafficking}, whoever the perpetrator is (DCF's 2016 allegations, no caregiver requirement:
 * docs/domain.md); each row also carries the shared code's form, certainty, perpetrator relation and caregiver role, so
 * nothing the hospital said is lost. Only suspected and confirmed allegations are written (the map leaves the others
 * unmatched). The SPI's defaults stand: no type is unsupported (each has a DCF allegation), and there is no at-risk
 * rule: s.51A is about reasonable cause to believe a child is abused, a risk signal is not an allegation (IOM/NRC 2013),
 * and P.L. 113-183's "at risk of" covers children in foster care, not a hospital screen (docs/domain.md). A child in
 * DCF's care (foster care or its supervision) is such a child: that child's at-risk signal is written as a
 * {@code riskSignals} entry (no DCF allegation, no certainty) under {@link #childInCareAtRiskRule()}, the kit's
 * {@link ChildInCare#RULE}; a report of signals only has no allegation and starts no 48-hour written-report clock.
 */
public final class MassachusettsFormat implements StateFormat {

    public static final String MEDIA_TYPE = "application/json";
    /** The shared code to DCF's allegations, published and applied as it is. */
    static final String CONCEPT_MAP = "fhir/ConceptMap-ht-allegation-to-us-ma.json";
    private static final StateConceptMap MAP = StateConceptMap.load(MassachusettsFormat.class, CONCEPT_MAP);

    /** What DCF needs to screen a 51A report and nothing more; not sent: the child's sex and the evidence (record ids). */
    private static final Set<ReferralField> DISCLOSED = EnumSet.of(ReferralField.REFERRAL_ID, ReferralField.RECEIVED_AT,
            ReferralField.OCCURRED_AT, ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE, ReferralField.CHILD_STREET_ADDRESS,
            ReferralField.CHILD_CITY, ReferralField.CHILD_STATE, ReferralField.PLACE_OF_CARE_NAME, ReferralField.PLACE_OF_CARE_IDENTIFIER,
            ReferralField.PLACE_OF_CARE_ADDRESS, ReferralField.REPORTER_NAME, ReferralField.REPORTER_ROLE, ReferralField.REPORTER_PHONE,
            ReferralField.ALLEGATIONS);

    @Override
    public String mediaType() {
        return MEDIA_TYPE;
    }

    @Override
    public Optional<String> write(Referral referral) {
        List<AllegationDto> rows = allegationsFor(referral);
        List<RiskSignalDto> signals = ChildInCare.allegationsWritten(this, referral).stream()
                .filter(a -> a.certainty() == Certainty.AT_RISK).map(a -> a.type().code()).distinct()
                .map(form -> new RiskSignalDto(form, ChildInCare.CITATION)).toList();
        if (rows.isEmpty() && signals.isEmpty()) {
            return Optional.empty();
        }
        Child child = referral.child();
        Report51A report = new Report51A(Report51A.SCHEMA_VERSION, Report51A.REPORT_TYPE, referral.id().value(),
                referral.receivedAt(), referral.occurredAt(),
                new ChildDto(name(child.name()), child.birthDate(), address(child.residence())),
                placeOfCare(referral.placeOfCare()), reporter(referral.reporter()), rows, signals.isEmpty() ? null : signals);
        return Optional.of(WireJson.write(report));
    }

    /**
     * The rows Massachusetts receives: those the map gives an allegation (suspected and confirmed), each identical row
     * once. The caregiver role follows the shared code's default reading of the relation (no caregiver requirement
     * here: it only decides the role written).
     */
    static List<AllegationDto> allegationsFor(Referral referral) {
        Set<AllegationDto> rows = new LinkedHashSet<>();
        for (Allegation stated : referral.allegations()) {
            Allegation a = stated.withCaregiverStatus(stated.perpetrator().defaultCaregiverStatus());
            dcfAllegation(a).ifPresent(code -> rows.add(new AllegationDto(code, a.type().code(), a.certainty().code(),
                    a.perpetrator().code(), a.caregiverRole().code())));
        }
        return new ArrayList<>(rows);
    }

    /** DCF's allegation for this one, by the map; empty when the map leaves it unmatched (not an allegation). */
    static Optional<String> dcfAllegation(Allegation allegation) {
        return MAP.translate(allegation).map(codes -> codes.of(AllegationType.class));
    }

    @Override
    public Referral read(String payload) {
        Report51A report = WireJson.read(payload, Report51A.class);
        if (!Report51A.SCHEMA_VERSION.equals(report.schemaVersion()) || !Report51A.REPORT_TYPE.equals(report.reportType())) {
            throw new IllegalArgumentException("not a version " + Report51A.SCHEMA_VERSION + " written 51A report");
        }
        List<RiskSignalDto> signals = report.riskSignals() == null ? List.of() : report.riskSignals();
        if (report.allegations().isEmpty() && signals.isEmpty()) {
            throw new IllegalArgumentException("a 51A report without allegations or a child in care's risk signals");
        }
        List<Allegation> allegations = new ArrayList<>(report.allegations().stream().map(MassachusettsFormat::allegation).toList());
        signals.forEach(s -> allegations.add(Allegation.of(AllegationType.fromCode(s.form()), Certainty.AT_RISK)));
        ChildDto c = report.child();
        Child child = new Child(name(c.name()), c.birthDate(), null, address(c.residence()));
        PlaceOfCareDto p = report.placeOfCare();
        Organization placeOfCare = p == null ? null : new Organization(p.identifier(), p.name(), address(p.address()));
        ReporterDto r = report.reporter();
        Reporter reporter = r == null ? null : new Reporter(name(r.name()), r.role(), r.phone(), null);
        return new Referral(new ReferralId(report.referralId()), child, placeOfCare, reporter, report.receivedAt(),
                report.occurredAt(), allegations);
    }

    /** One row back to the shared code; refuses anything the format never writes. */
    private static Allegation allegation(AllegationDto row) {
        Certainty certainty = Certainty.fromCode(row.certainty());
        if (!certainty.isAllegation()) {
            // safe harbor: a risk signal, a ruled-out suspicion or a history is never an allegation
            throw new IllegalArgumentException("certainty " + row.certainty() + " is not an allegation");
        }
        Allegation allegation = new Allegation(AllegationType.fromCode(row.form()), certainty,
                PerpetratorRelation.fromCode(row.perpetratorRelation()), CaregiverRole.fromCode(row.caregiverRole()), List.of());
        if (!dcfAllegation(allegation).orElseThrow().equals(row.allegation())) {
            throw new IllegalArgumentException("allegation " + row.allegation() + " does not match form " + row.form());
        }
        return allegation;
    }

    /** DCF receives a child in its care's at-risk signal (42 U.S.C. 671(a)(34)): a risk signal, never an allegation. */
    @Override
    public Optional<String> childInCareAtRiskRule() {
        return Optional.of(ChildInCare.RULE);
    }

    @Override
    public Set<ReferralField> disclosedFields() {
        return DISCLOSED;
    }

    private static NameDto name(PersonName name) {
        return name == null ? null : new NameDto(text(name.family()), texts(name.given()));
    }

    private static PersonName name(NameDto name) {
        return name == null ? null : new PersonName(name.family(), name.given());
    }

    private static AddressDto address(Address a) {
        return a == null ? null : new AddressDto(texts(a.lines()), text(a.city()), text(a.state()), text(a.postalCode()),
                text(a.country()));
    }

    private static Address address(AddressDto a) {
        return a == null ? null : new Address(a.lines(), a.city(), a.state(), a.postalCode(), a.country());
    }

    private static PlaceOfCareDto placeOfCare(Organization o) {
        return o == null ? null : new PlaceOfCareDto(text(o.identifier()), text(o.name()), address(o.address()));
    }

    private static ReporterDto reporter(Reporter r) {
        return r == null ? null : new ReporterDto(name(r.name()), text(r.role()), text(r.phone()));
    }

    /** Blank text is absent: the schema has no empty strings. */
    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> texts(List<String> values) {
        List<String> kept = values.stream().map(MassachusettsFormat::text).filter(Objects::nonNull).toList();
        return kept.isEmpty() ? null : kept;
    }
}

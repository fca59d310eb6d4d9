package org.safeharbor.jurisdiction.us.il;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;
import org.safeharbor.jurisdiction.us.il.wire.AddressType;
import org.safeharbor.jurisdiction.us.il.wire.CaregiverRoleCode;
import org.safeharbor.jurisdiction.us.il.wire.CertaintyCode;
import org.safeharbor.jurisdiction.us.il.wire.ChildType;
import org.safeharbor.jurisdiction.us.il.wire.FacilityType;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAllegationType;
import org.safeharbor.jurisdiction.us.il.wire.IntakeReport;
import org.safeharbor.jurisdiction.us.il.wire.PerpetratorRelationCode;
import org.safeharbor.jurisdiction.us.il.wire.PersonNameType;
import org.safeharbor.jurisdiction.us.il.wire.ReporterType;
import org.safeharbor.jurisdiction.us.il.wire.RiskSignalType;
import org.safeharbor.jurisdiction.us.il.wire.SexCode;
import org.safeharbor.jurisdiction.us.il.wire.TraffickingTypeCode;

/**
 * The Illinois reference wire format: the {@code IntakeReport} element of
 * {@code xsd/us-il-intake.xsd}, the body of the SOAP {@code SubmitReport} request. A REFERENCE DESIGN
 * (DCFS publishes no intake interface); the allegation codes in it are the public ones, 40 and 90
 * (89 Ill. Adm. Code 300 App. B), with the shared code's dimensions as extension fields next to them.
 * <p>Every type is received (the SPI's default): code 40 is human trafficking of children, sex and labor alike
 * (89 Ill. Adm. Code 300 App. B). No at-risk rule (the default): no Illinois rule in the project's sources takes risk
 * signals from a hospital screen. A child in DCFS' care (foster care or its supervision) is another matter: P.L. 113-183
 * has DCFS identify and document such a child at risk of sex trafficking, so that child's at-risk signal is written as a
 * {@code RiskSignal} (no allegation code) under {@link #childInCareAtRiskRule()}, the kit's {@link ChildInCare#RULE}.
 */
public final class IllinoisFormat implements StateFormat {

    /** Shared code -> Appendix B codes 40/90 by caregiver role (each row citing 89 Ill. Adm. Code 300 App. B). */
    public static final String CONCEPT_MAP = "fhir/ConceptMap-ht-allegation-to-us-il.json";

    /** What the SCR needs to take a report and begin an investigation within 24 hours (325 ILCS 5/7.4), and no more. */
    private static final Set<ReferralField> DISCLOSED = Collections.unmodifiableSet(EnumSet.of(
            ReferralField.REFERRAL_ID,  // the SCR de-duplicates redeliveries by it and quotes it back with the intake number
            ReferralField.RECEIVED_AT,  // the 24-hour clock runs from the report's receipt
            // who the child is (to identify the child and match earlier reports), where the family lives (the DCFS region)
            ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE, ReferralField.CHILD_SEX,
            ReferralField.CHILD_STREET_ADDRESS, ReferralField.CHILD_CITY, ReferralField.CHILD_STATE,
            // where the child is now: the investigator begins there, within 24 hours
            ReferralField.PLACE_OF_CARE_NAME, ReferralField.PLACE_OF_CARE_IDENTIFIER, ReferralField.PLACE_OF_CARE_ADDRESS,
            // the mandated reporter: the SCR calls back to complete the report
            ReferralField.REPORTER_NAME, ReferralField.REPORTER_ROLE, ReferralField.REPORTER_PHONE,
            ReferralField.ALLEGATIONS)); // codes 40/90 and the shared code's dimensions beside them
    // Not sent: OCCURRED_AT (the hospital's charting time; the clock runs from RECEIVED_AT) and EVIDENCE (references into
    // the hospital's records: the investigator asks the reporter, and record ids would only widen the disclosure).

    /** The bundle's ConceptMap, checked at start to give a code to every allegation Illinois receives. */
    private final StateConceptMap codes = StateConceptMap.load(IllinoisFormat.class, CONCEPT_MAP);

    @Override
    public String mediaType() {
        return "application/xml";
    }

    @Override
    public Optional<String> write(Referral referral) {
        // Allegations, and a child in care's at-risk signals as RiskSignal (ChildInCare); ruled-out and historical
        // findings never. Identical rows (e.g. the same code from two records) once.
        List<Allegation> written = ChildInCare.allegationsWritten(this, referral);
        Map<List<String>, IntakeAllegationType> rows = new LinkedHashMap<>();
        written.stream().filter(Allegation::isReportable).map(this::allegation)
                .forEach(row -> rows.putIfAbsent(List.of(row.getCode(), row.getTraffickingType().value(), row.getCertainty().value(),
                        row.getPerpetratorRelation().value(), row.getCaregiverRole().value()), row));
        List<RiskSignalType> signals = written.stream().filter(a -> a.certainty() == Certainty.AT_RISK).map(Allegation::type)
                .distinct().map(IllinoisFormat::signal).toList();
        if (rows.isEmpty() && signals.isEmpty()) {
            return Optional.empty();
        }
        IntakeReport report = new IntakeReport();
        report.setReferralId(referral.id().value());
        report.setReceivedAt(IntakeXml.dateTime(referral.receivedAt()));
        report.setChild(child(referral.child()));
        report.setPlaceOfCare(facility(referral.placeOfCare()));
        report.setReporter(reporter(referral.reporter()));
        report.getAllegation().addAll(rows.values());
        report.getRiskSignal().addAll(signals);
        return Optional.of(IntakeXml.write(report));
    }

    @Override
    public Referral read(String payload) {
        IntakeReport report = IntakeXml.read(payload, IntakeReport.class);
        return new Referral(new ReferralId(report.getReferralId()), child(report.getChild()), organization(report.getPlaceOfCare()),
                reporter(report.getReporter()), IntakeXml.instant(report.getReceivedAt()), null,
                java.util.stream.Stream.concat(report.getAllegation().stream().map(this::allegation),
                        report.getRiskSignal().stream().map(s -> Allegation.of(AllegationType.fromCode(s.getTraffickingType().value()),
                                Certainty.AT_RISK))).toList());
    }

    /** DCFS receives a child in its care's at-risk signal (42 U.S.C. 671(a)(34)): a RiskSignal, never an allegation. */
    @Override
    public Optional<String> childInCareAtRiskRule() {
        return Optional.of(ChildInCare.RULE);
    }

    private static RiskSignalType signal(AllegationType type) {
        RiskSignalType signal = new RiskSignalType();
        signal.setTraffickingType(TraffickingTypeCode.fromValue(type.code()));
        signal.setRule(ChildInCare.CITATION);
        return signal;
    }

    @Override
    public Set<ReferralField> disclosedFields() {
        return DISCLOSED;
    }

    // ------------------------------------------------------------------ allegations

    /**
     * Whether Illinois reads the relation as a person responsible for the child's welfare: the shared code's
     * default (parents, step or foster parents and other caregivers are; a non-family member is not; another
     * family member, several or an unknown perpetrator stay undetermined). It only decides the caregiver role
     * written beside the code: code 40 does not depend on who the trafficker is.
     */
    static CaregiverStatus caregiverStatus(PerpetratorRelation relation) {
        return relation.defaultCaregiverStatus();
    }

    /**
     * One shared-code allegation as an Illinois allegation row: the public code the bundle's ConceptMap gives plus the
     * extension fields. The caregiver role follows Illinois' reading of the perpetrator ({@link #caregiverStatus}):
     * {@code act} only for a caregiver, {@code not-applicable} for anyone else, whatever role the allegation came with.
     */
    private IntakeAllegationType allegation(Allegation stated) {
        Allegation allegation = stated.withCaregiverStatus(caregiverStatus(stated.perpetrator()));
        IntakeAllegationType row = new IntakeAllegationType();
        row.setCode(code(allegation));
        row.setTraffickingType(TraffickingTypeCode.fromValue(allegation.type().code()));
        row.setCertainty(CertaintyCode.fromValue(allegation.certainty().code()));
        row.setPerpetratorRelation(PerpetratorRelationCode.fromValue(allegation.perpetrator().code()));
        row.setCaregiverRole(CaregiverRoleCode.fromValue(allegation.caregiverRole().code()));
        return row;
    }

    /**
     * Reads a row back; a code that is not the map's for the row's dimensions (e.g. 90 without failure to protect) is
     * refused. The sandbox's intake checks each report with it.
     */
    public Allegation allegation(IntakeAllegationType row) {
        Allegation allegation = new Allegation(AllegationType.fromCode(row.getTraffickingType().value()),
                Certainty.fromCode(row.getCertainty().value()), PerpetratorRelation.fromCode(row.getPerpetratorRelation().value()),
                CaregiverRole.fromCode(row.getCaregiverRole().value()), List.of());
        if (!row.getCode().equals(code(allegation))) {
            throw new IllegalArgumentException("allegation " + row.getCode() + " contradicts caregiver role " + allegation.caregiverRole().code());
        }
        return allegation;
    }

    /** Appendix B's code for an allegation (40, or 90 for a caregiver's failure to protect), from the ConceptMap. */
    private String code(Allegation allegation) {
        return codes.translate(allegation).orElseThrow(() -> new IllegalArgumentException("allegation "
                + allegation.certainty().code() + " is never sent to Illinois")).of(AllegationType.class);
    }

    // ------------------------------------------------------------------ people and places

    private static ChildType child(Child child) {
        ChildType type = new ChildType();
        type.setName(name(child.name()));
        type.setBirthDate(IntakeXml.date(child.birthDate()));
        type.setSex(SexCode.fromValue(child.sex().name().toLowerCase(Locale.ROOT)));
        type.setResidence(address(child.residence()));
        return type;
    }

    private static Child child(ChildType type) {
        return new Child(name(type.getName()), IntakeXml.localDate(type.getBirthDate()),
                Sex.valueOf(type.getSex().value().toUpperCase(Locale.ROOT)), address(type.getResidence()));
    }

    private static FacilityType facility(Organization organization) {
        if (organization == null) {
            return null;
        }
        FacilityType type = new FacilityType();
        type.setIdentifier(text(organization.identifier()));
        type.setName(text(organization.name()));
        type.setAddress(address(organization.address()));
        return type;
    }

    private static Organization organization(FacilityType type) {
        return type == null ? null : new Organization(type.getIdentifier(), type.getName(), address(type.getAddress()));
    }

    private static ReporterType reporter(Reporter reporter) {
        if (reporter == null) {
            return null;
        }
        ReporterType type = new ReporterType();
        type.setName(name(reporter.name()));
        type.setRole(text(reporter.role()));
        type.setPhone(text(reporter.phone()));
        return type;
    }

    private static Reporter reporter(ReporterType type) {
        // the facility is not sent with the reporter: it is the place of care
        return type == null ? null : new Reporter(name(type.getName()), type.getRole(), type.getPhone(), null);
    }

    private static PersonNameType name(PersonName name) {
        if (name == null) {
            return null;
        }
        PersonNameType type = new PersonNameType();
        type.setFamily(text(name.family()));
        name.given().stream().map(IllinoisFormat::text).filter(g -> g != null).forEach(type.getGiven()::add);
        return type;
    }

    private static PersonName name(PersonNameType type) {
        return type == null ? null : new PersonName(type.getFamily(), type.getGiven());
    }

    private static AddressType address(Address address) {
        if (address == null) {
            return null;
        }
        AddressType type = new AddressType();
        address.lines().stream().map(IllinoisFormat::text).filter(l -> l != null).forEach(type.getLine()::add);
        type.setCity(text(address.city()));
        type.setState(text(address.state()));
        type.setPostalCode(text(address.postalCode()));
        type.setCountry(text(address.country()));
        return type;
    }

    private static Address address(AddressType type) {
        return type == null ? null
                : new Address(type.getLine(), type.getCity(), type.getState(), type.getPostalCode(), type.getCountry());
    }

    /** Blank as absent: the schema's text types have a minimum length of 1. */
    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

package org.safeharbor.jurisdiction.us.tx;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.xml.bind.JAXBElement;

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
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;
import org.safeharbor.jurisdiction.support.v1.SchemaXml.InvalidDocumentException;
import org.safeharbor.jurisdiction.us.tx.wire.AddressType;
import org.safeharbor.jurisdiction.us.tx.wire.AllegationCertaintyCodeSimpleType;
import org.safeharbor.jurisdiction.us.tx.wire.AllegationTypeCodeSimpleType;
import org.safeharbor.jurisdiction.us.tx.wire.CaregiverRoleCodeSimpleType;
import org.safeharbor.jurisdiction.us.tx.wire.CaregiverStatusCodeSimpleType;
import org.safeharbor.jurisdiction.us.tx.wire.ChildAugmentationType;
import org.safeharbor.jurisdiction.us.tx.wire.ChildInCareRiskSignalType;
import org.safeharbor.jurisdiction.us.tx.wire.ChildTraffickingReportType;
import org.safeharbor.jurisdiction.us.tx.wire.ChildType;
import org.safeharbor.jurisdiction.us.tx.wire.DateType;
import org.safeharbor.jurisdiction.us.tx.wire.HumanTraffickingVictimType;
import org.safeharbor.jurisdiction.us.tx.wire.IdentificationType;
import org.safeharbor.jurisdiction.us.tx.wire.IntakeRoute;
import org.safeharbor.jurisdiction.us.tx.wire.JuvenileAbuseNeglectAllegationAugmentationType;
import org.safeharbor.jurisdiction.us.tx.wire.JuvenileAbuseNeglectAllegationType;
import org.safeharbor.jurisdiction.us.tx.wire.LocationType;
import org.safeharbor.jurisdiction.us.tx.wire.MandatedReporterType;
import org.safeharbor.jurisdiction.us.tx.wire.ObjectFactory;
import org.safeharbor.jurisdiction.us.tx.wire.OrganizationType;
import org.safeharbor.jurisdiction.us.tx.wire.PerpetratorRelationCodeSimpleType;
import org.safeharbor.jurisdiction.us.tx.wire.PersonNameType;
import org.safeharbor.jurisdiction.us.tx.wire.StatusType;
import org.safeharbor.jurisdiction.us.tx.wire.TraffickingEventType;

/**
 * The Texas reference wire format: one {@code ext:ChildTraffickingReport}, NIEM-style XML after the Human
 * Services domain 5.2 (hand-written subset schemas in {@code iepd/us-tx/}). A REFERENCE DESIGN: no state
 * publishes its intake interface (docs/domain.md); the codes inside are the public ones.
 *
 * <p>Each reportable allegation becomes one {@code hs:JuvenileAbuseNeglectAllegation}. The trafficking
 * itself travels in {@code hs:HumanTraffickingVictim} (NIEM's NCANDS allegation code list has no
 * trafficking value, docs/domain.md), and the four dimensions of the shared code, with Texas' reading of the
 * perpetrator and the route, in the allegation's {@code ext:} augmentation, so reading back is exact.
 *
 * <p>Every type is received (the SPI's default): §2380 speaks of trafficking without distinguishing sex from labor, and
 * both routes take both. No at-risk rule (the default): §2380 concerns allegations of trafficking; P.L. 113-183's "at
 * risk of" covers children in foster care, not a hospital screen, and a risk signal is not an allegation of abuse
 * (docs/domain.md). A child in DFPS' care (foster care or its supervision) is such a child: that child's at-risk signal
 * is written as an {@code ext:ChildInCareRiskSignal} (the form and the rule; no ExploitationIndustryCode, no route code,
 * no certainty) under {@link #childInCareAtRiskRule()}, the kit's {@link ChildInCare#RULE}, and reaches CPS intake
 * ({@link TexasRules#withSignals}).
 */
public final class TexasNiemFormat implements StateFormat {

    /**
     * Shared code -> this design's codes (CodeSystem us-tx-allegation, not NIEM's code list), a group per dimension: the
     * type gives the ExploitationIndustryCode, the perpetrator relation (with the caregiver role where it matters) the
     * intake route (CPS Handbook §2380), the certainty the IdentifiedAsVictimStatus; only suspected and confirmed are sent.
     */
    public static final String CONCEPT_MAP = "fhir/ConceptMap-ht-allegation-to-us-tx.json";

    private static final Pattern USPS_STATE = Pattern.compile("[A-Z]{2}");
    private static final ObjectFactory WIRE = TexasXml.WIRE;

    private final Duration lawEnforcementClock;
    /** The bundle's ConceptMap, checked at start to give every code to every allegation Texas receives. */
    private final StateConceptMap conceptMap = StateConceptMap.load(TexasNiemFormat.class, CONCEPT_MAP);

    /** @param lawEnforcementClock the law-enforcement clock, for the due time written into reports it applies to */
    public TexasNiemFormat(Duration lawEnforcementClock) {
        this.lawEnforcementClock = lawEnforcementClock;
    }

    @Override
    public String mediaType() {
        return TexasXml.MEDIA_TYPE;
    }

    /**
     * The minimum both receivers need to act on a report within hours:
     * <ul>
     *   <li>REFERRAL_ID: de-duplicates redeliveries and ties later statuses to the report;</li>
     *   <li>RECEIVED_AT: the 24-hour law-enforcement clock runs from it (CPS Handbook §2380);</li>
     *   <li>CHILD_NAME, CHILD_BIRTH_DATE: identify the child and show a minor, for whom CPS or law enforcement
     *       is responsible;</li>
     *   <li>CHILD_STREET_ADDRESS, CHILD_CITY, CHILD_STATE: where the household is, which CPS must visit when
     *       a caregiver is the alleged trafficker, and which county's law enforcement is responsible;</li>
     *   <li>PLACE_OF_CARE_NAME, PLACE_OF_CARE_ADDRESS: where the child is now, so responders can reach the
     *       child within the 24 hours;</li>
     *   <li>REPORTER_NAME, REPORTER_ROLE, REPORTER_PHONE: the mandated reporter, for the call-back;</li>
     *   <li>ALLEGATIONS: what is alleged, and so which agency acts.</li>
     * </ul>
     * Not sent: the child's sex (name and birth date identify the child), when the finding was recorded, the
     * hospital's identifier (the name and address locate it) and the references to the hospital's own
     * records (meaningless outside the hospital; the call-back reaches them).
     */
    @Override
    public Set<ReferralField> disclosedFields() {
        return EnumSet.of(ReferralField.REFERRAL_ID, ReferralField.RECEIVED_AT,
                ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE,
                ReferralField.CHILD_STREET_ADDRESS, ReferralField.CHILD_CITY, ReferralField.CHILD_STATE,
                ReferralField.PLACE_OF_CARE_NAME, ReferralField.PLACE_OF_CARE_ADDRESS,
                ReferralField.REPORTER_NAME, ReferralField.REPORTER_ROLE, ReferralField.REPORTER_PHONE,
                ReferralField.ALLEGATIONS);
    }

    // ------------------------------------------------------------------ write

    @Override
    public Optional<String> write(Referral referral) {
        // Suspected and confirmed allegations, and a child in care's at-risk signals as ChildInCareRiskSignal (ChildInCare);
        // ruled-out and historical findings never. The caregiver role follows Texas' reading of the perpetrator
        // (TexasRules.caregiverStatus): act only for a person responsible for the child's care, not-applicable for anyone else.
        List<Allegation> written = ChildInCare.allegationsWritten(this, referral);
        List<Allegation> sent = written.stream().filter(Allegation::isReportable)
                .map(a -> a.withCaregiverStatus(TexasRules.caregiverStatus(a.perpetrator()))).toList();
        List<ChildInCareRiskSignalType> signals = written.stream().filter(a -> a.certainty() == Certainty.AT_RISK)
                .map(Allegation::type).distinct().map(TexasNiemFormat::signal).toList();
        Optional<IntakeRoute> route = TexasRules.withSignals(route(sent), !signals.isEmpty());
        if (route.isEmpty()) {
            return Optional.empty();
        }
        ChildTraffickingReportType report = new ChildTraffickingReportType();
        report.setReferralIdentification(id(referral.id().value()));
        report.setReportReceivedDateTime(TexasXml.dateTime(referral.receivedAt()));
        report.setReportRouteCode(route.get());
        if (TexasRules.toLawEnforcement(route.get())) {
            report.setLawEnforcementNotificationDueDateTime(TexasXml.dateTime(referral.receivedAt().plus(lawEnforcementClock)));
        }
        report.setChild(child(referral.child()));
        Organization place = referral.placeOfCare();
        if (place != null) {
            // the place of care: the hospital that saw the child and reports. Its identifier is not sent.
            report.setReportingOrganization(new OrganizationType());
            report.getReportingOrganization().setOrganizationName(text(place.name()));
            if (place.address() != null) {
                report.getReportingOrganization().setOrganizationLocation(new LocationType());
                report.getReportingOrganization().getOrganizationLocation().setAddress(address(place.address()));
            }
        }
        Reporter reporter = referral.reporter();
        if (reporter != null) {
            report.setMandatedReporter(new MandatedReporterType());
            report.getMandatedReporter().setPersonName(name(reporter.name()));
            report.getMandatedReporter().setReporterRoleText(text(reporter.role()));
            report.getMandatedReporter().setTelephoneNumberFullID(text(reporter.phone()));
        }
        sent.forEach(a -> report.getJuvenileAbuseNeglectAllegation().add(allegation(a)));
        report.getChildInCareRiskSignal().addAll(signals);
        return Optional.of(TexasXml.write(WIRE.createChildTraffickingReport(report)));
    }

    /** DFPS receives a child in its care's at-risk signal (42 U.S.C. 671(a)(34)): a ChildInCareRiskSignal, never an allegation. */
    @Override
    public Optional<String> childInCareAtRiskRule() {
        return Optional.of(ChildInCare.RULE);
    }

    /**
     * The route of the report this format writes for the referral (its {@code ext:ReportRouteCode}): its allegations'
     * route, with a child in care's signals reaching CPS intake ({@link TexasRules#withSignals}); empty when nothing is written.
     */
    public Optional<IntakeRoute> route(Referral referral) {
        List<Allegation> written = ChildInCare.allegationsWritten(this, referral);
        return TexasRules.withSignals(route(written), written.stream().anyMatch(a -> a.certainty() == Certainty.AT_RISK));
    }

    private static ChildInCareRiskSignalType signal(AllegationType form) {
        ChildInCareRiskSignalType signal = new ChildInCareRiskSignalType();
        signal.setRiskSignalFormCode(AllegationTypeCodeSimpleType.fromValue(form.code()));
        signal.setRiskSignalRuleText(ChildInCare.CITATION);
        return signal;
    }

    /**
     * The route of a report: every agency any of its reportable allegations needs, each allegation's route from the map
     * (two different routes together reach both); empty when none is reportable.
     */
    public Optional<IntakeRoute> route(Collection<Allegation> allegations) {
        return allegations.stream().filter(Allegation::isReportable).map(a -> codes(a).of(PerpetratorRelation.class)).map(IntakeRoute::fromValue)
                .reduce((a, b) -> a == b ? a : IntakeRoute.LAW_ENFORCEMENT_NOTICE_AND_CPS);
    }

    private StateConceptMap.Codes codes(Allegation a) {
        return conceptMap.translate(a).orElseThrow(() -> new IllegalArgumentException(a.certainty().code() + " is never sent to Texas"));
    }

    /** An ext: identification, e.g. the referral's id. */
    static IdentificationType id(String value) {
        IdentificationType id = new IdentificationType();
        id.setIdentificationID(value);
        return id;
    }

    private static ChildType child(Child child) {
        ChildType x = new ChildType();
        x.setPersonName(name(child.name()));
        x.setPersonBirthDate(new DateType());
        x.getPersonBirthDate().setDate(TexasXml.date(child.birthDate()));
        if (child.residence() != null) {
            ChildAugmentationType residence = new ChildAugmentationType();
            residence.setChildResidenceAddress(address(child.residence()));
            x.getChildAugmentationPoint().add(WIRE.createChildAugmentation(residence));
        }
        return x;
    }

    private JuvenileAbuseNeglectAllegationType allegation(Allegation a) {
        StateConceptMap.Codes mapped = codes(a);
        StatusType certainty = new StatusType();
        certainty.setStatusText(mapped.of(Certainty.class));
        TraffickingEventType event = new TraffickingEventType();
        event.setExploitationIndustryCode(mapped.of(AllegationType.class));
        HumanTraffickingVictimType victim = new HumanTraffickingVictimType();
        victim.setIdentifiedAsVictimStatus(certainty);
        victim.getTraffickingEvent().add(event);
        JuvenileAbuseNeglectAllegationAugmentationType codes = new JuvenileAbuseNeglectAllegationAugmentationType();
        codes.setAllegationTypeCode(AllegationTypeCodeSimpleType.fromValue(a.type().code()));
        codes.setAllegationCertaintyCode(AllegationCertaintyCodeSimpleType.fromValue(a.certainty().code()));
        codes.setPerpetratorRelationCode(PerpetratorRelationCodeSimpleType.fromValue(a.perpetrator().code()));
        codes.setCaregiverRoleCode(CaregiverRoleCodeSimpleType.fromValue(a.caregiverRole().code()));
        codes.setPerpetratorCaregiverStatusCode(CaregiverStatusCodeSimpleType.fromValue(
                TexasRules.caregiverStatus(a.perpetrator()).name().toLowerCase(Locale.ROOT).replace('_', '-')));
        codes.setIntakeRouteCode(IntakeRoute.fromValue(mapped.of(PerpetratorRelation.class)));
        JuvenileAbuseNeglectAllegationType x = new JuvenileAbuseNeglectAllegationType();
        x.setHumanTraffickingVictim(victim);
        x.getJuvenileAbuseNeglectAllegationAugmentationPoint().add(WIRE.createJuvenileAbuseNeglectAllegationAugmentation(codes));
        return x;
    }

    private static PersonNameType name(PersonName name) {
        List<String> given = name == null ? List.of() : name.given().stream().map(TexasNiemFormat::text).filter(Objects::nonNull).toList();
        if (name == null || (text(name.family()) == null && given.isEmpty())) {
            return null;
        }
        PersonNameType x = new PersonNameType();
        x.getPersonGivenName().addAll(given);
        x.setPersonSurName(text(name.family()));
        return x;
    }

    private static AddressType address(Address address) {
        AddressType x = new AddressType();
        address.lines().stream().map(TexasNiemFormat::text).filter(Objects::nonNull).forEach(x.getAddressDeliveryPointText()::add);
        x.setLocationCityName(text(address.city()));
        String state = address.state() == null ? null : address.state().trim().toUpperCase(Locale.ROOT);
        x.setLocationStateUSPostalServiceCode(state != null && USPS_STATE.matcher(state).matches() ? state : null);
        x.setLocationPostalCode(text(address.postalCode()));
        return x;
    }

    /** A value trimmed, or null (not written) for a missing one: the schema has no empty values. */
    private static String text(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    // ------------------------------------------------------------------ read

    /**
     * Reads a report back (validating it first). Only what it carries: the child's sex comes back unknown,
     * evidence and the hospital's identifier empty.
     *
     * @throws InvalidDocumentException if the payload is not a valid US-TX report
     */
    @Override
    public Referral read(String payload) {
        ChildTraffickingReportType report = TexasXml.read(payload, ChildTraffickingReportType.class);
        ChildType x = report.getChild();
        DateType birth = x.getPersonBirthDate();
        Child child = new Child(name(x.getPersonName()), TexasXml.localDate(birth.getDate() != null ? birth.getDate() : birth.getDateTime()),
                Sex.UNKNOWN, augmentation(x.getChildAugmentationPoint(), ChildAugmentationType.class)
                        .map(residence -> address(residence.getChildResidenceAddress())).orElse(null));
        OrganizationType org = report.getReportingOrganization();
        Organization place = org == null ? null : new Organization(null, org.getOrganizationName(),
                org.getOrganizationLocation() == null ? null : address(org.getOrganizationLocation().getAddress()));
        MandatedReporterType r = report.getMandatedReporter();
        Reporter reporter = r == null ? null : new Reporter(name(r.getPersonName()), r.getReporterRoleText(), r.getTelephoneNumberFullID(), place);
        List<Allegation> allegations = new java.util.ArrayList<>(report.getJuvenileAbuseNeglectAllegation().stream().map(this::allegation).toList());
        // a child in care's risk signal reads back as at-risk only, never as an allegation
        report.getChildInCareRiskSignal().forEach(s -> allegations.add(Allegation.of(AllegationType.fromCode(s.getRiskSignalFormCode().value()),
                Certainty.AT_RISK)));
        if (allegations.isEmpty()) {
            throw new InvalidDocumentException("a report without an allegation or a child in care's risk signal");
        }
        return new Referral(new ReferralId(report.getReferralIdentification().getIdentificationID()), child, place, reporter,
                TexasXml.instant(report.getReportReceivedDateTime(), "ReportReceivedDateTime"), null, List.copyOf(allegations));
    }

    private Allegation allegation(JuvenileAbuseNeglectAllegationType a) {
        var codes = augmentation(a.getJuvenileAbuseNeglectAllegationAugmentationPoint(), JuvenileAbuseNeglectAllegationAugmentationType.class);
        if (codes.isPresent()) {
            return new Allegation(AllegationType.fromCode(codes.get().getAllegationTypeCode().value()),
                    Certainty.fromCode(codes.get().getAllegationCertaintyCode().value()),
                    PerpetratorRelation.fromCode(codes.get().getPerpetratorRelationCode().value()),
                    CaregiverRole.fromCode(codes.get().getCaregiverRoleCode().value()), List.of());
        }
        // Without the extension (a plain NIEM reader's view): only the kind of exploitation and the certainty, as the map
        // reads them back (sexual-exploitation is sex-trafficking, the broadest; labor-exploitation labor-trafficking).
        HumanTraffickingVictimType victim = a.getHumanTraffickingVictim();
        String industry = victim.getTraffickingEvent().get(0).getExploitationIndustryCode();
        String status = victim.getIdentifiedAsVictimStatus().getStatusText();
        return new Allegation(conceptMap.reverse(AllegationType.class, industry).orElseThrow(
                () -> new InvalidDocumentException("unknown ExploitationIndustryCode " + industry)),
                conceptMap.reverse(Certainty.class, status).orElseThrow(() -> new InvalidDocumentException("unknown IdentifiedAsVictimStatus")),
                PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE, List.of());
    }

    /** The augmentation of that type among an element's augmentation points (NIEM's way of extending a type). */
    private static <T> Optional<T> augmentation(List<JAXBElement<?>> points, Class<T> type) {
        return points.stream().map(JAXBElement::getValue).filter(type::isInstance).map(type::cast).findFirst();
    }

    private static PersonName name(PersonNameType name) {
        return name == null ? null : new PersonName(name.getPersonSurName(), List.copyOf(name.getPersonGivenName()));
    }

    private static Address address(AddressType address) {
        return new Address(List.copyOf(address.getAddressDeliveryPointText()), address.getLocationCityName(),
                address.getLocationStateUSPostalServiceCode(), address.getLocationPostalCode(), "US");
    }
}

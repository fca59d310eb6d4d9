package org.safeharbor.jurisdiction.us.tx;

import static org.safeharbor.jurisdiction.us.tx.TexasXml.EXT;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.HS;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.NC;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.child;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.children;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.requiredText;
import static org.safeharbor.jurisdiction.us.tx.TexasXml.text;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

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
import org.w3c.dom.Element;

/**
 * The Texas reference wire format: one {@code ext:ChildTraffickingReport}, NIEM-style XML after the Human
 * Services domain 5.2 (hand-written subset schemas in {@code iepd/us-tx/}). A REFERENCE DESIGN: no state
 * publishes its intake interface (docs/domain.md); the codes inside are the public ones.
 *
 * <p>Each reportable allegation becomes one {@code hs:JuvenileAbuseNeglectAllegation}. The trafficking
 * itself travels in {@code hs:HumanTraffickingVictim} (NIEM's NCANDS allegation code list has no
 * trafficking value, docs/domain.md), and the four dimensions of the shared code, with Texas' reading of the
 * perpetrator and the route, in the allegation's {@code ext:} augmentation, so reading back is exact.
 */
public final class TexasNiemFormat implements StateFormat {

    /** ExploitationIndustryCode values of this design (CodeSystem us-tx-allegation): not NIEM's code list. */
    public static final String SEXUAL_EXPLOITATION = "sexual-exploitation";
    public static final String LABOR_EXPLOITATION = "labor-exploitation";

    private static final Pattern USPS_STATE = Pattern.compile("[A-Z]{2}");

    private final Duration lawEnforcementClock;

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

    /** None: §2380 speaks of trafficking without distinguishing sex from labor, and both routes take both. */
    @Override
    public Map<AllegationType, String> unsupportedTypes() {
        return Map.of();
    }

    /**
     * None: §2380 concerns allegations of trafficking. P.L. 113-183's "at risk of" covers children in foster
     * care, not a hospital screen, and a risk signal is not an allegation of abuse (docs/domain.md).
     */
    @Override
    public Optional<String> atRiskRule() {
        return Optional.empty();
    }

    // ------------------------------------------------------------------ write

    @Override
    public Optional<String> write(Referral referral) {
        // Only suspected and confirmed: at-risk (no rule), ruled-out and historical findings are never written.
        // The caregiver role follows Texas' reading of the perpetrator (TexasRules.caregiverStatus): act only for a
        // person responsible for the child's care, not-applicable for anyone else.
        List<Allegation> sent = referral.allegations().stream().filter(Allegation::isReportable)
                .map(a -> a.withCaregiverStatus(TexasRules.caregiverStatus(a.perpetrator()))).toList();
        Optional<IntakeRoute> route = TexasRules.route(sent);
        if (route.isEmpty()) {
            return Optional.empty();
        }
        StringWriter out = new StringWriter();
        XMLStreamWriter w = TexasXml.writer(out);
        try {
            w.writeStartDocument("UTF-8", "1.0");
            w.setPrefix("ext", EXT);
            w.setPrefix("hs", HS);
            w.setPrefix("nc", NC);
            w.writeStartElement(EXT, "ChildTraffickingReport");
            w.writeNamespace("ext", EXT);
            w.writeNamespace("hs", HS);
            w.writeNamespace("nc", NC);

            w.writeStartElement(EXT, "ReferralIdentification");
            leaf(w, NC, "IdentificationID", referral.id().value());
            w.writeEndElement();
            leaf(w, EXT, "ReportReceivedDateTime", referral.receivedAt().toString());
            leaf(w, EXT, "ReportRouteCode", route.get().code());
            if (route.get().toLawEnforcement()) {
                leaf(w, EXT, "LawEnforcementNotificationDueDateTime", referral.receivedAt().plus(lawEnforcementClock).toString());
            }
            writeChild(w, referral.child());
            writeReportingOrganization(w, referral.placeOfCare());
            writeReporter(w, referral.reporter());
            for (Allegation allegation : sent) {
                writeAllegation(w, allegation);
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the US-TX report", e);
        }
        return Optional.of(out.toString());
    }

    /** The ExploitationIndustryCode of a shared type (ConceptMap-ht-allegation-to-us-tx.json). */
    public static String exploitationIndustryCode(AllegationType type) {
        return type.isSexual() ? SEXUAL_EXPLOITATION : LABOR_EXPLOITATION;
    }

    private static void writeChild(XMLStreamWriter w, Child child) throws XMLStreamException {
        w.writeStartElement(HS, "Child");
        writeName(w, child.name());
        w.writeStartElement(NC, "PersonBirthDate");
        leaf(w, NC, "Date", child.birthDate().toString());
        w.writeEndElement();
        if (child.residence() != null) {
            w.writeStartElement(EXT, "ChildAugmentation");
            w.writeStartElement(EXT, "ChildResidenceAddress");
            writeAddressParts(w, child.residence());
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    private static void writeReportingOrganization(XMLStreamWriter w, Organization place) throws XMLStreamException {
        if (place == null) {
            return;
        }
        // The place of care: the hospital that saw the child and reports. Its identifier is not sent.
        w.writeStartElement(HS, "ReportingOrganization");
        leaf(w, NC, "OrganizationName", place.name());
        if (place.address() != null) {
            w.writeStartElement(NC, "OrganizationLocation");
            w.writeStartElement(NC, "Address");
            writeAddressParts(w, place.address());
            w.writeEndElement();
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    private static void writeReporter(XMLStreamWriter w, Reporter reporter) throws XMLStreamException {
        if (reporter == null) {
            return;
        }
        w.writeStartElement(EXT, "MandatedReporter");
        writeName(w, reporter.name());
        leaf(w, EXT, "ReporterRoleText", reporter.role());
        leaf(w, NC, "TelephoneNumberFullID", reporter.phone());
        w.writeEndElement();
    }

    private static void writeAllegation(XMLStreamWriter w, Allegation a) throws XMLStreamException {
        w.writeStartElement(HS, "JuvenileAbuseNeglectAllegation");
        w.writeStartElement(HS, "HumanTraffickingVictim");
        w.writeStartElement(HS, "IdentifiedAsVictimStatus");
        leaf(w, NC, "StatusText", a.certainty().code());
        w.writeEndElement();
        w.writeStartElement(HS, "TraffickingEvent");
        leaf(w, HS, "ExploitationIndustryCode", exploitationIndustryCode(a.type()));
        w.writeEndElement();
        w.writeEndElement();
        w.writeStartElement(EXT, "JuvenileAbuseNeglectAllegationAugmentation");
        leaf(w, EXT, "AllegationTypeCode", a.type().code());
        leaf(w, EXT, "AllegationCertaintyCode", a.certainty().code());
        leaf(w, EXT, "PerpetratorRelationCode", a.perpetrator().code());
        leaf(w, EXT, "CaregiverRoleCode", a.caregiverRole().code());
        leaf(w, EXT, "PerpetratorCaregiverStatusCode",
                TexasRules.caregiverStatus(a.perpetrator()).name().toLowerCase(Locale.ROOT).replace('_', '-'));
        leaf(w, EXT, "IntakeRouteCode", TexasRules.route(a).code());
        w.writeEndElement();
        w.writeEndElement();
    }

    private static void writeName(XMLStreamWriter w, PersonName name) throws XMLStreamException {
        if (name == null || (isBlank(name.family()) && name.given().stream().allMatch(TexasNiemFormat::isBlank))) {
            return;
        }
        w.writeStartElement(NC, "PersonName");
        for (String given : name.given()) {
            leaf(w, NC, "PersonGivenName", given);
        }
        leaf(w, NC, "PersonSurName", name.family());
        w.writeEndElement();
    }

    private static void writeAddressParts(XMLStreamWriter w, Address address) throws XMLStreamException {
        for (String line : address.lines()) {
            leaf(w, NC, "AddressDeliveryPointText", line);
        }
        leaf(w, NC, "LocationCityName", address.city());
        String state = address.state() == null ? null : address.state().trim().toUpperCase(Locale.ROOT);
        if (state != null && USPS_STATE.matcher(state).matches()) {
            leaf(w, NC, "LocationStateUSPostalServiceCode", state);
        }
        leaf(w, NC, "LocationPostalCode", address.postalCode());
    }

    /** Writes a simple element, or nothing for a missing value (the schema has no empty values). */
    private static void leaf(XMLStreamWriter w, String ns, String name, String value) throws XMLStreamException {
        if (isBlank(value)) {
            return;
        }
        w.writeStartElement(ns, name);
        w.writeCharacters(value.trim());
        w.writeEndElement();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
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
        Element root = TexasXml.parseValid(payload, "ChildTraffickingReport");
        ReferralId id = new ReferralId(requiredText(child(root, EXT, "ReferralIdentification").orElseThrow(), NC, "IdentificationID"));
        Instant receivedAt = Instant.parse(requiredText(root, EXT, "ReportReceivedDateTime"));

        Element childElement = child(root, HS, "Child").orElseThrow();
        Address residence = child(childElement, EXT, "ChildAugmentation")
                .flatMap(aug -> child(aug, EXT, "ChildResidenceAddress")).map(TexasNiemFormat::readAddress).orElse(null);
        LocalDate birthDate = LocalDate.parse(requiredText(child(childElement, NC, "PersonBirthDate").orElseThrow(), NC, "Date"));
        Child child = new Child(child(childElement, NC, "PersonName").map(TexasNiemFormat::readName).orElse(null),
                birthDate, Sex.UNKNOWN, residence);

        Organization place = child(root, HS, "ReportingOrganization").map(org -> new Organization(null,
                text(org, NC, "OrganizationName").orElse(null),
                child(org, NC, "OrganizationLocation").flatMap(l -> child(l, NC, "Address")).map(TexasNiemFormat::readAddress)
                        .orElse(null))).orElse(null);
        Reporter reporter = child(root, EXT, "MandatedReporter").map(r -> new Reporter(
                child(r, NC, "PersonName").map(TexasNiemFormat::readName).orElse(null),
                text(r, EXT, "ReporterRoleText").orElse(null),
                text(r, NC, "TelephoneNumberFullID").orElse(null), place)).orElse(null);

        List<Allegation> allegations = new ArrayList<>();
        for (Element a : children(root, HS, "JuvenileAbuseNeglectAllegation")) {
            allegations.add(readAllegation(a));
        }
        return new Referral(id, child, place, reporter, receivedAt, null, allegations);
    }

    private static Allegation readAllegation(Element a) {
        Optional<Element> aug = child(a, EXT, "JuvenileAbuseNeglectAllegationAugmentation");
        if (aug.isPresent()) {
            Element x = aug.get();
            return new Allegation(AllegationType.fromCode(requiredText(x, EXT, "AllegationTypeCode")),
                    Certainty.fromCode(requiredText(x, EXT, "AllegationCertaintyCode")),
                    PerpetratorRelation.fromCode(requiredText(x, EXT, "PerpetratorRelationCode")),
                    CaregiverRole.fromCode(requiredText(x, EXT, "CaregiverRoleCode")), List.of());
        }
        // Without the extension (a plain NIEM reader's view): only the kind of exploitation and the certainty.
        Element victim = child(a, HS, "HumanTraffickingVictim").orElseThrow();
        String certainty = requiredText(child(victim, HS, "IdentifiedAsVictimStatus").orElseThrow(), NC, "StatusText");
        String industry = requiredText(child(victim, HS, "TraffickingEvent").orElseThrow(), HS, "ExploitationIndustryCode");
        AllegationType type = switch (industry) {
            case SEXUAL_EXPLOITATION -> AllegationType.SEX_TRAFFICKING;
            case LABOR_EXPLOITATION -> AllegationType.LABOR_TRAFFICKING;
            default -> throw new InvalidDocumentException("unknown ExploitationIndustryCode " + industry);
        };
        return new Allegation(type, Certainty.fromCode(certainty), PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE, List.of());
    }

    private static PersonName readName(Element name) {
        List<String> given = children(name, NC, "PersonGivenName").stream().map(e -> e.getTextContent().trim()).toList();
        return new PersonName(text(name, NC, "PersonSurName").orElse(null), given);
    }

    private static Address readAddress(Element address) {
        List<String> lines = children(address, NC, "AddressDeliveryPointText").stream().map(e -> e.getTextContent().trim()).toList();
        return new Address(lines, text(address, NC, "LocationCityName").orElse(null),
                text(address, NC, "LocationStateUSPostalServiceCode").orElse(null),
                text(address, NC, "LocationPostalCode").orElse(null), "US");
    }
}

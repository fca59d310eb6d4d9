package org.safeharbor.fhir;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.EvidenceReference;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.fhir.SubmissionReader.IndexedResource;

/**
 * Reads a law-enforcement custody notice (message event {@value FhirSystems#CUSTODY_NOTICE_EVENT}; profile
 * StructureDefinition/custody-notice) into a canonical {@link Referral}: a police or juvenile-detention records system
 * tells child welfare of a minor it took into custody in circumstances of commercial sexual exploitation, or identified
 * as a victim of sex trafficking (325 ILCS 5/7.4; docs/domain.md, "Custody notices").
 *
 * <p>Safe harbor (IOM/NRC 2013: a minor is a victim, never an offender): whatever the circumstance, the referral holds one
 * allegation, sex trafficking, suspected, the child the victim, the perpetrator unknown; its source is
 * {@link ReportSource#LAW_ENFORCEMENT}, its reporter and place the agency (role {@value #REPORTER_ROLE}). Only the
 * minor's name, birth date, sex, residence and care status ({@link CareStatusReader}), the agency's name, identifier, address and telephone, the time of
 * custody and the circumstance's code are read: no identifier, note or other element of the Observation (the profile
 * refuses an identifier or a note), so no offense, charge or arrest number can reach the referral or a state.
 */
final class CustodyNoticeReader {

    /** The reporter's role in the referral: who reported, in neutral words. */
    static final String REPORTER_ROLE = "law enforcement";

    private final Clock clock;

    CustodyNoticeReader(Clock clock) {
        this.clock = clock;
    }

    /** Whether the Bundle is a custody notice: a MessageHeader first whose event is custody-notice. */
    static boolean isCustodyNotice(Bundle bundle) {
        return bundle.hasEntry() && bundle.getEntryFirstRep().getResource() instanceof MessageHeader header
                && header.hasEventCoding() && FhirSystems.MESSAGE_EVENT.equals(header.getEventCoding().getSystem())
                && FhirSystems.CUSTODY_NOTICE_EVENT.equals(header.getEventCoding().getCode());
    }

    Submission read(Bundle bundle, byte[] raw) {
        if (bundle.getType() != BundleType.MESSAGE) {
            throw Refusals.badRequest("Bundle.type", "a custody notice is a Bundle of type 'message'");
        }
        SubmissionReader.Resources resources = new SubmissionReader.Resources(bundle);
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        IndexedResource<Patient> patient = resources.single(Patient.class).orElseThrow(() -> Refusals.unprocessable(
                IssueType.REQUIRED, "Bundle.entry", "no Patient in the custody notice: the minor is required"));
        Child child = SubmissionReader.child(patient);
        org.hl7.fhir.r4.model.Organization agency = resources.resolve(header.getSender(), org.hl7.fhir.r4.model.Organization.class)
                .orElseThrow(() -> Refusals.unprocessable(IssueType.REQUIRED, "Bundle.entry[0].resource.sender",
                        "the MessageHeader's sender must be the law-enforcement agency, an Organization in the Bundle"));
        IndexedResource<Observation> circumstance = circumstance(resources);
        Observation observation = circumstance.resource();
        if (!observation.hasEffectiveDateTimeType() || !observation.getEffectiveDateTimeType().hasValue()) {
            throw Refusals.unprocessable(IssueType.REQUIRED, circumstance.path() + ".effective",
                    "the time of custody (effectiveDateTime) is required");
        }
        Instant custodyAt = observation.getEffectiveDateTimeType().getValue().toInstant();
        Coding code = circumstanceCode(circumstance);

        Instant receivedAt = clock.instant();
        Organization where = new Organization(agency.hasIdentifier() ? agency.getIdentifierFirstRep().getValue() : null,
                agency.getName(), agency.hasAddress() ? SubmissionReader.address(agency.getAddressFirstRep()) : null);
        LocalDate day = dayOfCustody(custodyAt, receivedAt, where, child);
        if (SubmissionReader.earliestBirthDay(patient.resource().getBirthDateElement()).isAfter(day)) {
            throw Refusals.unprocessable(IssueType.BUSINESSRULE, patient.path() + ".birthDate",
                    "the birth date is after the day of custody (or of receipt)");
        }
        if (!child.isMinorOn(day)) {
            throw Refusals.unprocessable(IssueType.BUSINESSRULE, patient.path() + ".birthDate",
                    "the person was 18 or older on the day of custody: SafeHarbor Bridge only carries reports about minors");
        }
        String phone = agency.getTelecom().stream().filter(t -> t.hasValue()).map(t -> t.getValue()).findFirst().orElse(null);
        Reporter reporter = new Reporter(null, REPORTER_ROLE, phone, where);
        // the child is the victim: sex trafficking, suspected, by someone unknown (never the child)
        Allegation allegation = new Allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.of(PerpetratorRelation.UNKNOWN.defaultCaregiverStatus(), CaregiverRole.ACT),
                List.of(new EvidenceReference(resources.referenceTo(circumstance), code.getSystem(), code.getCode())));
        Referral referral = new Referral(ReferralId.random(), child, where, reporter, receivedAt, custodyAt, List.of(allegation),
                ReportSource.LAW_ENFORCEMENT, CareStatusReader.read(patient.resource(), patient.path()), false);
        if (referral.jurisdictions().isEmpty()) {
            throw Refusals.unprocessable(IssueType.REQUIRED, patient.path() + ".address.state",
                    "no state for the minor's residence nor for the agency: cannot tell which jurisdiction to report to");
        }
        SubmissionReader.SubmissionKey key = SubmissionReader.submissionKey(bundle, header, raw);
        String sourceEndpoint = header.getSource().hasEndpoint() ? header.getSource().getEndpoint() : null;
        return new Submission(key.sender() + "|" + key.id(), sourceEndpoint, referral, true, List.of());
    }

    /** The one Observation coded custody-circumstance. */
    private static IndexedResource<Observation> circumstance(SubmissionReader.Resources resources) {
        List<IndexedResource<Observation>> found = resources.all(Observation.class).stream()
                .filter(o -> o.resource().getCode().hasCoding(FhirSystems.CUSTODY_CIRCUMSTANCE, FhirSystems.CUSTODY_CIRCUMSTANCE_CODE))
                .toList();
        if (found.size() != 1) {
            throw Refusals.unprocessable(IssueType.REQUIRED, "Bundle.entry", "a custody notice carries exactly one Observation coded "
                    + FhirSystems.CUSTODY_CIRCUMSTANCE + "#" + FhirSystems.CUSTODY_CIRCUMSTANCE_CODE + " (the circumstance)");
        }
        return found.get(0);
    }

    /** The circumstance's value: a code of the custody-circumstance CodeSystem other than the Observation's own code. */
    private static Coding circumstanceCode(IndexedResource<Observation> circumstance) {
        Observation observation = circumstance.resource();
        Optional<Coding> code = observation.hasValueCodeableConcept() ? observation.getValueCodeableConcept().getCoding().stream()
                .filter(c -> FhirSystems.CUSTODY_CIRCUMSTANCE.equals(c.getSystem()) && FhirSystems.CUSTODY_CIRCUMSTANCES.contains(c.getCode()))
                .findFirst() : Optional.empty();
        return code.orElseThrow(() -> Refusals.unprocessable(IssueType.CODEINVALID, circumstance.path() + ".valueCodeableConcept",
                "the circumstance must be a code of " + FhirSystems.CUSTODY_CIRCUMSTANCE + ": "
                        + String.join(" or ", FhirSystems.CUSTODY_CIRCUMSTANCES)));
    }

    /**
     * The day on which the age is checked: the day of custody where the agency is (its state's zone, else the residence's),
     * never later than the day of receipt there.
     */
    private static LocalDate dayOfCustody(Instant custodyAt, Instant receivedAt, Organization agency, Child child) {
        ZoneId zone = Optional.ofNullable(agency.address()).flatMap(org.safeharbor.api.v1.Address::jurisdiction).flatMap(UsTimeZones::of)
                .or(() -> Optional.ofNullable(child.residence()).flatMap(org.safeharbor.api.v1.Address::jurisdiction).flatMap(UsTimeZones::of))
                .orElse(UsTimeZones.EARLIEST_DATE);
        Instant earlier = custodyAt.isBefore(receivedAt) ? custodyAt : receivedAt;
        return LocalDate.ofInstant(earlier, zone);
    }
}

package org.safeharbor.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.EvidenceReference;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;

/**
 * Reads a hospital's submission Bundle into a canonical {@link Referral}, or refuses it with an
 * OperationOutcome naming the failing element. The rules:
 * <ul>
 *   <li>Codes become allegations only through the ConceptMaps ({@link AllegationMaps}): T76.-
 *       suspected, T74.- confirmed, Z04.8x ruled out, history codes historical.</li>
 *   <li>A Condition may be coded with the shared code itself ({@value FhirSystems#HT_ALLEGATION}), so that the CSEC
 *       forms (survival sex, pornography, ...) can be said: alone, its type with the certainty of the
 *       verificationStatus (as for a code that carries none); beside an ICD-10-CM or SNOMED CT code of the same
 *       element, it refines that code's type to the form, the other code keeping its certainty. A code the shared
 *       CodeSystem does not define as a type or a perpetrator, or a form no other code of the element agrees with,
 *       is refused.</li>
 *   <li>A screen (QuestionnaireResponse, or a result Observation) is read through its instrument's scoring rule
 *       ({@link ScreeningInstruments}: data in mappings/, at most at-risk); a response to a questionnaire no
 *       instrument has is refused, never ignored.</li>
 *   <li>A Condition's verificationStatus can only lower the certainty a code carries: {@code refuted} is
 *       ruled out, {@code provisional}/{@code differential}/{@code unconfirmed} at most suspected. A code that
 *       carries no certainty of its own (SNOMED CT 734998001) takes it from the verificationStatus: confirmed
 *       confirmed, refuted ruled out, anything else suspected.</li>
 *   <li>SNOMED CT 734998001 is an unconfirmed code: it is read only when the site turns it on
 *       ({@code snomedVictimOfHumanTrafficking}); otherwise it is named back to the hospital as not read.</li>
 *   <li>A Flag is at most a risk signal: whatever its code, a safety Flag is read as at-risk.</li>
 *   <li>The perpetrator relation comes from ICD-10-CM Y07.- codes in the same submission (one
 *       distinct relation, or {@code multiple}); unknown when absent. The caregiver role follows the
 *       relation's default caregiver status: {@code act} only for a caregiver, {@code not-applicable} for
 *       anyone else (each jurisdiction's format applies its own reading again).</li>
 *   <li>A caregiver's failure to protect is said with the extension {@value FhirSystems#FAILED_TO_PROTECT}
 *       on the finding's Condition, valued with the caregiver's relation (ICD-10-CM Y07.- or the shared
 *       code's perpetrator concept): one more allegation, of the same type and certainty, by that
 *       relation, role {@code failure-to-protect}.</li>
 *   <li>The child must be a minor on the date of the encounter where the child was seen (the encounter's
 *       start, in the place of care's time zone, or the receipt time there when the encounter has none);
 *       residence and place of care are both recorded, and at least one must name a state.</li>
 * </ul>
 */
final class SubmissionReader {

    /** FHIR R4's date (datatypes, date): a year, a month or a day, no time. */
    private static final java.util.regex.Pattern FHIR_DATE = java.util.regex.Pattern.compile("\\d{4}(-\\d{2}(-\\d{2})?)?");

    private final AllegationMaps maps;
    private final Clock clock;
    private final boolean snomedVictimOfHumanTrafficking;

    /** A reader with the shipped defaults: SNOMED CT 734998001 (unconfirmed) is not read. */
    SubmissionReader(AllegationMaps maps, Clock clock) {
        this(maps, clock, false);
    }

    /**
     * @param snomedVictimOfHumanTrafficking whether SNOMED CT 734998001 "victim of human trafficking" is read: a
     *        code the project's sources mark unconfirmed, off unless the site turns it on after checking it
     *        against its SNOMED CT release
     */
    SubmissionReader(AllegationMaps maps, Clock clock, boolean snomedVictimOfHumanTrafficking) {
        this.maps = maps;
        this.clock = clock;
        this.snomedVictimOfHumanTrafficking = snomedVictimOfHumanTrafficking;
    }

    /**
     * One finding, before findings are merged into allegations.
     *
     * @param failedToProtect the relation of a caregiver the hospital says failed to protect the child, or null
     * @param certaintyFromStatus whether the code carries no certainty of its own (the verificationStatus sets it)
     */
    private record Finding(org.safeharbor.api.v1.AllegationType type, Certainty certainty, EvidenceReference evidence,
                           PerpetratorRelation failedToProtect, boolean certaintyFromStatus) {
        Finding(org.safeharbor.api.v1.AllegationType type, Certainty certainty, EvidenceReference evidence) {
            this(type, certainty, evidence, null, false);
        }
    }

    /**
     * Reads a submission.
     *
     * @param bundle        the parsed Bundle
     * @param messageOnly   true for {@code $process-message}: the Bundle must be a message
     * @param raw           the raw bytes, to derive a key when the sender gave no message id
     */
    Submission read(Bundle bundle, boolean messageOnly, byte[] raw) {
        if (messageOnly && bundle.getType() != BundleType.MESSAGE) {
            throw Refusals.badRequest("Bundle.type", "$process-message takes a Bundle of type 'message'");
        }
        // a Bundle without a type (or one HAPI does not know) has none: Set.of refuses to be asked about null
        if (!messageOnly && (bundle.getType() == null || !Set.of(BundleType.MESSAGE, BundleType.TRANSACTION, BundleType.COLLECTION,
                BundleType.BATCH).contains(bundle.getType()))) {
            throw Refusals.badRequest("Bundle.type", "expected a message, transaction, batch or collection Bundle");
        }
        if (CustodyNoticeReader.isCustodyNotice(bundle)) {
            // a law-enforcement custody notice: its own message, read by its own reader (issue 15)
            return new CustodyNoticeReader(clock).read(bundle, raw);
        }
        Resources resources = new Resources(bundle);
        MessageHeader header = messageHeader(bundle, messageOnly);

        IndexedResource<Patient> patient = resources.single(Patient.class)
                .orElseThrow(() -> Refusals.unprocessable(IssueType.REQUIRED, "Bundle.entry", "no Patient in the submission"));
        Instant receivedAt = clock.instant();
        Child child = child(patient);
        Optional<IndexedResource<Encounter>> encounter = resources.single(Encounter.class);
        Organization placeOfCare = placeOfCare(resources, encounter, header);
        LocalDate dayOfCare = dayOfCare(encounter, placeOfCare, child, receivedAt);
        if (earliestBirthDay(patient.resource().getBirthDateElement()).isAfter(dayOfCare)) {
            throw Refusals.unprocessable(IssueType.BUSINESSRULE, patient.path() + ".birthDate",
                    "the birth date is after the day of the encounter (or of receipt): a child cannot be seen before being born");
        }
        if (!child.isMinorOn(dayOfCare)) {
            // a consented young adult is offered a services referral instead (YoungAdults, issue 15)
            throw YoungAdults.refusal(child, dayOfCare, patient.path() + ".birthDate", ServicesConsent.recorded(bundle),
                    () -> new Referral(ReferralId.random(), child, placeOfCare, null, receivedAt, null,
                            allegations(findings(resources, new Scan()), perpetrator(resources)), null, null, true));
        }

        Reporter reporter = reporter(resources, placeOfCare);

        Scan scan = new Scan();
        List<Finding> findings = findings(resources, scan);
        if (findings.isEmpty()) {
            if (!scan.notRead.isEmpty()) {
                Scan.Unknown first = scan.notRead.get(0);
                throw Refusals.unprocessable(IssueType.CODEINVALID, first.path(), first.system());
            }
            if (!scan.unknownSystems.isEmpty()) {
                Scan.Unknown first = scan.unknownSystems.get(0);
                throw Refusals.unprocessable(IssueType.CODEINVALID, first.path(), "the code system is not recognized: use ICD-10-CM (" + FhirSystems.ICD10CM + "), SNOMED CT (" + FhirSystems.SNOMED
                        + "), the shared code " + FhirSystems.HT_ALLEGATION + " or " + FhirSystems.SCREENING);
            }
            throw Refusals.unprocessable(IssueType.NOTFOUND, "Bundle.entry",
                    "no trafficking-related finding for a child: expected an ICD-10-CM (T74.52-/T76.52-/T74.62-/T76.62-/Z04.8-/"
                            + "Z62.813/Z91.42), SNOMED CT or shared (" + FhirSystems.HT_ALLEGATION + ") code, a safety Flag, or a screening result"
                            + (scan.notFindings.isEmpty() ? "" : "; codes found that are not child-trafficking findings: "
                            + String.join(", ", scan.notFindings) + " (an adult code such as T76.51- on a child's record"
                            + " should be recoded as T76.52-/T74.52-)"));
        }
        List<Allegation> allegations = allegations(findings, perpetrator(resources));

        SubmissionKey key = submissionKey(bundle, header, raw);
        // random, never derived from what the sender sent: a Task id must not be computable by a third party
        Referral referral = new Referral(ReferralId.random(), child, placeOfCare, reporter,
                receivedAt, occurredAt(resources, encounter), allegations, org.safeharbor.api.v1.ReportSource.HEALTH_CARE,
                CareStatusReader.read(patient.resource(), patient.path()), ServicesConsent.recorded(bundle));
        if (referral.jurisdictions().isEmpty()) {
            throw Refusals.unprocessable(IssueType.REQUIRED, patient.path() + ".address.state",
                    "no state for the child's residence nor for the place of care: cannot tell which jurisdiction to report to");
        }
        boolean actionable = allegations.stream().anyMatch(a -> a.isReportable() || a.certainty() == Certainty.AT_RISK);
        List<String> warnings = new ArrayList<>(scan.unknownSystems.stream().map(u -> u.path()
                + ": the code system is not recognized; that element was not read").toList());
        scan.notRead.forEach(u -> warnings.add(u.path() + ": " + u.system()));
        String sourceEndpoint = header != null && header.getSource().hasEndpoint() ? header.getSource().getEndpoint() : null;
        return new Submission(key.sender() + "|" + key.id(), sourceEndpoint, referral, actionable, warnings);
    }

    // ------------------------------------------------------------------ the message header

    private MessageHeader messageHeader(Bundle bundle, boolean required) {
        Resource first = bundle.hasEntry() ? bundle.getEntryFirstRep().getResource() : null;
        if (first instanceof MessageHeader header) {
            Coding event = header.hasEventCoding() ? header.getEventCoding() : null;
            if (event == null || !FhirSystems.MESSAGE_EVENT.equals(event.getSystem())
                    || !FhirSystems.SCREENING_REPORT_EVENT.equals(event.getCode())) {
                throw Refusals.unprocessable(IssueType.NOTSUPPORTED, "Bundle.entry[0].resource.eventCoding",
                        "unsupported message event: expected " + FhirSystems.MESSAGE_EVENT + "|" + FhirSystems.SCREENING_REPORT_EVENT);
            }
            return header;
        }
        if (required || bundle.getType() == BundleType.MESSAGE) {
            throw Refusals.badRequest("Bundle.entry[0].resource", "a message Bundle must start with a MessageHeader");
        }
        return null;
    }

    // ------------------------------------------------------------------ the child

    static Child child(IndexedResource<Patient> indexed) {
        Patient patient = indexed.resource();
        // an element with only an extension (e.g. data-absent-reason) has no value: no birth date either
        if (!patient.getBirthDateElement().hasValue()) {
            throw Refusals.unprocessable(IssueType.REQUIRED, indexed.path() + ".birthDate",
                    "the Patient has no birth date: it is needed to confirm the child is a minor");
        }
        // HAPI takes a date and time here, and drops the time: FHIR's date has none (datatypes, date)
        if (!FHIR_DATE.matcher(patient.getBirthDateElement().getValueAsString()).matches()) {
            throw Refusals.badRequest(indexed.path() + ".birthDate", "the birth date is not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)");
        }
        // DateType keeps the date as written (no time-zone shift). A partial date (2008, 2008-11) is read
        // as its LAST possible day: a child who may still be a minor must not be refused as an adult.
        org.hl7.fhir.r4.model.DateType written = patient.getBirthDateElement();
        LocalDate birthDate = switch (written.getPrecision()) {
            case YEAR -> LocalDate.of(written.getYear(), 12, 31);
            case MONTH -> java.time.YearMonth.of(written.getYear(), written.getMonth() + 1).atEndOfMonth();
            default -> LocalDate.of(written.getYear(), written.getMonth() + 1, written.getDay());
        };
        Sex sex = switch (patient.hasGender() ? patient.getGender().toCode() : "unknown") {
            case "female" -> Sex.FEMALE;
            case "male" -> Sex.MALE;
            case "other" -> Sex.OTHER;
            default -> Sex.UNKNOWN;
        };
        org.hl7.fhir.r4.model.Address home = patient.getAddress().stream()
                .filter(a -> a.getUse() == org.hl7.fhir.r4.model.Address.AddressUse.HOME).findFirst()
                .orElse(patient.getAddress().stream()
                        .filter(a -> a.getUse() != org.hl7.fhir.r4.model.Address.AddressUse.OLD
                                && a.getUse() != org.hl7.fhir.r4.model.Address.AddressUse.BILLING)
                        .findFirst().orElse(null));
        return new Child(name(patient.hasName() ? patient.getNameFirstRep() : null), birthDate, sex, address(home));
    }

    /** The first day a birth date as written can mean (a partial one, 2011 or 2011-08, its first day). */
    static LocalDate earliestBirthDay(org.hl7.fhir.r4.model.DateType written) {
        return switch (written.getPrecision()) {
            case YEAR -> LocalDate.of(written.getYear(), 1, 1);
            case MONTH -> LocalDate.of(written.getYear(), written.getMonth() + 1, 1);
            default -> LocalDate.of(written.getYear(), written.getMonth() + 1, written.getDay());
        };
    }

    // ------------------------------------------------------------------ place of care and reporter

    private static Organization placeOfCare(Resources resources, Optional<IndexedResource<Encounter>> encounter,
                                            MessageHeader header) {
        org.hl7.fhir.r4.model.Organization organization = null;
        org.hl7.fhir.r4.model.Address where = null;
        if (encounter.isPresent()) {
            Encounter e = encounter.get().resource();
            organization = resources.resolve(e.getServiceProvider(), org.hl7.fhir.r4.model.Organization.class).orElse(null);
            if (e.hasLocation()) {
                where = resources.resolve(e.getLocationFirstRep().getLocation(), Location.class)
                        .filter(Location::hasAddress).map(Location::getAddress).orElse(null);
            }
        }
        if (organization == null && header != null) {
            organization = resources.resolve(header.getSender(), org.hl7.fhir.r4.model.Organization.class).orElse(null);
        }
        if (organization == null) {
            organization = resources.single(org.hl7.fhir.r4.model.Organization.class).map(IndexedResource::resource).orElse(null);
        }
        if (where == null && organization != null && organization.hasAddress()) {
            where = organization.getAddressFirstRep();
        }
        if (organization == null && where == null) {
            return null;
        }
        String identifier = organization != null && organization.hasIdentifier() ? organization.getIdentifierFirstRep().getValue() : null;
        String name = organization != null ? organization.getName() : null;
        return new Organization(identifier, name, address(where));
    }

    private static Reporter reporter(Resources resources, Organization facility) {
        return resources.single(Practitioner.class).map(p -> {
            Practitioner practitioner = p.resource();
            String phone = practitioner.getTelecom().stream().filter(t -> t.hasValue()).map(t -> t.getValue()).findFirst().orElse(null);
            return new Reporter(name(practitioner.hasName() ? practitioner.getNameFirstRep() : null), "clinician", phone, facility);
        }).orElse(facility == null ? null : new Reporter(null, null, null, facility));
    }

    // ------------------------------------------------------------------ findings

    /** What a scan of the findings met besides findings: for the hospital's answer. */
    private static final class Scan {
        record Unknown(String path, String system) {
        }

        final List<Unknown> unknownSystems = new ArrayList<>();
        final List<String> notFindings = new ArrayList<>();
        /** Elements deliberately not read (path, and why in place of the system). */
        final List<Unknown> notRead = new ArrayList<>();
    }

    private List<Finding> findings(Resources resources, Scan scan) {
        List<Finding> findings = new ArrayList<>();
        for (IndexedResource<Resource> indexed : resources.all()) {
            Resource resource = indexed.resource();
            String ref = resources.referenceTo(indexed);
            if (resource instanceof Condition condition) {
                if (isEnteredInError(condition)) {
                    continue;
                }
                List<Finding> read = new ArrayList<>();
                for (Finding f : coded(condition.getCode(), indexed.path() + ".code", ref, scan)) {
                    read.add(new Finding(f.type(), adjusted(f.certainty(), f.certaintyFromStatus(), condition), f.evidence()));
                }
                findings.addAll(read);
                findings.addAll(failuresToProtect(indexed, read, scan));
            } else if (resource instanceof Flag flag) {
                boolean safety = flag.getCategory().stream().anyMatch(c -> c.hasCoding(FhirSystems.FLAG_CATEGORY, "safety"));
                if (safety && flag.getStatus() == Flag.FlagStatus.ACTIVE) {
                    // a Flag is an alert in the record, never a clinician's finding: at most a risk signal,
                    // whatever it is coded with (T76.52XA, 734998001, ...)
                    for (Finding f : coded(flag.getCode(), indexed.path() + ".code", ref, scan)) {
                        findings.add(new Finding(f.type(), f.certainty().isAllegation() ? Certainty.AT_RISK : f.certainty(), f.evidence()));
                    }
                }
            } else if (resource instanceof Observation observation) {
                if (observation.getStatus() == Observation.ObservationStatus.ENTEREDINERROR
                        || observation.getStatus() == Observation.ObservationStatus.CANCELLED) {
                    continue;
                }
                Optional<ScreeningInstruments.Instrument> instrument = maps.instruments().byCode(observation.getCode());
                if (instrument.isPresent() && observation.hasValueCodeableConcept()) {
                    findings.addAll(screeningResult(instrument.get(), observation.getValueCodeableConcept(),
                            indexed.path() + ".valueCodeableConcept", ref, scan));
                }
            } else if (resource instanceof QuestionnaireResponse response) {
                if (response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.ENTEREDINERROR
                        && response.getStatus() != QuestionnaireResponse.QuestionnaireResponseStatus.STOPPED) {
                    findings.addAll(screening(response, indexed.path(), ref, scan));
                }
            }
        }
        return findings;
    }

    /**
     * The findings of a coded element. An element coded only in systems the intake does not know is
     * noted in the scan: refused when nothing else is a finding, a warning otherwise, so the hospital
     * learns its code reached no one.
     */
    private List<Finding> coded(CodeableConcept concept, String path, String ref, Scan scan) {
        List<Finding> findings = new ArrayList<>();
        List<Finding> shared = new ArrayList<>();
        boolean known = false;
        for (int i = 0; i < concept.getCoding().size(); i++) {
            Coding coding = concept.getCoding().get(i);
            // a coding without a system names no code system at all (and Set.of refuses to be asked about null)
            if (coding.getSystem() == null || !FhirSystems.KNOWN.contains(coding.getSystem())) {
                continue;
            }
            known = true;
            if (FhirSystems.HT_ALLEGATION.equals(coding.getSystem())) {
                sharedType(coding, path + ".coding[" + i + "].code").ifPresent(type -> shared.add(new Finding(type,
                        Certainty.SUSPECTED, new EvidenceReference(ref, coding.getSystem(), coding.getCode()), null, true)));
                continue;
            }
            boolean statusSetsCertainty = isSnomedVictimOfHumanTrafficking(coding);
            if (statusSetsCertainty && !snomedVictimOfHumanTrafficking) {
                scan.notRead.add(new Scan.Unknown(path + ".coding", "SNOMED CT " + FhirSystems.SNOMED_VICTIM_OF_HUMAN_TRAFFICKING
                        + " is not read by this installation: the code is unconfirmed in the project's sources and is off until"
                        + " the site turns it on (snomedVictimOfHumanTrafficking in org.safeharbor.fhir.cfg); code the finding"
                        + " in ICD-10-CM (T76.52-/T74.52-, T76.62-/T74.62-)"));
                continue;
            }
            List<AllegationMaps.Target> targets = maps.targets(coding.getSystem(), coding.getCode());
            if (targets.isEmpty() && maps.lists(coding.getSystem(), coding.getCode())) {
                scan.notFindings.add(coding.getCode());
            }
            for (AllegationMaps.Target target : targets) {
                findings.add(new Finding(target.type(), target.certainty(),
                        new EvidenceReference(ref, coding.getSystem(), coding.getCode()), null, statusSetsCertainty));
            }
        }
        if (!known && concept.hasCoding()) {
            scan.unknownSystems.add(new Scan.Unknown(path + ".coding[0].system", concept.getCodingFirstRep().getSystem()));
        }
        return shared.isEmpty() ? findings : refined(findings, shared, path);
    }

    /**
     * The allegation type a coding of the shared code names; empty for a perpetrator concept (read with the Y07.-
     * codes, see {@link #perpetrator}). Any other code is refused: the hospital used the project's CodeSystem, and a
     * code it does not define, or a dimension said elsewhere, must not pass unseen.
     */
    private Optional<org.safeharbor.api.v1.AllegationType> sharedType(Coding coding, String path) {
        AllegationMaps.SharedConcept concept = maps.shared(coding.getCode()).orElseThrow(() -> Refusals.unprocessable(
                IssueType.CODEINVALID, path, "the code is not a code of " + FhirSystems.HT_ALLEGATION
                        + ": a finding is coded with one of its allegation types (sex-trafficking, its CSEC forms such as"
                        + " survival-sex or pornography, labor-trafficking)"));
        if (concept.type() == null && concept.relation() == null) {
            throw Refusals.unprocessable(IssueType.CODEINVALID, path, "'" + coding.getCode() + "' of " + FhirSystems.HT_ALLEGATION
                    + " is not an allegation type: the certainty is said with Condition.verificationStatus, a caregiver's"
                    + " failure to protect with the extension " + FhirSystems.FAILED_TO_PROTECT);
        }
        return Optional.ofNullable(concept.type());
    }

    /**
     * A coded element with the shared code beside other codes: the shared code says which form, the other codes how
     * certain. Each finding of the other codes whose type the form belongs to (sex trafficking for a CSEC form, or
     * the very type) becomes that form, with both codings as its evidence; the other findings stay as they are. A
     * form no other code agrees with (survival sex beside a forced-labor code) is refused: the hospital said two
     * different things in one element.
     */
    private static List<Finding> refined(List<Finding> coded, List<Finding> shared, String path) {
        if (coded.isEmpty()) {
            return shared;
        }
        List<Finding> findings = new ArrayList<>();
        Set<Finding> refinedOnes = new LinkedHashSet<>();
        for (Finding form : shared) {
            List<Finding> agreeing = coded.stream().filter(f -> f.type() == form.type()
                    || f.type() == org.safeharbor.api.v1.AllegationType.SEX_TRAFFICKING && form.type().isSexual()).toList();
            if (agreeing.isEmpty()) {
                throw Refusals.unprocessable(IssueType.BUSINESSRULE, path, "the shared code '" + form.type().code()
                        + "' does not agree with the element's other codes (" + String.join(", ", coded.stream()
                        .map(f -> f.evidence().code() + ": " + f.type().code()).distinct().toList())
                        + "): send each finding as its own Condition");
            }
            for (Finding f : agreeing) {
                findings.add(new Finding(form.type(), f.certainty(), f.evidence(), null, f.certaintyFromStatus()));
                findings.add(new Finding(form.type(), f.certainty(), form.evidence(), null, f.certaintyFromStatus()));
                refinedOnes.add(f);
            }
        }
        coded.stream().filter(f -> !refinedOnes.contains(f)).forEach(findings::add);
        return findings;
    }

    /**
     * A screen's answers, read through its instrument's rule. A response to a questionnaire no instrument has is
     * refused: ignoring it would tell the hospital nothing while its screen reached no one. What the rule could not
     * score is named back (a warning, or the refusal when nothing else was found).
     */
    private List<Finding> screening(QuestionnaireResponse response, String path, String ref, Scan scan) {
        String questionnaire = response.getQuestionnaire();
        ScreeningInstruments instruments = maps.instruments();
        ScreeningInstruments.Instrument instrument = instruments.byCanonical(questionnaire).orElseThrow(() -> Refusals.unprocessable(
                IssueType.NOTSUPPORTED, path + ".questionnaire", (questionnaire == null || questionnaire.isBlank()
                        ? "the QuestionnaireResponse does not say which questionnaire it answers"
                        : "the questionnaire it answers is not a screening instrument this installation reads")
                        + ": known are " + instruments.urls() + ". To add an instrument, put its Questionnaire and a"
                        + " ScreeningRule in etc/safeharbor/mappings/ (see mappings/README.md); if your EHR names a known"
                        + " instrument by another URL, add that URL as an identifier (system " + ScreeningInstruments.URI_IDENTIFIER
                        + ") of its Questionnaire there"));
        ScreeningInstruments.Score score = instrument.score(response);
        score.notScored().forEach(reason -> scan.notRead.add(new Scan.Unknown(path, reason)));
        return score.outcomes().stream().filter(ScreeningInstruments.Outcome::isFinding)
                .map(o -> new Finding(o.type(), o.certainty(), new EvidenceReference(ref, o.result().getSystem(), o.result().getCode())))
                .toList();
    }

    /**
     * A result Observation of a known instrument: its value is one of the instrument's results (its rule), or is read
     * as any other code (the screening ConceptMap). Either way a screen is at most a risk signal.
     */
    private List<Finding> screeningResult(ScreeningInstruments.Instrument instrument, CodeableConcept value, String path,
                                          String ref, Scan scan) {
        List<Finding> findings = new ArrayList<>();
        for (Coding coding : value.getCoding()) {
            instrument.outcomeOfResult(coding).filter(ScreeningInstruments.Outcome::isFinding).ifPresent(o -> findings.add(
                    new Finding(o.type(), o.certainty(), new EvidenceReference(ref, coding.getSystem(), coding.getCode()))));
        }
        if (findings.isEmpty() && value.getCoding().stream().noneMatch(c -> instrument.outcomeOfResult(c).isPresent())) {
            for (Finding f : coded(value, path, ref, scan)) {
                findings.add(new Finding(f.type(), f.certainty().isAllegation() ? Certainty.AT_RISK : f.certainty(), f.evidence()));
            }
        }
        return findings;
    }

    private static boolean isEnteredInError(Condition condition) {
        return condition.getVerificationStatus().hasCoding(FhirSystems.CONDITION_VERIFICATION, "entered-in-error");
    }

    private static boolean isSnomedVictimOfHumanTrafficking(Coding coding) {
        return FhirSystems.SNOMED.equals(coding.getSystem()) && FhirSystems.SNOMED_VICTIM_OF_HUMAN_TRAFFICKING.equals(coding.getCode());
    }

    /**
     * The certainty of a Condition's finding. A code that carries its own certainty (ICD-10-CM T74 confirmed, T76
     * suspected, ...) can only be lowered by the verificationStatus: {@code refuted} is ruled out,
     * {@code provisional}/{@code differential}/{@code unconfirmed} at most suspected. A code that carries none
     * ({@code fromStatus}: SNOMED CT 734998001, whose map row gives suspected only as a default) takes it from the
     * verificationStatus, as FHIR R4 defines its values: {@code confirmed} confirmed, {@code refuted} ruled out,
     * anything else (tentative or absent) suspected.
     */
    private static Certainty adjusted(Certainty coded, boolean fromStatus, Condition condition) {
        CodeableConcept status = condition.getVerificationStatus();
        if (status.hasCoding(FhirSystems.CONDITION_VERIFICATION, "refuted")) {
            return Certainty.RULED_OUT;
        }
        boolean tentative = status.hasCoding(FhirSystems.CONDITION_VERIFICATION, "provisional")
                || status.hasCoding(FhirSystems.CONDITION_VERIFICATION, "differential")
                || status.hasCoding(FhirSystems.CONDITION_VERIFICATION, "unconfirmed");
        if (fromStatus && coded.isAllegation()) {
            return !tentative && status.hasCoding(FhirSystems.CONDITION_VERIFICATION, "confirmed") ? Certainty.CONFIRMED : Certainty.SUSPECTED;
        }
        return tentative && coded == Certainty.CONFIRMED ? Certainty.SUSPECTED : coded;
    }

    /**
     * The hospital's statement that a caregiver failed to protect the child: the extension
     * {@value FhirSystems#FAILED_TO_PROTECT} on a finding's Condition, valued with the caregiver's relation as an
     * ICD-10-CM Y07.- code or a perpetrator concept of the shared code. One more finding per suspected or
     * confirmed finding of that Condition, by that relation. Refused when the value names no relation; a warning
     * when the Condition has no suspected or confirmed finding to attach it to.
     */
    private List<Finding> failuresToProtect(IndexedResource<Resource> indexed, List<Finding> read, Scan scan) {
        List<org.hl7.fhir.r4.model.Extension> extensions = indexed.resource() instanceof Condition c
                ? c.getExtensionsByUrl(FhirSystems.FAILED_TO_PROTECT) : List.of();
        List<Finding> findings = new ArrayList<>();
        for (org.hl7.fhir.r4.model.Extension extension : extensions) {
            String path = indexed.path() + ".extension[" + ((Condition) indexed.resource()).getExtension().indexOf(extension) + "]";
            PerpetratorRelation caregiver = null;
            if (extension.getValue() instanceof CodeableConcept concept) {
                for (Coding coding : concept.getCoding()) {
                    caregiver = maps.perpetrator(coding.getSystem(), coding.getCode()).orElse(null);
                    if (caregiver != null) {
                        break;
                    }
                }
            }
            if (caregiver == null) {
                throw Refusals.unprocessable(IssueType.VALUE, path + ".valueCodeableConcept",
                        "the failure-to-protect extension must name the caregiver's relation to the child: an ICD-10-CM"
                                + " Y07.- code (e.g. Y07.12, biological mother) or a perpetrator code of " + FhirSystems.HT_ALLEGATION
                                + " (parent, step-or-foster-parent, other-family-member, other-caregiver, ...)");
            }
            boolean attached = false;
            for (Finding f : read) {
                if (f.certainty().isAllegation()) {
                    findings.add(new Finding(f.type(), f.certainty(), f.evidence(), caregiver, false));
                    attached = true;
                }
            }
            if (!attached) {
                scan.notRead.add(new Scan.Unknown(path, "the failure-to-protect extension was not read: it belongs on a Condition"
                        + " with a suspected or confirmed trafficking code (T76.52-/T74.52-, T76.62-/T74.62-)"));
            }
        }
        return findings;
    }

    /** The perpetrator relation from the submission's ICD-10-CM Y07.- codes (or the shared code's perpetrator concepts). */
    private PerpetratorRelation perpetrator(Resources resources) {
        Set<PerpetratorRelation> relations = new LinkedHashSet<>();
        for (IndexedResource<Condition> condition : resources.all(Condition.class)) {
            Condition c = condition.resource();
            if (isEnteredInError(c) || c.getVerificationStatus().hasCoding(FhirSystems.CONDITION_VERIFICATION, "refuted")) {
                continue;
            }
            for (Coding coding : c.getCode().getCoding()) {
                maps.perpetrator(coding.getSystem(), coding.getCode()).ifPresent(relations::add);
            }
        }
        if (relations.size() > 1) {
            relations.remove(PerpetratorRelation.UNKNOWN);
        }
        if (relations.isEmpty()) {
            return PerpetratorRelation.UNKNOWN;
        }
        return relations.size() == 1 ? relations.iterator().next() : PerpetratorRelation.MULTIPLE;
    }

    /**
     * Merges findings of the same type and certainty into one allegation with all their evidence.
     * The perpetrator applies to suspected and confirmed findings only: a risk signal has none. A caregiver's
     * failure to protect is an allegation of its own beside the trafficking.
     */
    private static List<Allegation> allegations(List<Finding> findings, PerpetratorRelation perpetrator) {
        Map<String, List<Finding>> grouped = new LinkedHashMap<>();
        for (Finding f : findings) {
            String key = f.type().code() + "/" + f.certainty().code()
                    + (f.failedToProtect() == null ? "" : "/failure-to-protect/" + f.failedToProtect().code());
            grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        List<Allegation> allegations = new ArrayList<>();
        for (List<Finding> group : grouped.values()) {
            Finding first = group.get(0);
            boolean allegation = first.certainty().isAllegation();
            PerpetratorRelation who;
            CaregiverRole role;
            if (first.failedToProtect() != null) {
                // the hospital said this caregiver failed to protect the child
                who = first.failedToProtect();
                role = CaregiverRole.FAILURE_TO_PROTECT;
            } else {
                who = allegation ? perpetrator : PerpetratorRelation.UNKNOWN;
                // the perpetrator's act is a caregiver's act only when the relation is a caregiver's (shared
                // default); a stranger, another relative, several or an unknown perpetrator: not-applicable
                role = CaregiverRole.of(who.defaultCaregiverStatus(), CaregiverRole.ACT);
            }
            allegations.add(new Allegation(first.type(), first.certainty(), who, role,
                    group.stream().map(Finding::evidence).distinct().toList()));
        }
        List<Certainty> mostCertainFirst = List.of(Certainty.CONFIRMED, Certainty.SUSPECTED, Certainty.AT_RISK,
                Certainty.RULED_OUT, Certainty.HISTORICAL);
        allegations.sort(Comparator.comparing((Allegation a) -> mostCertainFirst.indexOf(a.certainty()))
                .thenComparing(a -> a.type().ordinal()).thenComparing(a -> a.caregiverRole().ordinal()));
        return allegations;
    }

    // ------------------------------------------------------------------ times, keys, names, addresses

    private static Instant occurredAt(Resources resources, Optional<IndexedResource<Encounter>> encounter) {
        List<Instant> times = new ArrayList<>();
        for (IndexedResource<Resource> r : resources.all()) {
            Resource resource = r.resource();
            // a date element may carry only an extension and no value: it says no time
            if (resource instanceof Condition c) {
                addValue(times, c.getRecordedDateElement());
            } else if (resource instanceof Observation o && o.hasEffectiveDateTimeType()) {
                addValue(times, o.getEffectiveDateTimeType());
            } else if (resource instanceof Flag f) {
                addValue(times, f.getPeriod().getStartElement());
            } else if (resource instanceof QuestionnaireResponse q) {
                addValue(times, q.getAuthoredElement());
            }
        }
        encounter.ifPresent(e -> addValue(times, e.resource().getPeriod().getStartElement()));
        return times.stream().min(Comparator.naturalOrder()).orElse(null);
    }

    private static void addValue(List<Instant> times, org.hl7.fhir.r4.model.BaseDateTimeType date) {
        if (date != null && date.getValue() != null) {
            times.add(date.getValue().toInstant());
        }
    }

    /**
     * The day on which the child's age is checked: the date the encounter began where the child was seen (the
     * place of care's time zone, else the residence's, see {@link UsTimeZones}), or the receipt time there when
     * the encounter has no start; never later than the day of receipt there. A child seen at 8 pm in Chicago on
     * the eve of their 18th birthday is a minor, although it is already their birthday in UTC.
     */
    private static LocalDate dayOfCare(Optional<IndexedResource<Encounter>> encounter, Organization placeOfCare, Child child,
                                       Instant receivedAt) {
        java.time.ZoneId zone = Optional.ofNullable(placeOfCare).map(Organization::address)
                .flatMap(org.safeharbor.api.v1.Address::jurisdiction).flatMap(UsTimeZones::of)
                .or(() -> Optional.ofNullable(child.residence()).flatMap(org.safeharbor.api.v1.Address::jurisdiction).flatMap(UsTimeZones::of))
                .orElse(UsTimeZones.EARLIEST_DATE);
        LocalDate received = LocalDate.ofInstant(receivedAt, zone);
        if (encounter.isEmpty() || !encounter.get().resource().getPeriod().getStartElement().hasValue()) {
            return received;
        }
        org.hl7.fhir.r4.model.DateTimeType start = encounter.get().resource().getPeriod().getStartElement();
        LocalDate began = switch (start.getPrecision()) {
            // a date without a time is the local date the hospital wrote (its first day when partial): no zone to convert
            case YEAR -> LocalDate.of(start.getYear(), 1, 1);
            case MONTH -> LocalDate.of(start.getYear(), start.getMonth() + 1, 1);
            case DAY -> LocalDate.of(start.getYear(), start.getMonth() + 1, start.getDay());
            default -> LocalDate.ofInstant(start.getValue().toInstant(), zone);
        };
        return began.isBefore(received) ? began : received;
    }

    record SubmissionKey(String sender, String id) {
    }

    /** Who sent it and the sender's own id for it; a hash of the bytes when the sender gave none. */
    static SubmissionKey submissionKey(Bundle bundle, MessageHeader header, byte[] raw) {
        String sender = header != null && header.getSource().hasEndpoint() ? header.getSource().getEndpoint()
                : bundle.getIdentifier().hasSystem() ? bundle.getIdentifier().getSystem() : "unidentified-sender";
        String id;
        if (bundle.getIdentifier().hasValue()) {
            id = bundle.getIdentifier().getValue();
        } else if (header != null && header.hasIdElement() && header.getIdElement().hasIdPart()) {
            id = "MessageHeader/" + header.getIdElement().getIdPart();
        } else {
            id = "sha256:" + sha256(raw);
        }
        return new SubmissionKey(sender, id);
    }

    private static String sha256(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw == null ? new byte[0] : raw));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PersonName name(HumanName name) {
        if (name == null) {
            return null;
        }
        // a repeat may carry only an extension and no value: it names nothing
        return new PersonName(name.getFamily(), name.getGiven().stream().filter(org.hl7.fhir.r4.model.StringType::hasValue)
                .map(org.hl7.fhir.r4.model.StringType::getValue).toList());
    }

    static Address address(org.hl7.fhir.r4.model.Address a) {
        if (a == null) {
            return null;
        }
        return new Address(a.getLine().stream().filter(org.hl7.fhir.r4.model.StringType::hasValue)
                .map(org.hl7.fhir.r4.model.StringType::getValue).toList(), a.getCity(), a.getState(),
                a.getPostalCode(), a.getCountry());
    }

    // ------------------------------------------------------------------ resolving within the Bundle

    /** A resource with its FHIRPath in the submission, for error messages. */
    record IndexedResource<T extends Resource>(T resource, String path, String fullUrl) {
    }

    /** The Bundle's resources, resolvable by fullUrl ({@code urn:uuid:...}) or {@code Type/id}. */
    static final class Resources {
        private final List<IndexedResource<Resource>> all = new ArrayList<>();
        private final Map<String, Resource> byReference = new HashMap<>();

        Resources(Bundle bundle) {
            List<BundleEntryComponent> entries = bundle.getEntry();
            for (int i = 0; i < entries.size(); i++) {
                BundleEntryComponent entry = entries.get(i);
                if (!entry.hasResource()) {
                    continue;
                }
                Resource resource = entry.getResource();
                all.add(new IndexedResource<>(resource, "Bundle.entry[" + i + "].resource", entry.getFullUrl()));
                if (entry.hasFullUrl()) {
                    byReference.put(entry.getFullUrl(), resource);
                }
                if (resource.getIdElement().hasIdPart()) {
                    byReference.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
                }
            }
        }

        List<IndexedResource<Resource>> all() {
            return all;
        }

        @SuppressWarnings("unchecked")
        <T extends Resource> List<IndexedResource<T>> all(Class<T> type) {
            List<IndexedResource<T>> result = new ArrayList<>();
            for (IndexedResource<Resource> r : all) {
                if (type.isInstance(r.resource())) {
                    result.add((IndexedResource<T>) (IndexedResource<?>) r);
                }
            }
            return result;
        }

        /** The first resource of a type (a submission is about one child, one encounter). */
        <T extends Resource> Optional<IndexedResource<T>> single(Class<T> type) {
            return all(type).stream().findFirst();
        }

        <T extends Resource> Optional<T> resolve(Reference reference, Class<T> type) {
            if (reference == null || reference.isEmpty()) {
                return Optional.empty();
            }
            Base target = reference.getResource() != null ? (Base) reference.getResource() : byReference.get(reference.getReference());
            return type.isInstance(target) ? Optional.of(type.cast(target)) : Optional.empty();
        }

        /** How an allegation's evidence points back at the original resource. */
        String referenceTo(IndexedResource<?> r) {
            Resource resource = r.resource();
            if (resource.getIdElement().hasIdPart() && !Objects.requireNonNullElse(r.fullUrl(), "").startsWith("urn:")) {
                return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            }
            return r.fullUrl() != null ? r.fullUrl() : resource.fhirType();
        }
    }
}

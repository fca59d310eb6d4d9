package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.QuestionnaireResponse.QuestionnaireResponseItemComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sample hospital submissions in {@code bundles/fhir/samples/}: each is a valid FHIR R4 message Bundle shaped as
 * the intake expects, holds only fictional data, and maps through this module's ConceptMaps to the outcome its
 * README documents.
 */
class SampleSubmissionsTest {

    /** The samples' ages are checked on this day. */
    private static final LocalDate REFERENCE_DAY = LocalDate.of(2026, 11, 21);

    private static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    private static final String NPI = "http://hl7.org/fhir/sid/us-npi";

    /** What a sample should yield: "type certainty" findings, perpetrator relation, residence and place of care. */
    record Expected(String file, Set<String> findings, String perpetrator, String residence, String placeOfCare) {
        @Override
        public String toString() {
            return file;
        }
    }

    static final List<Expected> EXPECTED = List.of(
            new Expected("sscst-positive-no-suspicion.json", Set.of("sex-trafficking at-risk"), "unknown",
                    "US-IL", "US-IL"),
            new Expected("t76-52xa-suspected.json", Set.of("sex-trafficking suspected"), "unknown",
                    "US-TX", "US-TX"),
            new Expected("t74-62xa-confirmed-labor.json", Set.of("labor-trafficking confirmed"), "parent",
                    "US-MA", "US-MA"),
            new Expected("t74-52xa-caregiver-florida.json", Set.of("sex-trafficking confirmed"), "parent",
                    "US-FL", "US-FL"),
            new Expected("z04-81-ruled-out.json", Set.of("sex-trafficking ruled-out"), "unknown",
                    "US-FL", "US-FL"),
            new Expected("flag-only.json", Set.of("sex-trafficking at-risk"), "unknown",
                    "US-FL", "US-FL"),
            new Expected("lives-in-one-state-seen-in-another.json",
                    Set.of("sex-trafficking suspected", "sex-trafficking at-risk"), "unknown", "US-IL", "US-MO"),
            new Expected("survival-sex-shared-code.json", Set.of("survival-sex suspected"), "unknown", "US-IL", "US-IL"),
            // the caregiver-failed-to-protect extension is read by the intake (SubmissionReaderTest), not by the ConceptMaps
            new Expected("t76-52xa-failure-to-protect-illinois.json", Set.of("sex-trafficking suspected"), "unknown", "US-IL", "US-IL"),
            new Expected("cse-it-positive.json", Set.of("sex-trafficking at-risk"), "unknown", "US-MA", "US-MA"),
            new Expected("fl-htst-positive.json", Set.of("labor-trafficking at-risk"), "unknown", "US-FL", "US-FL"));

    static Stream<String> files() {
        return EXPECTED.stream().map(Expected::file);
    }

    static Stream<Expected> expected() {
        return EXPECTED.stream();
    }

    /** bundles/fhir/samples, relative to this module's directory (where Maven runs the tests). */
    static Path samplesDir() {
        String moduleDir = System.getProperty("basedir", System.getProperty("user.dir"));
        return Paths.get(moduleDir).resolve("../bundles/fhir/samples").normalize();
    }

    static String text(String file) {
        try {
            return Files.readString(samplesDir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample, parsed strictly; each resource keeps its own id (HAPI would otherwise take the fullUrl). */
    static Bundle bundle(String file) {
        return FhirResources.parser().setOverrideResourceIdWithBundleEntryFullUrl(false)
                .parseResource(Bundle.class, text(file));
    }

    // ---- the set of samples ----------------------------------------------------------------------------------

    @Test
    void exactlyTheDocumentedSamplesArePresent() throws IOException {
        Set<String> present;
        try (Stream<Path> listing = Files.list(samplesDir())) {
            present = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(files().collect(Collectors.toCollection(TreeSet::new)), present, samplesDir().toString());
        String readme = Files.readString(samplesDir().resolve("README.md"));
        files().forEach(f -> assertTrue(readme.contains(f), "README.md documents " + f));
        assertTrue(readme.toLowerCase().contains("fictional"), "README.md says the data are fictional");
    }

    @Test
    void messageIdentifiersAndHeaderIdsAreUniqueAcrossSamples() {
        Set<String> messageIds = new HashSet<>();
        Set<String> headerIds = new HashSet<>();
        Set<String> fullUrls = new HashSet<>();
        files().forEach(f -> {
            Bundle b = bundle(f);
            assertTrue(messageIds.add(b.getIdentifier().getSystem() + "|" + b.getIdentifier().getValue()), f);
            assertTrue(headerIds.add(b.getEntryFirstRep().getResource().getIdElement().getIdPart()), f);
            b.getEntry().forEach(e -> assertTrue(fullUrls.add(e.getFullUrl()), f + ": " + e.getFullUrl()));
        });
    }

    // ---- each sample -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("files")
    void isValidR4(String file) {
        ValidationResult result = FhirValidation.validate(text(file));
        List<SingleValidationMessage> errors = FhirValidation.errors(result);
        assertTrue(errors.isEmpty(), () -> file + " has validation errors:\n" + FhirValidation.format(errors));
    }

    /** Guards the test above: the validator really checks a screening answer against Questionnaire/cse-it. */
    @Test
    void validatorRejectsAScreeningAnswerTheQuestionnaireDoesNotOffer() {
        String original = text("lives-in-one-state-seen-in-another.json");
        String broken = original.replace("\"cse-it-clear-concern\"", "\"sscst-positive\"");
        assertFalse(broken.equals(original));
        assertFalse(FhirValidation.errors(FhirValidation.validate(broken)).isEmpty(),
                "an answer outside the Questionnaire's options must be an error");
    }

    @ParameterizedTest
    @MethodSource("files")
    void isAMessageFromTheHospitalAboutTheChild(String file) {
        Bundle b = bundle(file);
        assertEquals(Bundle.BundleType.MESSAGE, b.getType(), file);
        assertNotNull(b.getTimestamp(), file + ": timestamp");
        String system = b.getIdentifier().getSystem();
        assertTrue(system != null && system.matches("https://ehr\\.[a-z0-9-]+\\.example\\.org/fhir/message-id"),
                file + ": identifier system " + system);
        assertFalse(b.getIdentifier().getValue() == null || b.getIdentifier().getValue().isBlank(), file);
        String ehrBase = system.substring(0, system.length() - "/message-id".length());

        MessageHeader header = assertInstanceOf(MessageHeader.class, b.getEntryFirstRep().getResource(), file);
        assertTrue(header.hasId(), file + ": MessageHeader.id");
        Coding event = header.getEventCoding();
        assertEquals(MappingResources.MESSAGE_EVENT_URL, event.getSystem(), file);
        assertEquals("screening-report", event.getCode(), file);
        assertEquals(ehrBase, header.getSource().getEndpoint(), file + ": source.endpoint");
        assertTrue(header.getSource().hasName(), file + ": source.name");
        Organization hospital = assertInstanceOf(Organization.class, resolve(b, header.getSender()), file);
        assertFalse(header.getFocus().isEmpty(), file + ": focus");
        for (Reference focus : header.getFocus()) {
            Resource r = resolve(b, focus);
            assertTrue(r instanceof Condition || r instanceof Flag || r instanceof Observation
                    || r instanceof QuestionnaireResponse, file + ": focus " + r.fhirType());
        }

        Identifier npi = hospital.getIdentifier().stream().filter(i -> NPI.equals(i.getSystem())).findFirst()
                .orElseThrow(() -> new AssertionError(file + ": the hospital has no NPI"));
        assertTrue(npi.getValue().matches("\\d{10}"), file + ": NPI " + npi.getValue());
        assertTrue(hospital.getAddressFirstRep().hasState(), file + ": hospital address state");

        Patient patient = one(b, Patient.class, file);
        assertTrue(patient.hasName() && patient.hasGender(), file + ": name and gender");
        LocalDate born = LocalDate.parse(patient.getBirthDateElement().getValueAsString());
        int age = Period.between(born, REFERENCE_DAY).getYears();
        assertTrue(age >= 12 && age <= 17, file + ": age " + age + " on " + REFERENCE_DAY);
        Address home = homeAddress(patient, file);
        assertTrue(home.hasLine() && home.hasCity() && home.hasPostalCode(), file + ": home address");
        assertEquals("US", home.getCountry(), file);

        Practitioner clinician = one(b, Practitioner.class, file);
        assertTrue(clinician.hasName() && clinician.hasTelecom(), file + ": clinician name and phone");

        Encounter encounter = one(b, Encounter.class, file);
        assertTrue(Set.of(Encounter.EncounterStatus.FINISHED, Encounter.EncounterStatus.INPROGRESS)
                .contains(encounter.getStatus()), file + ": encounter status");
        assertEquals("EMER", encounter.getClass_().getCode(), file);
        assertEquals(patient, resolve(b, encounter.getSubject()), file + ": encounter subject");
        assertEquals(hospital, resolve(b, encounter.getServiceProvider()), file + ": serviceProvider");
        assertTrue(encounter.getPeriod().hasStart(), file + ": period.start");
        Location place = assertInstanceOf(Location.class, resolve(b, encounter.getLocationFirstRep().getLocation()));
        assertTrue(place.getAddress().hasState(), file + ": location state");
        assertEquals(hospital.getAddressFirstRep().getState(), place.getAddress().getState(),
                file + ": the hospital and its emergency department are in one state");
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyReferenceIsAUrnUuidInsideTheBundle(String file) {
        Bundle b = bundle(file);
        Set<String> fullUrls = new HashSet<>();
        for (BundleEntryComponent e : b.getEntry()) {
            assertTrue(e.getFullUrl().matches("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                    file + ": fullUrl " + e.getFullUrl());
            assertEquals(e.getFullUrl().substring("urn:uuid:".length()), e.getResource().getIdElement().getIdPart(),
                    file + ": resource id matches its fullUrl");
            fullUrls.add(e.getFullUrl());
        }
        int count = 0;
        for (BundleEntryComponent e : b.getEntry()) {
            for (Reference r : FhirResources.CTX.newTerser()
                    .getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)) {
                assertTrue(fullUrls.contains(r.getReference()), file + ": unresolved reference " + r.getReference());
                count++;
            }
        }
        assertTrue(count > 10, file + ": expected the resources to be linked, found " + count + " references");
    }

    /** Fictional people only: 555-01xx phone numbers, example.org systems, and NPIs no real provider can hold. */
    @ParameterizedTest
    @MethodSource("files")
    void holdsOnlyFictionalContactDetailsAndIdentifiers(String file) {
        Bundle b = bundle(file);
        for (BundleEntryComponent e : b.getEntry()) {
            for (ContactPoint cp : FhirResources.CTX.newTerser()
                    .getAllPopulatedChildElementsOfType(e.getResource(), ContactPoint.class)) {
                assertTrue(cp.getValue().matches("\\+1 \\d{3}-555-01\\d{2}"), file + ": phone " + cp.getValue());
            }
            for (Identifier id : FhirResources.CTX.newTerser()
                    .getAllPopulatedChildElementsOfType(e.getResource(), Identifier.class)) {
                if (NPI.equals(id.getSystem())) {
                    // Real NPIs start with 1 or 2 (CMS); these keep a valid check digit but start with 9.
                    assertTrue(id.getValue().matches("9\\d{9}") && npiCheckDigitValid(id.getValue()),
                            file + ": fictional NPI " + id.getValue());
                } else {
                    assertTrue(id.getSystem().matches("https://ehr\\.[a-z0-9-]+\\.example\\.org/.*"),
                            file + ": identifier system " + id.getSystem());
                }
            }
        }
    }

    /** Each sample, read through this module's ConceptMaps, yields the outcome its README documents. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("expected")
    void mapsToTheDocumentedOutcome(Expected expected) {
        Bundle b = bundle(expected.file());
        Map<String, List<String>> findingMap = findingTable();
        Map<String, String> perpetratorMap = perpetratorTable();
        Set<String> findings = new HashSet<>();
        Set<String> perpetrators = new HashSet<>();
        for (List<Coding> element : reportedCodings(b)) {
            List<String> read = new ArrayList<>();
            String form = null;
            for (Coding coding : element) {
                String key = coding.getSystem() + "|" + coding.getCode();
                read.addAll(findingMap.getOrDefault(key, List.of()));
                if (perpetratorMap.containsKey(key)) {
                    perpetrators.add(perpetratorMap.get(key));
                }
                if (MappingResources.CODE_SYSTEM_URL.equals(coding.getSystem())) {
                    form = coding.getCode();
                }
            }
            // the shared code beside an ICD-10-CM code names the CSEC form of its sex trafficking (README, FHIR intake)
            String refinedTo = form;
            read.replaceAll(f -> refinedTo != null && f.startsWith("sex-trafficking ") ? refinedTo + f.substring("sex-trafficking".length()) : f);
            findings.addAll(read);
        }
        assertEquals(expected.findings(), findings, expected.file());
        assertEquals(expected.perpetrator(), perpetrators.isEmpty() ? "unknown" : String.join(",", perpetrators),
                expected.file());
        Patient patient = one(b, Patient.class, expected.file());
        assertEquals(expected.residence(), "US-" + homeAddress(patient, expected.file()).getState(), "residence");
        Location place = (Location) resolve(b, one(b, Encounter.class, expected.file()).getLocationFirstRep()
                .getLocation());
        assertEquals(expected.placeOfCare(), "US-" + place.getAddress().getState(), "place of care");
    }

    /** A Condition's verificationStatus agrees with its ICD-10-CM code: T76 suspected, T74 confirmed. */
    @ParameterizedTest
    @MethodSource("files")
    void verificationStatusAgreesWithTheIcd10cmCode(String file) {
        for (BundleEntryComponent e : bundle(file).getEntry()) {
            if (e.getResource() instanceof Condition c) {
                String code = c.getCode().getCodingFirstRep().getCode();
                String status = c.getVerificationStatus().getCodingFirstRep().getCode();
                if (code.startsWith("T76.")) {
                    assertEquals("provisional", status, file + " " + code);
                } else if (code.startsWith("T74.")) {
                    assertEquals("confirmed", status, file + " " + code);
                }
                assertEquals(ICD10CM, c.getCode().getCodingFirstRep().getSystem(), file);
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Resource resolve(Bundle b, Reference ref) {
        return b.getEntry().stream().filter(e -> e.getFullUrl().equals(ref.getReference())).findFirst()
                .map(BundleEntryComponent::getResource)
                .orElseThrow(() -> new AssertionError("unresolved reference " + ref.getReference()));
    }

    private static <T extends Resource> T one(Bundle b, Class<T> type, String file) {
        List<T> found = b.getEntry().stream().map(BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), file + ": exactly one " + type.getSimpleName());
        return found.get(0);
    }

    private static Address homeAddress(Patient patient, String file) {
        return patient.getAddress().stream().filter(a -> a.getUse() == Address.AddressUse.HOME).findFirst()
                .orElseThrow(() -> new AssertionError(file + ": no home address"));
    }

    /**
     * The codings the intake reads, one list per coded element: Condition and Flag codes, Observation values,
     * QuestionnaireResponse answers.
     */
    private static List<List<Coding>> reportedCodings(Bundle b) {
        List<List<Coding>> out = new ArrayList<>();
        for (BundleEntryComponent e : b.getEntry()) {
            Resource r = e.getResource();
            if (r instanceof Condition c) {
                out.add(c.getCode().getCoding());
            } else if (r instanceof Flag f) {
                out.add(f.getCode().getCoding());
            } else if (r instanceof Observation o && o.hasValueCodeableConcept()) {
                out.add(o.getValueCodeableConcept().getCoding());
            } else if (r instanceof QuestionnaireResponse qr) {
                List<Coding> answers = new ArrayList<>();
                collectAnswers(qr.getItem(), answers);
                answers.forEach(a -> out.add(List.of(a)));
            }
        }
        return out;
    }

    private static void collectAnswers(List<QuestionnaireResponseItemComponent> items, List<Coding> out) {
        for (QuestionnaireResponseItemComponent item : items) {
            item.getAnswer().stream().filter(a -> a.hasValueCoding()).forEach(a -> out.add(a.getValueCoding()));
            collectAnswers(item.getItem(), out);
        }
    }

    /** system|code -> "type certainty" for every finding map; an unmatched row maps to nothing. */
    private static Map<String, List<String>> findingTable() {
        Map<String, List<String>> table = new HashMap<>();
        for (String file : List.of(MappingResources.CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION,
                MappingResources.CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION,
                MappingResources.CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION)) {
            for (ConceptMapGroupComponent group : FhirResources.parse(ConceptMap.class, file).getGroup()) {
                for (SourceElementComponent element : group.getElement()) {
                    List<String> targets = new ArrayList<>();
                    for (TargetElementComponent t : element.getTarget()) {
                        if (t.getEquivalence() != ConceptMapEquivalence.UNMATCHED) {
                            targets.add(t.getCode() + " " + t.getProductFirstRep().getValue());
                        }
                    }
                    table.put(group.getSource() + "|" + element.getCode(), targets);
                }
            }
        }
        return table;
    }

    private static Map<String, String> perpetratorTable() {
        Map<String, String> table = new HashMap<>();
        for (ConceptMapGroupComponent group : FhirResources.perpetratorMap().getGroup()) {
            for (SourceElementComponent element : group.getElement()) {
                table.put(group.getSource() + "|" + element.getCode(), element.getTargetFirstRep().getCode());
            }
        }
        return table;
    }

    /** The NPI check digit: Luhn over the prefix 80840 and the first nine digits (CMS NPI standard). */
    static boolean npiCheckDigitValid(String npi) {
        String digits = "80840" + npi;
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}

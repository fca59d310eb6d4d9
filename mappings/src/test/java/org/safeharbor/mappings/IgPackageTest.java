package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FHIR package the build makes ({@link MappingResources#FHIR_PACKAGE}) loaded the way an EHR vendor loads it: a
 * fresh HAPI FhirContext and validator with nothing from this project but the package bytes (NpmPackage, HAPI's R4
 * core, in-memory terminology). If the package needed anything of the adapter's, these tests would not find it.
 */
class IgPackageTest {

    static final String BASE = "https://fhir.safeharbor-bridge.org";
    static final String SUBMISSION = BASE + "/StructureDefinition/screening-report";

    private static final FhirContext CTX = FhirContext.forR4();
    private static NpmPackage pkg;
    private static FhirValidator validator;
    private static final Map<String, Resource> RESOURCES = new HashMap<>();

    @BeforeAll
    static void loadThePackageOutsideTheAdapter() throws IOException {
        try (InputStream in = MappingResources.openPackage()) {
            pkg = NpmPackage.fromPackage(in);
        }
        PrePopulatedValidationSupport conformance = new PrePopulatedValidationSupport(CTX);
        Map<String, Questionnaire> questionnaires = new HashMap<>();
        for (String file : pkg.listResources("StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "Questionnaire",
                "CapabilityStatement", "OperationDefinition")) {
            try (InputStream in = pkg.loadResource(file)) {
                Resource resource = (Resource) CTX.newJsonParser().parseResource(in);
                RESOURCES.put(file, resource);
                if (resource instanceof Questionnaire q) {
                    questionnaires.put(q.getUrl(), q);
                } else if (!(resource instanceof CapabilityStatement) && !(resource instanceof org.hl7.fhir.r4.model.OperationDefinition)) {
                    conformance.addResource(resource);
                }
            }
        }
        // PrePopulatedValidationSupport serves conformance resources only: the Questionnaires by their canonical URL
        IValidationSupport questionnaireSupport = new FhirValidation.QuestionnaireSupport(CTX, questionnaires);
        ValidationSupportChain chain = new ValidationSupportChain(conformance, questionnaireSupport,
                new DefaultProfileValidationSupport(CTX), new CommonCodeSystemsTerminologyService(CTX),
                new InMemoryTerminologyServerValidationSupport(CTX), new SnapshotGeneratingValidationSupport(CTX));
        validator = CTX.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    @Test
    void packageJsonNamesTheCanonicalBaseAndFhirR4() {
        assertEquals("org.safeharbor-bridge.fhir", pkg.name());
        assertEquals(BASE, pkg.canonical());
        assertEquals("4.0.1", pkg.fhirVersion());
        assertTrue(pkg.version().matches("\\d+\\.\\d+\\.\\d+(-[A-Z0-9.]+)?"), "the build's version, filtered in: " + pkg.version());
        assertEquals("4.0.1", pkg.dependencies().stream().filter(d -> d.startsWith("hl7.fhir.r4.core#")).findFirst()
                .map(d -> d.substring(d.indexOf('#') + 1)).orElse(null));
    }

    @Test
    void everyConformanceResourceLivesUnderTheCanonicalBaseAndEveryFileOfMappingsIsInIt() {
        for (Map.Entry<String, Resource> e : RESOURCES.entrySet()) {
            MetadataResource r = (MetadataResource) e.getValue();
            assertEquals(BASE + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart(), r.getUrl(), e.getKey());
        }
        Set<String> files = RESOURCES.keySet();
        for (String shipped : MappingResources.FILE_NAMES) {
            assertTrue(files.contains(shipped), shipped + " is in the package");
        }
    }

    /**
     * Each profile is shipped with its snapshot (PackageSnapshots, at build time), so validators need not generate it,
     * and with the differential of ig/ unchanged: ig/ is what an integrator edits.
     */
    @Test
    void everyProfileComesWithItsSnapshotAndTheDifferentialOfIg() throws IOException {
        int profiles = 0;
        for (Map.Entry<String, Resource> e : RESOURCES.entrySet()) {
            if (e.getValue() instanceof org.hl7.fhir.r4.model.StructureDefinition profile) {
                profiles++;
                assertTrue(profile.getSnapshot().getElement().size() >= profile.getDifferential().getElement().size(),
                        e.getKey() + " has a snapshot");
                org.hl7.fhir.r4.model.StructureDefinition edited = CTX.newJsonParser().parseResource(
                        org.hl7.fhir.r4.model.StructureDefinition.class, java.nio.file.Files.readString(java.nio.file.Path.of("ig", e.getKey())));
                assertTrue(edited.getDifferential().equalsDeep(profile.getDifferential()), e.getKey() + ": the differential of ig/");
            }
        }
        try (java.util.stream.Stream<java.nio.file.Path> ig = java.nio.file.Files.list(java.nio.file.Path.of("ig"))) {
            assertEquals(ig.filter(f -> f.getFileName().toString().startsWith("StructureDefinition-")).count(), profiles,
                    "every profile of ig/");
        }
    }

    /** The intake's operations are declared: FHIR's own, or the package's OperationDefinition, valid FHIR R4. */
    @Test
    void everyOperationOfTheCapabilityStatementIsDefinedInThePackageOrByFhir() {
        CapabilityStatement cs = (CapabilityStatement) RESOURCES.get("CapabilityStatement-intake.json");
        List<String> names = new ArrayList<>();
        for (CapabilityStatement.CapabilityStatementRestResourceOperationComponent op : cs.getRestFirstRep().getOperation()) {
            names.add(op.getName());
            String definition = op.getDefinition();
            if (definition.startsWith(BASE)) {
                org.hl7.fhir.r4.model.OperationDefinition od = (org.hl7.fhir.r4.model.OperationDefinition) RESOURCES.values().stream()
                        .filter(r -> r instanceof org.hl7.fhir.r4.model.OperationDefinition o && o.getUrl().equals(definition)).findFirst()
                        .orElseThrow(() -> new AssertionError(definition + " is not in the package"));
                assertEquals(op.getName(), od.getCode());
                ca.uhn.fhir.validation.ValidationResult result = validator.validateWithResult(od);
                assertTrue(result.getMessages().stream().noneMatch(m -> m.getSeverity().ordinal() >= ca.uhn.fhir.validation.ResultSeverityEnum.ERROR.ordinal()),
                        () -> result.getMessages().toString());
            } else {
                assertTrue(definition.startsWith("http://hl7.org/fhir/OperationDefinition/"), definition);
            }
        }
        assertEquals(List.of("process-message", "aggregate-counts"), names);
    }

    /** Every canonical a profile names (a base, a type profile, a binding, an extension) resolves in the package or R4. */
    @Test
    void theProfilesReferToNothingOutsideThePackageAndFhirR4() {
        IValidationSupport core = new DefaultProfileValidationSupport(CTX);
        List<String> unresolved = new ArrayList<>();
        for (Resource r : RESOURCES.values()) {
            if (!(r instanceof StructureDefinition sd)) {
                continue;
            }
            Set<String> refs = new TreeSet<>();
            refs.add(sd.getBaseDefinition());
            sd.getDifferential().getElement().forEach(el -> {
                el.getType().forEach(t -> t.getProfile().forEach(p -> refs.add(p.getValue())));
                if (el.hasBinding()) {
                    refs.add(el.getBinding().getValueSet());
                }
            });
            for (String ref : refs) {
                String url = ref.split("\\|")[0];
                boolean ours = RESOURCES.values().stream().anyMatch(x -> x instanceof MetadataResource m && url.equals(m.getUrl()));
                if (!ours && core.fetchStructureDefinition(url) == null && core.fetchValueSet(url) == null) {
                    unresolved.add(sd.getId() + " -> " + url);
                }
            }
        }
        assertEquals(List.of(), unresolved);
    }

    static Stream<String> examples() throws IOException {
        return pkg == null ? loadNames() : pkg.list("example").stream();
    }

    private static Stream<String> loadNames() throws IOException {
        try (InputStream in = MappingResources.openPackage()) {
            return NpmPackage.fromPackage(in).list("example").stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleIsValidAgainstTheSubmissionProfile(String example) throws IOException {
        String json;
        try (InputStream in = pkg.load("example", example)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<SingleValidationMessage> problems = problems(validate(json));
        assertEquals(List.of(), problems.stream().map(IgPackageTest::describe).toList(), example);
    }

    @Test
    void theExamplesAreTheSamplesOfTheIntake() throws IOException {
        Path samples = Path.of(System.getProperty("basedir", ".")).resolve("../bundles/fhir/samples").normalize();
        try (Stream<Path> files = Files.list(samples)) {
            assertEquals(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).collect(Collectors.toCollection(TreeSet::new)),
                    new TreeSet<>(pkg.list("example")));
        }
    }

    /** The profiles refuse what the intake must refuse, each naming the element and the profile's rule. */
    @Test
    void theProfilesRefuseWhatTheyMust() throws IOException {
        assertRefused("t76-52xa-suspected.json", b -> first(b, Patient.class).setBirthDateElement(null),
                "Patient.birthDate: minimum required = 1");
        assertRefused("t76-52xa-suspected.json", b -> first(b, MessageHeader.class).setEvent(new Coding("http://example.org/events", "admit", null)),
                BASE + "/ValueSet/message-events");
        // a code outside the value set, a Flag of another category: alone, the submission has no finding (shb-rep-1)
        assertRefused("t76-52xa-suspected.json", b -> first(b, Condition.class).setCode(new CodeableConcept(
                new Coding("http://hl7.org/fhir/sid/icd-10-cm", "S52.501A", null))), "shb-rep-1");
        assertRefused("cse-it-positive.json", b -> first(b, QuestionnaireResponse.class).setQuestionnaire(null),
                "QuestionnaireResponse.questionnaire: minimum required = 1");
        assertRefused("flag-only.json", b -> first(b, Flag.class).getCategoryFirstRep().getCodingFirstRep().setCode("clinical"),
                "shb-rep-1");
        assertRefused("flag-only.json", b -> first(b, Flag.class).setStatus(Flag.FlagStatus.INACTIVE), "shb-rep-1");
    }

    /**
     * Beside a finding, another diagnosis or another Flag is valid with a warning naming the value set: a hospital's EHR
     * may send the child's other problems along, and refusing the submission would lose the report.
     */
    @Test
    void anUnrelatedDiagnosisOrFlagBesideAFindingIsAWarning() throws IOException {
        Bundle bundle;
        try (InputStream in = pkg.load("example", "t76-52xa-suspected.json")) {
            bundle = CTX.newJsonParser().parseResource(Bundle.class, in);
        }
        String child = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow().getFullUrl();
        bundle.addEntry().setFullUrl("urn:uuid:5f1e3c52-8a55-4f0b-9d55-0c1a4e7b9a01").setResource(new Condition()
                .setSubject(new org.hl7.fhir.r4.model.Reference(child))
                .setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "J45.909", null))));
        bundle.addEntry().setFullUrl("urn:uuid:5f1e3c52-8a55-4f0b-9d55-0c1a4e7b9a02").setResource(new Flag()
                .setStatus(Flag.FlagStatus.ACTIVE).setSubject(new org.hl7.fhir.r4.model.Reference(child))
                .addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/flag-category", "admin", null)))
                .setCode(new CodeableConcept().setText("Interpreter needed")));
        ValidationResult result = validate(CTX.newJsonParser().encodeResourceToString(bundle));
        assertEquals(List.of(), problems(result).stream().map(IgPackageTest::describe).toList());
        List<String> warnings = result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.WARNING)
                .map(IgPackageTest::describe).toList();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("Bundle.entry[7]") && w.contains(BASE + "/ValueSet/trafficking-findings")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("Bundle.entry[8]") && w.contains(BASE + "/ValueSet/flag-safety")), warnings.toString());
    }

    private static void assertRefused(String example, Consumer<Bundle> change, String rule) throws IOException {
        Bundle bundle;
        try (InputStream in = pkg.load("example", example)) {
            bundle = CTX.newJsonParser().parseResource(Bundle.class, in);
        }
        change.accept(bundle);
        List<SingleValidationMessage> errors = problems(validate(CTX.newJsonParser().encodeResourceToString(bundle)));
        assertTrue(errors.stream().anyMatch(m -> m.getMessage().contains(rule)),
                rule + " in " + errors.stream().map(IgPackageTest::describe).toList());
    }

    private static <T extends Resource> T first(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast)
                .findFirst().orElseThrow();
    }

    private static ValidationResult validate(String json) {
        return validator.validateWithResult(json, new ValidationOptions().addProfile(SUBMISSION));
    }

    private static List<SingleValidationMessage> problems(ValidationResult result) {
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }

    private static String describe(SingleValidationMessage m) {
        return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
    }
}

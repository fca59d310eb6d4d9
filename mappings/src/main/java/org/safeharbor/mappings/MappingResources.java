package org.safeharbor.mappings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens the FHIR terminology files shipped in this bundle, or a site's override of one of them.
 *
 * <p>Lookup order for {@link #open(String)}:
 * <ol>
 *   <li>the file of that name in the directory named by the system property {@value #OVERRIDE_DIR_PROPERTY},
 *       or, when that property is not set and Karaf's {@code karaf.etc} is, in
 *       {@code ${karaf.etc}/safeharbor/mappings};</li>
 *   <li>otherwise the copy packaged in this bundle, at {@value #CLASSPATH_PREFIX}{@code <fileName>}.</li>
 * </ol>
 * An override replaces the whole file; it is not merged with the packaged one.
 *
 * <p>Screening instruments are data: each is a Questionnaire ({@code Questionnaire-<name>.json}) and a scoring rule
 * ({@code ScreeningRule-<name>.json}, see mappings/README.md). Besides overriding the packaged ones, a site adds an
 * instrument by putting both files in the override directory: {@link #questionnaires()} and {@link #screeningRules()}
 * list them with the packaged ones, and {@link #open(String)} opens them.
 */
public final class MappingResources {

    /** The shared allegation CodeSystem ({@value #CODE_SYSTEM_URL}). */
    public static final String CODE_SYSTEM_HT_ALLEGATION = "CodeSystem-ht-allegation.json";

    /** ConceptMap from ICD-10-CM T74/T76/Z codes to allegation type and certainty. */
    public static final String CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION = "ConceptMap-icd10cm-to-ht-allegation.json";

    /** ConceptMap from ICD-10-CM Y07 perpetrator codes to the allegation's perpetrator relation. */
    public static final String CONCEPT_MAP_ICD10CM_Y07_TO_PERPETRATOR = "ConceptMap-icd10cm-y07-to-perpetrator.json";

    /** The events of the messages hospitals send (MessageHeader.eventCoding), at {@value #MESSAGE_EVENT_URL}. */
    public static final String CODE_SYSTEM_MESSAGE_EVENT = "CodeSystem-message-event.json";

    /** The circumstances of a law-enforcement custody notice (its Observation's value): victim's wording, never an offense. */
    public static final String CODE_SYSTEM_CUSTODY_CIRCUMSTANCE = "CodeSystem-custody-circumstance.json";

    /** Consent to a services referral and the services referral's categories (issue 15, bundles/services-referral). */
    public static final String CODE_SYSTEM_SERVICES_REFERRAL = "CodeSystem-services-referral.json";

    /** Trafficking screening instruments and their results, at {@value #SCREENING_URL}. */
    public static final String CODE_SYSTEM_SCREENING = "CodeSystem-screening.json";

    /** Where a referral stands (Task.businessStatus), at {@value #DELIVERY_STATUS_URL}. */
    public static final String CODE_SYSTEM_DELIVERY_STATUS = "CodeSystem-delivery-status.json";

    /** The Short Screen for Child Sex Trafficking answers, at {@value #QUESTIONNAIRE_SSCST_URL}. */
    public static final String QUESTIONNAIRE_SSCST = "Questionnaire-sscst.json";

    /** The CSE-IT level of concern, at {@value #QUESTIONNAIRE_CSE_IT_URL}. */
    public static final String QUESTIONNAIRE_CSE_IT = "Questionnaire-cse-it.json";

    /** The Florida Human Trafficking Screening Tool determination (unconfirmed), at {@value #QUESTIONNAIRE_FL_HTST_URL}. */
    public static final String QUESTIONNAIRE_FL_HTST = "Questionnaire-fl-htst.json";

    /** ConceptMap from SNOMED CT findings to allegation type and certainty. */
    public static final String CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION = "ConceptMap-snomed-to-ht-allegation.json";

    /** ConceptMap from screening results to allegation type and certainty (at-risk at most). */
    public static final String CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION = "ConceptMap-screening-to-ht-allegation.json";

    /**
     * ConceptMap from the shared allegation code to the NCANDS Child File maltreatment type, and from the delivery
     * status to the NCANDS maltreatment disposition level (federal reporting; harbor:export-ncands).
     */
    public static final String CONCEPT_MAP_HT_ALLEGATION_TO_NCANDS = "ConceptMap-ht-allegation-to-ncands.json";

    /** The NCANDS Child File maltreatment types (ChMal1..ChMal4), at {@value #NCANDS_MALTREATMENT_TYPE_URL}. */
    public static final String CODE_SYSTEM_NCANDS_MALTREATMENT_TYPE = "CodeSystem-ncands-maltreatment-type.json";

    /** The NCANDS Child File maltreatment disposition levels (Mal1Lev..Mal4Lev), at {@value #NCANDS_MALTREATMENT_LEVEL_URL}. */
    public static final String CODE_SYSTEM_NCANDS_MALTREATMENT_LEVEL = "CodeSystem-ncands-maltreatment-level.json";

    /**
     * Every file this bundle ships; {@link #open(String)} accepts no other name. The shared code and the health-side maps
     * only: a state's own terminology (its CodeSystem, its ConceptMap from the shared code) lives in its bundle.
     */
    public static final List<String> FILE_NAMES = List.of(
            CODE_SYSTEM_HT_ALLEGATION,
            CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION,
            CONCEPT_MAP_ICD10CM_Y07_TO_PERPETRATOR,
            CODE_SYSTEM_MESSAGE_EVENT,
            CODE_SYSTEM_CUSTODY_CIRCUMSTANCE,
            CODE_SYSTEM_SERVICES_REFERRAL,
            CODE_SYSTEM_SCREENING,
            CODE_SYSTEM_DELIVERY_STATUS,
            QUESTIONNAIRE_SSCST,
            QUESTIONNAIRE_CSE_IT,
            QUESTIONNAIRE_FL_HTST,
            CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION,
            CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION,
            CODE_SYSTEM_NCANDS_MALTREATMENT_TYPE,
            CODE_SYSTEM_NCANDS_MALTREATMENT_LEVEL,
            CONCEPT_MAP_HT_ALLEGATION_TO_NCANDS);

    /** How the SSCST answers are scored (a rule file, not a FHIR resource: see mappings/README.md). */
    public static final String SCREENING_RULE_SSCST = "ScreeningRule-sscst.json";

    /** How a CSE-IT answer is read. */
    public static final String SCREENING_RULE_CSE_IT = "ScreeningRule-cse-it.json";

    /** How a Florida HTST determination is read (unconfirmed, like its Questionnaire). */
    public static final String SCREENING_RULE_FL_HTST = "ScreeningRule-fl-htst.json";

    /** The packaged screening rules, one per packaged screening Questionnaire (from {@code rules/} in the sources). */
    public static final List<String> SCREENING_RULE_FILE_NAMES = List.of(
            SCREENING_RULE_SSCST,
            SCREENING_RULE_CSE_IT,
            SCREENING_RULE_FL_HTST);

    /** File-name prefix of a screening instrument's Questionnaire. */
    public static final String QUESTIONNAIRE_PREFIX = "Questionnaire-";

    /** File-name prefix of a screening instrument's scoring rule. */
    public static final String SCREENING_RULE_PREFIX = "ScreeningRule-";

    /**
     * The names a site may add in the override directory: a Questionnaire or a scoring rule, a plain file name (no
     * directory part, so nothing outside the directory can be reached).
     */
    private static final Pattern ADDED_FILE = Pattern.compile("(Questionnaire|ScreeningRule)-[A-Za-z0-9][A-Za-z0-9._-]*\\.json");

    /** Canonical URL of the shared allegation CodeSystem. */
    public static final String CODE_SYSTEM_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/ht-allegation";

    /** Canonical URL of the message-event CodeSystem. */
    public static final String MESSAGE_EVENT_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/message-event";

    /** Canonical URL of the screening CodeSystem. */
    public static final String SCREENING_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/screening";

    /** Canonical URL of the delivery-status CodeSystem. */
    public static final String DELIVERY_STATUS_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/delivery-status";

    /** The canonical URL of the NCANDS maltreatment types (the project's rendering of the Child File codebook's values). */
    public static final String NCANDS_MALTREATMENT_TYPE_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/ncands-maltreatment-type";

    /** The canonical URL of the NCANDS maltreatment disposition levels (the Child File codebook's values). */
    public static final String NCANDS_MALTREATMENT_LEVEL_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/ncands-maltreatment-level";

    /** Canonical URL of the SSCST Questionnaire. */
    public static final String QUESTIONNAIRE_SSCST_URL = "https://fhir.safeharbor-bridge.org/Questionnaire/sscst";

    /** Canonical URL of the CSE-IT Questionnaire. */
    public static final String QUESTIONNAIRE_CSE_IT_URL = "https://fhir.safeharbor-bridge.org/Questionnaire/cse-it";

    /** Canonical URL of the Florida HTST Questionnaire. */
    public static final String QUESTIONNAIRE_FL_HTST_URL = "https://fhir.safeharbor-bridge.org/Questionnaire/fl-htst";

    /**
     * The FHIR package of the adapter's contract (an npm-style {@code package.tgz}: {@code package/package.json}, the
     * profiles, ValueSets, CodeSystems, ConceptMaps, Questionnaires and CapabilityStatement, the sample submissions in
     * {@code package/example/}), built from {@code ig/} and {@code fhir/} (mappings/README.md). Not overridable.
     */
    public static final String FHIR_PACKAGE = "package.tgz";

    /** System property naming a directory whose files override the packaged ones. */
    public static final String OVERRIDE_DIR_PROPERTY = "safeharbor.mappings.dir";

    /** Where the packaged files sit on the bundle's class path. */
    public static final String CLASSPATH_PREFIX = "org/safeharbor/mappings/";

    private MappingResources() {
    }

    /**
     * Opens one of the terminology files, preferring a site override (see the class description).
     *
     * @param fileName one of {@link #FILE_NAMES} or {@link #SCREENING_RULE_FILE_NAMES}, or a Questionnaire or
     *        screening rule the override directory adds (see {@link #questionnaires()}, {@link #screeningRules()})
     * @return a stream the caller must close
     * @throws IllegalArgumentException for any other name
     * @throws UncheckedIOException if an override file exists but cannot be read
     * @throws IllegalStateException if the packaged copy is missing (a packaging error)
     */
    public static InputStream open(String fileName) {
        // Only known names: this also keeps a caller from reading arbitrary files through the override directory.
        if (fileName == null || !FILE_NAMES.contains(fileName) && !SCREENING_RULE_FILE_NAMES.contains(fileName)
                && !added().contains(fileName)) {
            throw new IllegalArgumentException("Unknown mapping file '" + fileName + "'; known files: " + FILE_NAMES
                    + ", " + SCREENING_RULE_FILE_NAMES + " and the Questionnaire-*.json, ScreeningRule-*.json of the override directory");
        }
        Optional<Path> override = overrideDirectory().map(dir -> dir.resolve(fileName)).filter(Files::isRegularFile);
        if (override.isPresent()) {
            try {
                return Files.newInputStream(override.get());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read mapping override " + override.get(), e);
            }
        }
        // The bundle's own class loader: the thread context class loader is unreliable inside OSGi.
        InputStream copy = MappingResources.class.getClassLoader().getResourceAsStream(CLASSPATH_PREFIX + fileName);
        if (copy == null) {
            throw new IllegalStateException("Packaged mapping file missing: " + CLASSPATH_PREFIX + fileName);
        }
        return copy;
    }

    /**
     * Opens the FHIR package ({@value #FHIR_PACKAGE}) this bundle carries: the contract as built, never a site's copy.
     *
     * @return a stream the caller must close
     * @throws IllegalStateException if it is missing (a packaging error)
     */
    public static InputStream openPackage() {
        InputStream in = MappingResources.class.getClassLoader().getResourceAsStream(CLASSPATH_PREFIX + FHIR_PACKAGE);
        if (in == null) {
            throw new IllegalStateException("Packaged FHIR package missing: " + CLASSPATH_PREFIX + FHIR_PACKAGE);
        }
        return in;
    }

    /**
     * The screening instruments' Questionnaires in force: the packaged ones (a site copy of the same name overrides
     * it), then the {@code Questionnaire-*.json} the override directory adds, by name.
     */
    public static List<String> questionnaires() {
        return withAdded(FILE_NAMES.stream().filter(n -> n.startsWith(QUESTIONNAIRE_PREFIX)).toList(), QUESTIONNAIRE_PREFIX);
    }

    /**
     * The screening rules in force: the packaged ones (a site copy of the same name overrides it), then the
     * {@code ScreeningRule-*.json} the override directory adds, by name.
     */
    public static List<String> screeningRules() {
        return withAdded(SCREENING_RULE_FILE_NAMES, SCREENING_RULE_PREFIX);
    }

    private static List<String> withAdded(List<String> packaged, String prefix) {
        List<String> all = new ArrayList<>(packaged);
        added().stream().filter(n -> n.startsWith(prefix) && !packaged.contains(n)).forEach(all::add);
        return List.copyOf(all);
    }

    /** The instrument files in the override directory now, sorted by name. */
    private static List<String> added() {
        Optional<Path> dir = overrideDirectory().filter(Files::isDirectory);
        if (dir.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.get())) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(n -> ADDED_FILE.matcher(n).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list mapping overrides in " + dir.get(), e);
        }
    }

    /** The override directory in force now, read on every call so that a changed property takes effect. */
    static Optional<Path> overrideDirectory() {
        String dir = System.getProperty(OVERRIDE_DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return Optional.of(Paths.get(dir));
        }
        String karafEtc = System.getProperty("karaf.etc");
        if (karafEtc != null && !karafEtc.isBlank()) {
            return Optional.of(Paths.get(karafEtc, "safeharbor", "mappings"));
        }
        return Optional.empty();
    }
}

package org.safeharbor.mappings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

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

    /** Trafficking screening instruments and their results, at {@value #SCREENING_URL}. */
    public static final String CODE_SYSTEM_SCREENING = "CodeSystem-screening.json";

    /** Where a referral stands (Task.businessStatus), at {@value #DELIVERY_STATUS_URL}. */
    public static final String CODE_SYSTEM_DELIVERY_STATUS = "CodeSystem-delivery-status.json";

    /** The Short Screen for Child Sex Trafficking answers, at {@value #QUESTIONNAIRE_SSCST_URL}. */
    public static final String QUESTIONNAIRE_SSCST = "Questionnaire-sscst.json";

    /** The CSE-IT level of concern, at {@value #QUESTIONNAIRE_CSE_IT_URL}. */
    public static final String QUESTIONNAIRE_CSE_IT = "Questionnaire-cse-it.json";

    /** ConceptMap from SNOMED CT findings to allegation type and certainty. */
    public static final String CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION = "ConceptMap-snomed-to-ht-allegation.json";

    /** ConceptMap from screening results to allegation type and certainty (at-risk at most). */
    public static final String CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION = "ConceptMap-screening-to-ht-allegation.json";

    /** ConceptMaps from the shared code to each reference jurisdiction's codes (one per jurisdiction bundle). */
    public static final String CONCEPT_MAP_HT_ALLEGATION_TO_US_IL = "ConceptMap-ht-allegation-to-us-il.json";
    public static final String CONCEPT_MAP_HT_ALLEGATION_TO_US_FL = "ConceptMap-ht-allegation-to-us-fl.json";
    public static final String CONCEPT_MAP_HT_ALLEGATION_TO_US_MA = "ConceptMap-ht-allegation-to-us-ma.json";
    public static final String CONCEPT_MAP_HT_ALLEGATION_TO_US_TX = "ConceptMap-ht-allegation-to-us-tx.json";

    /** Every file this bundle ships; {@link #open(String)} accepts no other name. */
    public static final List<String> FILE_NAMES = List.of(
            CODE_SYSTEM_HT_ALLEGATION,
            CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION,
            CONCEPT_MAP_ICD10CM_Y07_TO_PERPETRATOR,
            CODE_SYSTEM_MESSAGE_EVENT,
            CODE_SYSTEM_SCREENING,
            CODE_SYSTEM_DELIVERY_STATUS,
            QUESTIONNAIRE_SSCST,
            QUESTIONNAIRE_CSE_IT,
            CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION,
            CONCEPT_MAP_SCREENING_TO_HT_ALLEGATION,
            CONCEPT_MAP_HT_ALLEGATION_TO_US_IL,
            CONCEPT_MAP_HT_ALLEGATION_TO_US_FL,
            CONCEPT_MAP_HT_ALLEGATION_TO_US_MA,
            CONCEPT_MAP_HT_ALLEGATION_TO_US_TX);

    /** Canonical URL of the shared allegation CodeSystem. */
    public static final String CODE_SYSTEM_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/ht-allegation";

    /** Canonical URL of the message-event CodeSystem. */
    public static final String MESSAGE_EVENT_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/message-event";

    /** Canonical URL of the screening CodeSystem. */
    public static final String SCREENING_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/screening";

    /** Canonical URL of the delivery-status CodeSystem. */
    public static final String DELIVERY_STATUS_URL = "https://fhir.safeharbor-bridge.org/CodeSystem/delivery-status";

    /** Canonical URL of the SSCST Questionnaire. */
    public static final String QUESTIONNAIRE_SSCST_URL = "https://fhir.safeharbor-bridge.org/Questionnaire/sscst";

    /** Canonical URL of the CSE-IT Questionnaire. */
    public static final String QUESTIONNAIRE_CSE_IT_URL = "https://fhir.safeharbor-bridge.org/Questionnaire/cse-it";

    /** System property naming a directory whose files override the packaged ones. */
    public static final String OVERRIDE_DIR_PROPERTY = "safeharbor.mappings.dir";

    /** Where the packaged files sit on the bundle's class path. */
    public static final String CLASSPATH_PREFIX = "org/safeharbor/mappings/";

    private MappingResources() {
    }

    /**
     * Opens one of the terminology files, preferring a site override (see the class description).
     *
     * @param fileName one of {@link #FILE_NAMES}
     * @return a stream the caller must close
     * @throws IllegalArgumentException if {@code fileName} is not one of {@link #FILE_NAMES}
     * @throws UncheckedIOException if an override file exists but cannot be read
     * @throws IllegalStateException if the packaged copy is missing (a packaging error)
     */
    public static InputStream open(String fileName) {
        // Only known names: this also keeps a caller from reading arbitrary files through the override directory.
        if (fileName == null || !FILE_NAMES.contains(fileName)) {
            throw new IllegalArgumentException("Unknown mapping file '" + fileName + "'; known files: " + FILE_NAMES);
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
        InputStream packaged = MappingResources.class.getClassLoader().getResourceAsStream(CLASSPATH_PREFIX + fileName);
        if (packaged == null) {
            throw new IllegalStateException("Packaged mapping file missing: " + CLASSPATH_PREFIX + fileName);
        }
        return packaged;
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

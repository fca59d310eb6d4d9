package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class MappingResourcesTest {

    private static final String KARAF_ETC = "karaf.etc";

    // System properties are global: keep what was there and put it back after each test.
    private String savedDir;
    private String savedKarafEtc;

    @BeforeEach
    void saveProperties() {
        savedDir = System.getProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
        savedKarafEtc = System.getProperty(KARAF_ETC);
        System.clearProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
        System.clearProperty(KARAF_ETC);
    }

    @AfterEach
    void restoreProperties() {
        restore(MappingResources.OVERRIDE_DIR_PROPERTY, savedDir);
        restore(KARAF_ETC, savedKarafEtc);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    static final List<String> FILES = MappingResources.FILE_NAMES;

    @ParameterizedTest
    @FieldSource("FILES")
    void everyFileParsesWithHapi(String fileName) {
        IBaseResource resource = FhirResources.parser().parseResource(FhirResources.text(fileName));
        assertNotNull(resource);
        // The file name starts with the resource type, e.g. CodeSystem-ht-allegation.json.
        assertTrue(fileName.startsWith(FhirResources.CTX.getResourceType(resource) + "-"), fileName);
        assertEquals(fileName.substring(fileName.indexOf('-') + 1, fileName.length() - ".json".length()),
                resource.getIdElement().getIdPart(), "id matches the file name");
    }

    /** A file added to fhir/ but not to FILE_NAMES could never be opened: the two lists must agree. */
    @Test
    void fileNamesListEveryFileInTheFhirDirectory() throws IOException {
        Path fhir = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")), "fhir");
        Set<String> onDisk;
        try (Stream<Path> listing = Files.list(fhir)) {
            onDisk = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(Collectors.toSet());
        }
        assertEquals(onDisk, Set.copyOf(MappingResources.FILE_NAMES));
        assertEquals(MappingResources.FILE_NAMES.size(), onDisk.size(), "no name listed twice");
    }

    /** The scoring rules sit in rules/ (they are not FHIR resources): the list and the directory must agree. */
    @Test
    void screeningRuleNamesListEveryFileInTheRulesDirectory() throws IOException {
        Path rules = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")), "rules");
        Set<String> onDisk;
        try (Stream<Path> listing = Files.list(rules)) {
            onDisk = listing.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertEquals(onDisk, Set.copyOf(MappingResources.SCREENING_RULE_FILE_NAMES));
        assertEquals(MappingResources.SCREENING_RULE_FILE_NAMES, MappingResources.screeningRules(), "without overrides, the packaged rules");
        for (String rule : MappingResources.SCREENING_RULE_FILE_NAMES) {
            assertTrue(FhirResources.text(rule).contains("\"questionnaire\""), rule + " is packaged");
        }
    }

    /**
     * A site adds a screening instrument without code: its Questionnaire and its scoring rule in the override
     * directory are listed after the packaged ones and can be opened; other files there are neither.
     */
    @Test
    void overrideDirectoryAddsAScreeningInstrument(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Questionnaire-site-screen.json"), "{\"resourceType\":\"Questionnaire\"}");
        Files.writeString(dir.resolve("ScreeningRule-site-screen.json"), "{\"questionnaire\":\"https://example.org/q\"}");
        Files.writeString(dir.resolve("ScreeningRule-notes.txt"), "not a rule");
        Files.writeString(dir.resolve("Library-site.json"), "{}");
        Files.writeString(dir.resolve(MappingResources.SCREENING_RULE_SSCST), "{\"questionnaire\":\"site copy\"}");
        List<String> packagedQuestionnaires = MappingResources.questionnaires();
        assertFalse(packagedQuestionnaires.contains("Questionnaire-site-screen.json"), "not before the directory is in force");

        System.setProperty(MappingResources.OVERRIDE_DIR_PROPERTY, dir.toString());
        List<String> questionnaires = MappingResources.questionnaires();
        assertEquals(packagedQuestionnaires.size() + 1, questionnaires.size());
        assertEquals("Questionnaire-site-screen.json", questionnaires.get(questionnaires.size() - 1));
        List<String> rules = MappingResources.screeningRules();
        assertEquals(MappingResources.SCREENING_RULE_FILE_NAMES.size() + 1, rules.size(), "a packaged name is overridden, not added: " + rules);
        assertEquals("ScreeningRule-site-screen.json", rules.get(rules.size() - 1));
        try (InputStream in = MappingResources.open("ScreeningRule-site-screen.json")) {
            assertEquals("{\"questionnaire\":\"https://example.org/q\"}", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(FhirResources.text(MappingResources.SCREENING_RULE_SSCST).contains("site copy"), "the site's copy overrides");
        assertThrows(IllegalArgumentException.class, () -> MappingResources.open("ScreeningRule-notes.txt"));
        assertThrows(IllegalArgumentException.class, () -> MappingResources.open("Library-site.json"));
        assertThrows(IllegalArgumentException.class, () -> MappingResources.open("ScreeningRule-absent.json"));

        System.clearProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
        assertEquals(packagedQuestionnaires, MappingResources.questionnaires());
        assertThrows(IllegalArgumentException.class, () -> MappingResources.open("ScreeningRule-site-screen.json"));
    }

    @Test
    void unknownFileIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MappingResources.open("../../etc/passwd"));
        assertTrue(e.getMessage().contains("Unknown mapping file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MappingResources.open(null));
    }

    @Test
    void overrideDirectoryWinsOverThePackagedFile(@TempDir Path dir) throws IOException {
        String packaged = FhirResources.text(MappingResources.CODE_SYSTEM_HT_ALLEGATION);
        String modified = packaged.replaceFirst("\"version\": \"1.0.0\"", "\"version\": \"1.0.0-site\"");
        assertFalse(modified.equals(packaged), "the test must really change the copy");
        Files.writeString(dir.resolve(MappingResources.CODE_SYSTEM_HT_ALLEGATION), modified);

        System.setProperty(MappingResources.OVERRIDE_DIR_PROPERTY, dir.toString());
        assertEquals("1.0.0-site", FhirResources.codeSystem().getVersion());
        // A file not present in the override directory still comes from the bundle.
        assertEquals("1.0.0", FhirResources.allegationMap().getVersion());

        System.clearProperty(MappingResources.OVERRIDE_DIR_PROPERTY);
        assertEquals("1.0.0", FhirResources.codeSystem().getVersion());
    }

    @Test
    void karafEtcGivesTheDefaultOverrideDirectory(@TempDir Path etc) throws IOException {
        Path dir = Files.createDirectories(etc.resolve("safeharbor").resolve("mappings"));
        Files.writeString(dir.resolve(MappingResources.CONCEPT_MAP_ICD10CM_Y07_TO_PERPETRATOR), "{\"override\":true}");
        System.setProperty(KARAF_ETC, etc.toString());

        try (InputStream in = MappingResources.open(MappingResources.CONCEPT_MAP_ICD10CM_Y07_TO_PERPETRATOR)) {
            assertEquals("{\"override\":true}", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        // The explicit property takes precedence over karaf.etc.
        System.setProperty(MappingResources.OVERRIDE_DIR_PROPERTY, etc.resolve("elsewhere").toString());
        assertEquals("1.0.0", FhirResources.perpetratorMap().getVersion());
    }

    @Test
    void withoutOverrideThePackagedCopyIsRead() {
        CodeSystem cs = FhirResources.codeSystem();
        assertEquals(MappingResources.CODE_SYSTEM_URL, cs.getUrl());
        assertEquals("1.0.0", cs.getVersion());
    }
}

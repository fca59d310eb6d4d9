package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/ehr-vendors.md against the code, so the vendors' guide cannot drift: its error catalogue lists every refusal the
 * intake's sources can raise (status and OperationOutcome code, and every fixed expression) and nothing they cannot;
 * every constraint key of the FHIR package ({@code shb-*}) is in it; every element of every profile has its row.
 */
class ErrorCatalogueTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).resolve("../..").normalize();
    private static final Path SOURCES = ROOT.resolve("bundles/fhir/src/main/java/org/safeharbor/fhir");
    /** Exceptions HAPI answers with an OperationOutcome of code processing, by class. */
    private static final Map<String, Integer> STATUS_OF = Map.of("ForbiddenOperationException", 403, "ResourceNotFoundException", 404,
            "ResourceVersionConflictException", 409, "PayloadTooLargeException", 413, "InternalErrorException", 500);
    private static final Pattern ROW = Pattern.compile("^\\| (\\d{3}) \\| ([a-z-]+) \\|(.*?)\\|(.*)\\|$");

    private static String guide;
    /** "status code" of every row of the catalogue, with the row's expression column. */
    private static final List<String[]> ROWS = new ArrayList<>();

    @BeforeAll
    static void read() throws IOException {
        guide = Files.readString(ROOT.resolve("docs/ehr-vendors.md"));
        String catalogue = guide.substring(guide.indexOf("## The error catalogue"), guide.indexOf("## What validation costs"));
        for (String line : catalogue.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                ROWS.add(new String[] {row.group(1) + " " + row.group(2), row.group(3)});
            }
        }
    }

    /** Every (status, code) the sources raise, with the fixed expressions they name. */
    private static Map<String, Set<String>> raised() throws IOException {
        Map<String, Set<String>> raised = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String java = Files.readString(file);
                String name = file.getFileName().toString();
                Matcher m = Pattern.compile("Refusals\\.unprocessable\\(\\s*IssueType\\.([A-Z]+)\\s*,\\s*(\"([^\"]*)\")?").matcher(java);
                while (m.find()) {
                    add(raised, "422 " + IssueType.valueOf(m.group(1)).toCode(), m.group(3));
                }
                m = Pattern.compile("Refusals\\.badRequest\\(\\s*(\"([^\"]*)\")?").matcher(java);
                while (m.find()) {
                    add(raised, "400 " + IssueType.STRUCTURE.toCode(), m.group(2));
                }
                if (java.contains("Refusals.unsupportedMediaType(") && !name.equals("Refusals.java")) {
                    add(raised, "415 " + IssueType.NOTSUPPORTED.toCode(), "Bundle");
                }
                if (name.equals("Refusals.java")) {
                    continue; // the factories themselves: their callers are counted above
                }
                m = Pattern.compile("UnclassifiedServerFailureException\\(\\s*(\\d{3}|TOO_MANY_REQUESTS)").matcher(java);
                while (m.find()) {
                    add(raised, (m.group(1).equals("TOO_MANY_REQUESTS") ? "429" : m.group(1)) + " processing", null);
                }
                m = Pattern.compile("new (\\w+Exception)\\(").matcher(java);
                while (m.find()) {
                    if (STATUS_OF.containsKey(m.group(1))) {
                        add(raised, STATUS_OF.get(m.group(1)) + " processing", null);
                    } else if (m.group(1).equals("InvalidRequestException") && !name.equals("ProfileValidation.java")) {
                        add(raised, "400 processing", null);
                    }
                }
                if (name.equals("ProfileValidation.java")) {
                    // the profiles' issues: 422, and 400 for the Bundle's own structure (its required elements, bdl-*)
                    m = Pattern.compile("IssueType\\.([A-Z]+)").matcher(java);
                    while (m.find()) {
                        IssueType type = IssueType.valueOf(m.group(1));
                        add(raised, "422 " + type.toCode(), null);
                        if (type == IssueType.STRUCTURE || type == IssueType.REQUIRED) {
                            add(raised, "400 " + type.toCode(), null);
                        }
                    }
                }
            }
        }
        return raised;
    }

    private static void add(Map<String, Set<String>> raised, String key, String expression) {
        Set<String> expressions = raised.computeIfAbsent(key, k -> new TreeSet<>());
        if (expression != null) {
            expressions.add(expression);
        }
    }

    @Test
    void everyRefusalTheSourcesRaiseIsInTheCatalogueAndNothingElse() throws IOException {
        Map<String, Set<String>> raised = raised();
        Set<String> listed = new TreeSet<>(ROWS.stream().map(r -> r[0]).toList());
        assertEquals(new TreeSet<>(raised.keySet()), listed, "status and code of the catalogue's rows against the sources");
        for (Map.Entry<String, Set<String>> e : raised.entrySet()) {
            for (String expression : e.getValue()) {
                assertTrue(ROWS.stream().anyMatch(r -> r[0].equals(e.getKey()) && r[1].contains("`" + expression)),
                        e.getKey() + " at `" + expression + "` has no row in the catalogue");
            }
        }
    }

    @Test
    void everyIssueCodeListedIsAnOperationOutcomeCode() {
        for (String[] row : ROWS) {
            IssueType.fromCode(row[0].substring(4)); // throws for a code FHIR R4 does not have
        }
    }

    @Test
    void everyConstraintKeyOfThePackageIsInTheGuideAndNoOtherIs() {
        Set<String> keys = new TreeSet<>();
        for (StructureDefinition sd : ProfileValidation.shared().fhirPackage().resources(StructureDefinition.class)) {
            sd.getDifferential().getElement().stream().flatMap(el -> el.getConstraint().stream())
                    .map(ElementDefinition.ElementDefinitionConstraintComponent::getKey).filter(k -> k.startsWith("shb-")).forEach(keys::add);
        }
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("shb-[a-z]+-\\d+").matcher(guide);
        while (m.find()) {
            named.add(m.group());
        }
        assertEquals(keys, named);
    }

    @Test
    void everyElementOfEveryProfileHasItsRow() {
        List<String> missing = new ArrayList<>();
        for (StructureDefinition sd : ProfileValidation.shared().fhirPackage().resources(StructureDefinition.class)) {
            assertTrue(guide.contains("(`" + sd.getUrl() + "`"), sd.getUrl() + " has no section");
            for (ElementDefinition el : sd.getDifferential().getElement()) {
                if (!guide.contains("| `" + el.getId() + "` |")) {
                    missing.add(sd.getIdElement().getIdPart() + ": " + el.getId());
                }
            }
        }
        assertEquals(List.of(), missing);
    }
}

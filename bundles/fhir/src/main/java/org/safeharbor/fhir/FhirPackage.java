package org.safeharbor.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.safeharbor.mappings.MappingResources;

/**
 * The project's FHIR package as the mappings bundle carries it ({@code package.tgz}, built from mappings/ig and
 * mappings/fhir): its conformance resources (profiles, ValueSets, CodeSystems, ConceptMaps, Questionnaires, the
 * CapabilityStatement) parsed once, and its examples. What the intake validates against and serves read-only.
 */
final class FhirPackage {

    /** The canonical base of every resource of the package. */
    static final String CANONICAL = "https://fhir.safeharbor-bridge.org";

    /** The profile of a submission Bundle. */
    static final String SUBMISSION_PROFILE = CANONICAL + "/StructureDefinition/screening-report";

    /** The profile of a law-enforcement custody notice (issue 15). */
    static final String CUSTODY_NOTICE_PROFILE = CANONICAL + "/StructureDefinition/custody-notice";

    /** The id of the package's CapabilityStatement: what /fhir/metadata declares besides what HAPI generates. */
    static final String CAPABILITY_STATEMENT_ID = "intake";

    static final List<String> TYPES = List.of("StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "Questionnaire",
            "CapabilityStatement");

    private final String name;
    private final String version;
    /** By "Type/id", in the package's order. */
    private final Map<String, MetadataResource> resources;
    private final Map<String, String> examples;

    private FhirPackage(String name, String version, Map<String, MetadataResource> resources, Map<String, String> examples) {
        this.name = name;
        this.version = version;
        this.resources = resources;
        this.examples = examples;
    }

    /** Reads the package the mappings bundle carries. */
    static FhirPackage load(FhirContext fhir) {
        try (InputStream in = MappingResources.openPackage()) {
            NpmPackage npm = NpmPackage.fromPackage(in);
            Map<String, MetadataResource> resources = new LinkedHashMap<>();
            for (String file : npm.listResources(TYPES)) {
                try (InputStream resource = npm.loadResource(file)) {
                    MetadataResource r = (MetadataResource) fhir.newJsonParser().parseResource(resource);
                    resources.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
                }
            }
            Map<String, String> examples = new LinkedHashMap<>();
            for (String file : npm.list("example")) {
                try (InputStream example = npm.load("example", file)) {
                    examples.put(file, new String(example.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return new FhirPackage(npm.name(), npm.version(), resources, examples);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the FHIR package " + MappingResources.FHIR_PACKAGE, e);
        }
    }

    String name() {
        return name;
    }

    String version() {
        return version;
    }

    List<MetadataResource> resources() {
        return new ArrayList<>(resources.values());
    }

    <T extends MetadataResource> List<T> resources(Class<T> type) {
        return resources.values().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A resource by type and id, e.g. ("ValueSet", "trafficking-findings"). */
    Optional<MetadataResource> byId(String type, String id) {
        return Optional.ofNullable(resources.get(type + "/" + id));
    }

    /** A resource by its canonical URL (a {@code |version} is ignored). */
    <T extends MetadataResource> Optional<T> byUrl(Class<T> type, String url) {
        String bare = url == null ? null : url.split("\\|")[0];
        return resources(type).stream().filter(r -> r.getUrl().equals(bare)).findFirst();
    }

    Optional<StructureDefinition> profile(String url) {
        return byUrl(StructureDefinition.class, url);
    }

    /** The examples (the sample submissions), by file name. */
    Map<String, String> examples() {
        return examples;
    }
}

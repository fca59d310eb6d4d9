package org.safeharbor.mappings;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;
import org.hl7.fhir.r4.model.ConceptMap;

/** Test helper: the packaged resources, read through {@link MappingResources} and parsed with HAPI. */
final class FhirResources {

    static final FhirContext CTX = FhirContext.forR4Cached();

    private FhirResources() {
    }

    static String text(String fileName) {
        try (InputStream in = MappingResources.open(fileName)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A strict parser: an element unknown to R4 (say, an R5 or STU3 name) fails the test instead of being dropped. */
    static IParser parser() {
        return CTX.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }

    static CodeSystem codeSystem() {
        return parser().parseResource(CodeSystem.class, text(MappingResources.CODE_SYSTEM_HT_ALLEGATION));
    }

    static ConceptMap allegationMap() {
        return parser().parseResource(ConceptMap.class,
                text(MappingResources.CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION));
    }

    static ConceptMap perpetratorMap() {
        return parser().parseResource(ConceptMap.class,
                text(MappingResources.CONCEPT_MAP_ICD10CM_Y07_TO_PERPETRATOR));
    }

    /** Any packaged file, parsed strictly as the given type. */
    static <T extends IBaseResource> T parse(Class<T> type, String fileName) {
        return parser().parseResource(type, text(fileName));
    }

    /** The packaged files of one resource type, e.g. every CodeSystem, by their file-name prefix. */
    static List<String> filesOfType(String resourceType) {
        return MappingResources.FILE_NAMES.stream().filter(f -> f.startsWith(resourceType + "-")).toList();
    }

    /**
     * The terminology the repository's state bundles bring (each {@code bundles/<bundle>/src/main/resources/fhir/*.json}):
     * found on disk, not listed, because a state owns its CodeSystem and ConceptMap and the core names no state.
     */
    static List<Path> stateFiles() {
        Path bundles = Path.of(System.getProperty("basedir", ".")).resolve("../bundles").normalize();
        try (Stream<Path> dirs = Files.list(bundles)) {
            List<Path> files = new ArrayList<>();
            for (Path fhir : dirs.map(d -> d.resolve("src/main/resources/fhir")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> json = Files.list(fhir)) {
                    json.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(files::add);
                }
            }
            return files.stream().sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A state bundle's file of one resource type, parsed strictly. */
    static <T extends IBaseResource> List<T> stateResources(Class<T> type) {
        return stateFiles().stream().filter(f -> f.getFileName().toString().startsWith(type.getSimpleName() + "-"))
                .map(f -> parser().parseResource(type, text(f))).toList();
    }

    /** Every concept of the CodeSystem, depth first, groupers included. */
    static List<ConceptDefinitionComponent> allConcepts(CodeSystem cs) {
        List<ConceptDefinitionComponent> out = new ArrayList<>();
        collect(cs.getConcept(), out);
        return out;
    }

    private static void collect(List<ConceptDefinitionComponent> concepts, List<ConceptDefinitionComponent> out) {
        for (ConceptDefinitionComponent c : concepts) {
            out.add(c);
            collect(c.getConcept(), out);
        }
    }

    /** The concept with that code anywhere in the hierarchy. */
    static Optional<ConceptDefinitionComponent> find(CodeSystem cs, String code) {
        return allConcepts(cs).stream().filter(c -> c.getCode().equals(code)).findFirst();
    }

    /** The direct children of a top-level grouper, e.g. the certainty values. */
    static List<String> childCodes(CodeSystem cs, String grouper) {
        List<String> codes = new ArrayList<>();
        find(cs, grouper).orElseThrow().getConcept().forEach(c -> codes.add(c.getCode()));
        return codes;
    }

    static Optional<ConceptPropertyComponent> property(ConceptDefinitionComponent c, String code) {
        return c.getProperty().stream().filter(p -> p.getCode().equals(code)).findFirst();
    }

    static boolean isAbstract(ConceptDefinitionComponent c) {
        return property(c, "notSelectable")
                .map(p -> p.getValue() instanceof BooleanType b && b.booleanValue())
                .orElse(false);
    }
}

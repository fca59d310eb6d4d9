package org.safeharbor.fhir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;

/** The sample hospital submissions in {@code bundles/fhir/samples}. */
final class Samples {

    static final FhirContext FHIR = FhirContext.forR4Cached();

    private Samples() {
    }

    /** The samples directory; Maven runs the tests in the module directory (this one, or routes/ for the intake over HTTP). */
    static Path dir() {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        Path own = module.resolve("samples");
        return Files.isDirectory(own) ? own : module.resolve("../bundles/fhir/samples").normalize();
    }

    /** Every *.json file in the samples directory, so that a new sample cannot go untested. */
    static Set<String> onDisk() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String file) {
        try {
            return Files.readString(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Bundle bundle(String file) {
        return FHIR.newJsonParser().parseResource(Bundle.class, text(file));
    }

    /** The sample with a new message id, so that the intake sees a new submission (not a re-submission). */
    static Bundle fresh(String file) {
        Bundle bundle = bundle(file);
        bundle.getIdentifier().setValue(bundle.getIdentifier().getValue() + "-" + UUID.randomUUID());
        return bundle;
    }

    static String json(Bundle bundle) {
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    static String xml(Bundle bundle) {
        return FHIR.newXmlParser().encodeResourceToString(bundle);
    }
}

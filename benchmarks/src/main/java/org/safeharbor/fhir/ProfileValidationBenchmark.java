package org.safeharbor.fhir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the intake's profile check ({@link ProfileValidation}: HAPI's FhirInstanceValidator over the FHIR package) costs
 * per submission, on a parsed Bundle (the parse is IntakeBenchmark's): {@code validate} is what
 * {@code IntakeProvider} runs before the reader, once the validator is built and warm. The setup builds one as the
 * bundle does at start and prints what building and warming took and the heap it holds, the start-up cost. In the
 * intake's package because the class is package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProfileValidationBenchmark {

    /**
     * A report to Illinois (a Condition, the child, encounter, place of care, clinician), the same plus an unrelated
     * diagnosis (one warning), and a screen with its answers (a QuestionnaireResponse checked against its Questionnaire).
     */
    @Param({"lives-in-one-state-seen-in-another.json", "lives-in-one-state-seen-in-another.json+J45.909", "cse-it-positive.json"})
    public String sample;

    private ProfileValidation profiles;
    private Bundle bundle;

    @Setup
    public void setUp() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();
        profiles = new ProfileValidation(FhirContext.forR4Cached());
        if (!profiles.whenBuilt().join()) {
            throw new IllegalStateException("the validator did not start");
        }
        long ready = System.nanoTime();
        System.gc();
        long held = runtime.totalMemory() - runtime.freeMemory() - before;
        System.out.printf("%nvalidator built, first example validated in %d ms (the others are checked after, on its thread); heap held after GC: %d MB%n",
                (ready - start) / 1_000_000, held / (1024 * 1024));
        String name = sample.contains("+") ? sample.substring(0, sample.indexOf('+')) : sample;
        bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, read(name));
        if (sample.endsWith("+J45.909")) {
            String child = bundle.getEntry().stream().filter(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Patient)
                    .findFirst().orElseThrow().getFullUrl();
            bundle.addEntry().setFullUrl("urn:uuid:7d0c1b9e-2f55-4e0a-8f4b-6f7f2f2e0a11").setResource(new org.hl7.fhir.r4.model.Condition()
                    .setSubject(new org.hl7.fhir.r4.model.Reference(child)).setCode(new org.hl7.fhir.r4.model.CodeableConcept(
                            new org.hl7.fhir.r4.model.Coding("http://hl7.org/fhir/sid/icd-10-cm", "J45.909", null))));
        }
        // fail here, not in a measurement, if the sample does not conform
        ProfileValidation.Outcome outcome = profiles.check(bundle);
        System.out.printf("%s: %d warnings%n", sample, outcome.warnings().size());
    }

    /** The issues found (a count: JMH's generated code lives in another package and cannot name the package-private outcome). */
    @Benchmark
    public int validate() {
        ProfileValidation.Outcome outcome = profiles.validate(bundle);
        return outcome.errors().size() + outcome.warnings().size();
    }

    private static String read(String name) {
        try (InputStream in = ProfileValidationBenchmark.class.getClassLoader().getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name + " on the class path (bundles/fhir/samples)");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

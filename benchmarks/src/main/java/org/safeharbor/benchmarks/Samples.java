package org.safeharbor.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The sample hospital submissions of {@code bundles/fhir/samples}, copied onto the class path under
 * {@code samples/} by the build (so JMH's forked JVMs find them too).
 */
final class Samples {

    /** The sample that goes to Illinois (residence US-IL, care in US-MO): the one the end-to-end path uses. */
    static final String ILLINOIS = "lives-in-one-state-seen-in-another.json";
    /** Each state's own sample (for its format). */
    static final String FLORIDA = "t74-52xa-caregiver-florida.json";
    static final String MASSACHUSETTS = "t74-62xa-confirmed-labor.json";
    static final String TEXAS = "t76-52xa-suspected.json";

    private Samples() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Samples.class.getClassLoader().getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name + " on the class path (bundles/fhir/samples)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }
}

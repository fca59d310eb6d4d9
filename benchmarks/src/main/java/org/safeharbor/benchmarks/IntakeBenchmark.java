package org.safeharbor.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.r4.model.Bundle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.us.il.IllinoisFormat;

/**
 * The intake's in-process work on one submission, against the floor: HAPI FHIR's own parse of the same
 * JSON into a Bundle and encode back to JSON, in the same JVM. Throughput of one thread.
 * <ul>
 *   <li>{@code ours_parseAndMap}: what {@code POST /fhir/$process-message} does before it stores: the
 *       intake's {@code BundleParser} then {@code SubmissionReader} (the real classes, through
 *       {@link SubmissionMapping}), up to the canonical referral;</li>
 *   <li>{@code floor_hapiParseAndEncode}: {@code FhirContext.forR4()} parse + encode of the same bytes;</li>
 *   <li>{@code ours_parseOnly} and {@code floor_hapiParseOnly}: the parse alone, to split the costs;</li>
 *   <li>{@code ours_submissionToIllinoisXml}: the whole in-process path of one referral, hospital JSON to
 *       the Illinois SOAP body: parse and map, the canonical JSON on the queue written and read back, the
 *       Illinois format. No I/O.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IntakeBenchmark {

    /** The sample submission (a file of bundles/fhir/samples). */
    @Param({Samples.ILLINOIS})
    public String sample;

    private byte[] raw;
    private FhirContext fhir;
    private SubmissionMapping mapping;
    private IllinoisFormat illinois;

    @Setup
    public void setUp() {
        raw = Samples.bytes(sample);
        // the samples' children are minors on the samples' day
        mapping = new SubmissionMapping(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        fhir = FhirContext.forR4();
        illinois = new IllinoisFormat();
        // fail here, not in a measurement, if a sample does not map
        mapping.map(raw);
        fhir.newJsonParser().parseResource(Bundle.class, new String(raw, StandardCharsets.UTF_8));
    }

    @Benchmark
    public Referral ours_parseAndMap() {
        return mapping.map(raw);
    }

    @Benchmark
    public Bundle ours_parseOnly() {
        return mapping.parse(raw);
    }

    @Benchmark
    public String floor_hapiParseAndEncode() {
        IParser parser = fhir.newJsonParser();
        Bundle bundle = parser.parseResource(Bundle.class, new String(raw, StandardCharsets.UTF_8));
        return parser.encodeResourceToString(bundle);
    }

    @Benchmark
    public Bundle floor_hapiParseOnly() {
        return fhir.newJsonParser().parseResource(Bundle.class, new String(raw, StandardCharsets.UTF_8));
    }

    @Benchmark
    public String ours_submissionToIllinoisXml() {
        Referral referral = mapping.map(raw);
        Referral onQueue = ReferralJson.INSTANCE.read(ReferralJson.INSTANCE.write(referral));
        return illinois.write(onQueue).orElseThrow();
    }
}

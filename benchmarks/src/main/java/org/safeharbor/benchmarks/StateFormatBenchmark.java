package org.safeharbor.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.jurisdiction.us.fl.FloridaCategories;
import org.safeharbor.jurisdiction.us.fl.FloridaFormat;
import org.safeharbor.jurisdiction.us.il.IllinoisFormat;
import org.safeharbor.jurisdiction.us.ma.MassachusettsFormat;
import org.safeharbor.jurisdiction.us.tx.TexasNiemFormat;

/**
 * Canonical referral to each state's wire format: {@code format().write(referral)} of each jurisdiction
 * bundle's real {@link StateFormat}, on the canonical referral the intake makes of that state's sample.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StateFormatBenchmark {

    @Param({"US-IL", "US-FL", "US-MA", "US-TX"})
    public String state;

    private StateFormat format;
    private Referral referral;

    @Setup
    public void setUp() {
        SubmissionMapping mapping = new SubmissionMapping(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        switch (state) {
            case "US-IL" -> {
                format = new IllinoisFormat();
                referral = mapping.map(Samples.bytes(Samples.ILLINOIS));
            }
            case "US-FL" -> {
                format = new FloridaFormat(FloridaCategories.PLACEHOLDERS);
                referral = mapping.map(Samples.bytes(Samples.FLORIDA));
            }
            case "US-MA" -> {
                format = new MassachusettsFormat();
                referral = mapping.map(Samples.bytes(Samples.MASSACHUSETTS));
            }
            case "US-TX" -> {
                format = new TexasNiemFormat(Duration.ofHours(24));
                referral = mapping.map(Samples.bytes(Samples.TEXAS));
            }
            default -> throw new IllegalArgumentException("no format for " + state);
        }
        format.write(referral).orElseThrow(() -> new IllegalStateException(state + " writes nothing for its sample"));
    }

    @TearDown
    public void tearDown() throws Exception {
        if (format instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Benchmark
    public String write() {
        return format.write(referral).orElseThrow();
    }
}

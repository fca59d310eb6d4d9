package org.safeharbor.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.fhir.SubmissionMapping;
import org.safeharbor.json.v1.ReferralJson;

/** The hop through the broker: the canonical referral written as the queue's JSON and read back. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReferralJsonBenchmark {

    private Referral referral;

    @Setup
    public void setUp() {
        referral = new SubmissionMapping(Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC))
                .map(Samples.bytes(Samples.ILLINOIS));
    }

    @Benchmark
    public Referral queueJson_writeAndRead() {
        return ReferralJson.INSTANCE.read(ReferralJson.INSTANCE.write(referral));
    }
}

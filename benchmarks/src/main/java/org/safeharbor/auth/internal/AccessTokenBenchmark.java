package org.safeharbor.auth.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.safeharbor.auth.AccessTokens.Refused;
import org.safeharbor.auth.Caller;
import org.safeharbor.client.SmartBackendClient;

/**
 * The cost of checking the access token every submission carries ({@link TokenIssuer#verify}): a token seen for the
 * first time (its ES256 signature and claims checked: {@link #verify_newToken}) and the same token again, as a
 * hospital sends it with each submission until it expires ({@link #verify_sameToken}). In this package because the
 * issuer is the bundle's own, package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AccessTokenBenchmark {

    /** More tokens than the issuer keeps, so every one of them is new when its turn comes. */
    private static final int NEW_TOKENS = 5_000;

    private TokenIssuer issuer;
    private final List<String> tokens = new ArrayList<>();
    private int next;
    private String same;

    @Setup
    public void setUp() throws IOException {
        Path work = Files.createTempDirectory("access-token-benchmark");
        Path clients = Files.createDirectories(work.resolve("clients"));
        Files.writeString(clients.resolve("bench-hospital.json"), SmartBackendClient.registration("bench-hospital", "Bench Hospital",
                SmartBackendClient.generateKey("ES384"), List.of(SmartBackendClient.SCOPE_SUBMIT),
                List.of("https://ehr.bench-hospital.example/fhir")));
        ClientRegistry registry = new ClientRegistry(clients);
        registry.refresh();
        RegisteredClient client = registry.find("bench-hospital").orElseThrow();
        issuer = new TokenIssuer(TokenIssuer.signingKey(work.resolve("token-signing-key.json")), "https://localhost:8443",
                Duration.ofHours(1), registry, Clock.systemUTC());
        for (int i = 0; i < NEW_TOKENS; i++) {
            tokens.add(issuer.issue(client, List.of(SmartBackendClient.SCOPE_SUBMIT), null));
        }
        same = issuer.issue(client, List.of(SmartBackendClient.SCOPE_SUBMIT), null);
    }

    @Benchmark
    public Caller verify_newToken() throws Refused {
        String token = tokens.get(next);
        next = (next + 1) % NEW_TOKENS;
        return issuer.verify(token, null);
    }

    @Benchmark
    public Caller verify_sameToken() throws Refused {
        return issuer.verify(same, null);
    }
}

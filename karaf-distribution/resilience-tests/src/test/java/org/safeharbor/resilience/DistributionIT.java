package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packed distribution as an operator unpacks and starts it (issue 20): one Karaf tree in the tarball (no stray
 * {@code assembly/} folder with a second {@code bin/setenv} and {@code etc/}), the sandbox switch shipped in
 * {@code etc/sandbox/}, and exactly one {@code -Xmx} on the command line of the JVM {@code bin/start} starts
 * ({@code bin/start} sources {@code bin/setenv}, then runs {@code bin/karaf}, which sources it again), read from
 * {@code /proc/<pid>/cmdline}; {@code SAFEHARBOR_HEAP} still sets it.
 */
class DistributionIT {

    private static final String SWITCH = "etc/sandbox/safeharbor-sandbox-on.xml";

    @Test
    void theTarballHoldsOneKarafTreeWithTheSandboxSwitch() {
        List<String> entries = tarEntries(Settings.assembly());
        String top = entries.get(0).substring(0, entries.get(0).indexOf('/') + 1);
        assertTrue(entries.stream().allMatch(e -> e.startsWith(top)), "one top folder, " + top);
        List<String> stray = entries.stream().filter(e -> e.startsWith(top + "assembly/")).toList();
        assertEquals(List.of(), stray.subList(0, Math.min(5, stray.size())), "no stray assembly/ folder in the tarball");
        assertEquals(List.of(top + "bin/setenv"), entries.stream().filter(e -> e.endsWith("/setenv")).toList(), "one bin/setenv");
        assertEquals(1, entries.stream().filter(e -> e.endsWith("/org.safeharbor.fhir.cfg")).count(), "one etc/");
        assertTrue(entries.contains(top + SWITCH), "the sandbox switch ships in the distribution: " + SWITCH);
        assertTrue(entries.contains(top + "etc/systemd/safeharbor.service"), "the systemd unit ships in the distribution (PRODUCTION.md, 10)");
    }

    @Test
    void theShippedSandboxSwitchInstallsTheSandboxFeatureOfThisDistribution() throws IOException {
        try (KarafProcess karaf = KarafProcess.unpack("distribution-switch")) {
            String xml = Files2.read(karaf.home().resolve(SWITCH));
            assertTrue(xml.contains("install=\"auto\"") && xml.contains("<feature>safeharbor-sandbox</feature>"), xml);
            // the feature it names is in the distribution's own repository (system/), so it installs offline
            try (Stream<Path> files = Files.walk(karaf.home().resolve("system/org/safeharbor"))) {
                assertTrue(files.filter(p -> p.getFileName().toString().endsWith("-features.xml"))
                        .anyMatch(p -> Files2.read(p).contains("<feature name=\"safeharbor-sandbox\"")),
                        "feature safeharbor-sandbox in system/");
            }
        }
    }

    @Test
    void theEmbeddedStoreIsCompactedAsShipped() throws IOException {
        // the component's own default is PT1S too (EmbeddedH2CompactionTest), but this file is what an operator gets; off,
        // the embedded H2 file grew ~330 KB a referral (BENCHMARKS.md)
        try (KarafProcess karaf = KarafProcess.unpack("distribution-compaction")) {
            java.util.Properties cfg = new java.util.Properties();
            cfg.load(new java.io.StringReader(Files2.read(karaf.home().resolve("etc/org.safeharbor.store.compaction.cfg"))));
            assertEquals("PT1S", cfg.getProperty("interval"), "compacted once a second");
            assertEquals("PT60S", cfg.getProperty("firstRun"), "the first run after start-up");
        }
    }

    @Test
    void binStartRunsOneJvmWithOneXmxAndSafeHarborHeapSetsIt() {
        try (KarafProcess karaf = KarafProcess.unpack("distribution-heap")) {
            assertEquals(List.of("-XX:-DontCompileHugeMethods", "-Xmx1g"), heapOptions(karaf, Map.of(), ""),
                    "the default heap and the JIT's huge methods, once each");
            assertEquals(List.of("-XX:-DontCompileHugeMethods", "-Xmx768m"), heapOptions(karaf, Map.of("SAFEHARBOR_HEAP", "768m"), ""),
                    "SAFEHARBOR_HEAP, once");
            assertEquals(List.of("-Xmx1g", "-XX:+DontCompileHugeMethods"), heapOptions(karaf, Map.of(), "-XX:+DontCompileHugeMethods"),
                    "an operator's own setting of huge methods is kept, and ours not added");
        }
    }

    /**
     * Starts the distribution with {@code bin/start} as an operator does (with {@code operatorOptions} in EXTRA_JAVA_OPTS),
     * reads its JVM's -Xmx and huge-method options in command-line order, kills it.
     */
    private static List<String> heapOptions(KarafProcess karaf, Map<String, String> environment, String operatorOptions) {
        ProcessBuilder builder = new ProcessBuilder(karaf.home().resolve("bin/start").toString())
                .directory(karaf.home().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Settings.target().resolve("distribution-start.out").toFile()));
        builder.environment().remove("SAFEHARBOR_HEAP");
        builder.environment().remove("JAVA_OPTS");
        // the ports only (free ones, as every test here), as an operator may set other options: no -Xmx among them
        builder.environment().put("EXTRA_JAVA_OPTS", (operatorOptions + " -Dsafeharbor.http.port=" + karaf.httpPort
                + " -Dsafeharbor.amqp.port=" + karaf.amqpPort).strip());
        builder.environment().putAll(environment);
        Path home = realPath(karaf.home());
        try {
            Process start = builder.start();
            if (!start.waitFor(60, TimeUnit.SECONDS) || start.exitValue() != 0) {
                start.destroyForcibly();
                throw new AssertionError("bin/start did not exit 0; see target/distribution-start.out");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Optional<List<String>> jvm = jvmOf(home);
            if (jvm.isPresent()) {
                return jvm.get();
            }
            KarafProcess.sleep(100);
        }
        throw new AssertionError("no Karaf JVM of " + home + " within 60 s of bin/start");
    }

    /** The -Xmx and huge-method options of the Karaf JVM started in {@code home} (killed here once read), if one runs yet. */
    private static Optional<List<String>> jvmOf(Path home) {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path proc : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                List<String> args;
                try {
                    args = Arrays.asList(new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
                } catch (IOException gone) {
                    continue;
                }
                if (args.contains("org.apache.karaf.main.Main") && args.stream().anyMatch(a -> a.startsWith("-Dkaraf.home=")
                        && realPath(Path.of(a.substring("-Dkaraf.home=".length()))).equals(home))) {
                    long pid = Long.parseLong(proc.getFileName().toString());
                    ProcessHandle.of(pid).ifPresent(jvm -> {
                        jvm.destroyForcibly();
                        jvm.onExit().orTimeout(20, TimeUnit.SECONDS).join();
                    });
                    return Optional.of(args.stream().filter(a -> a.startsWith("-Xmx") || a.endsWith("DontCompileHugeMethods")).toList());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath();
        }
    }

    private static List<String> tarEntries(Path archive) {
        try {
            Process tar = new ProcessBuilder("tar", "tzf", archive.toString()).redirectErrorStream(true).start();
            List<String> entries = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertTrue(tar.waitFor(120, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar tzf " + archive);
            assertFalse(entries.isEmpty(), "an empty tarball");
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;

/**
 * The SPI a jurisdiction bundle builds on keeps its semantic versions honest (bnd's baseline, as bnd-baseline-maven-plugin
 * runs it): each exported package of the bundle as built now is compared with the same bundle as last published,
 * {@code bundles/<module>/src/baseline/<artifact>.jar}, and a change must raise the package's {@code @Version} at least
 * as far as the change requires (a new method on a consumer type: major; a new class: minor). A state bundle built
 * against 1.x then never meets an incompatible 1.y in Karaf. After a release, replace the baseline jar with it.
 */
class SpiBaselineTest {

    @ParameterizedTest
    @ValueSource(strings = {"api", "referral-json", "jurisdiction-support"})
    void everyExportedPackageIsVersionedForWhatChanged(String module) throws Exception {
        Path moduleDir = Path.of(System.getProperty("basedir", ".")).resolve("../bundles").resolve(module).normalize();
        Path baseline = moduleDir.resolve("src/baseline/safeharbor-" + module + ".jar");
        Path built = builtJar(moduleDir, "safeharbor-" + module);
        Assumptions.assumeTrue(built != null, () -> "bundles/" + module + " is not packaged yet (run verify, not test)");
        List<String> problems = new ArrayList<>();
        try (Processor processor = new Processor(); Jar newer = new Jar(built.toFile()); Jar older = new Jar(baseline.toFile())) {
            for (Baseline.Info info : new Baseline(processor, new DiffPluginImpl()).baseline(newer, older, null)) {
                if (info.mismatch) {
                    problems.add(info.packageName + " " + info.newerVersion + " (was " + info.olderVersion + ", " + info.packageDiff.getDelta()
                            + " change): needs at least " + info.suggestedVersion);
                }
            }
            assertFalse(newer.getPackages().isEmpty(), "nothing read from " + built);
        }
        assertEquals(List.of(), problems, "raise the @Version in package-info.java of: ");
    }

    /** The module's bundle jar in its target/ (packaged before this module's tests run in a reactor build). */
    private static Path builtJar(Path moduleDir, String artifactId) throws Exception {
        Path target = moduleDir.resolve("target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().startsWith(artifactId + "-") && p.toString().endsWith(".jar")
                    && !p.toString().endsWith("-sources.jar")).findFirst().orElse(null);
        }
    }
}

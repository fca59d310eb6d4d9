package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a production jurisdiction bundle must not carry: a simulated state (a {@code sandbox} package or resource
 * folder) or a key store or private key ({@code .p12}, {@code .pfx}, {@code .jks}, {@code .jceks}, {@code .key},
 * {@code .pem}). Those live in the state's sandbox bundle, which only feature {@code safeharbor-sandbox} installs.
 * A state's test calls {@link #assertSandboxFree(Path)} on its {@code target/classes}, what the bundle is built from.
 */
public final class SandboxFreeBundle {

    private static final List<String> KEY_FILES = List.of(".p12", ".pfx", ".jks", ".jceks", ".key", ".pem");

    private SandboxFreeBundle() {
    }

    /** Fails unless the folder holds compiled classes and nothing a sandbox alone needs. */
    public static void assertSandboxFree(Path classes) {
        assertTrue(Files.isDirectory(classes), classes + " is not built");
        assertTrue(!files(classes, ".class").isEmpty(), "no class in " + classes);
        assertEquals(List.of(), sandboxContent(classes), "sandbox content in the production bundle " + classes);
    }

    /** The paths, relative to {@code classes}, of sandbox folders and key or key store files. */
    public static List<String> sandboxContent(Path classes) {
        try (Stream<Path> all = Files.walk(classes)) {
            return all.filter(path -> isSandbox(classes.relativize(path)))
                    .map(path -> classes.relativize(path).toString().replace('\\', '/')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isSandbox(Path relative) {
        String name = relative.getFileName() == null ? "" : relative.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.equals("sandbox") || KEY_FILES.stream().anyMatch(name::endsWith);
    }

    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(path -> path.toString().endsWith(suffix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

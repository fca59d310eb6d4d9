package org.safeharbor.mappings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Test helper: the project's own text files (sources, resources, documents), read line by line from the
 * repository's work tree, so that a rule about wording or citations holds in every file, not only in the
 * mapping files this module packages. Build output and version-control folders are left out.
 */
final class RepositoryText {

    /** One line of one file, for a readable failure message. */
    record Line(Path file, int number, String text) {
        @Override
        public String toString() {
            return file + ":" + number + ": " + text.strip();
        }
    }

    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "node_modules");
    private static final Set<String> TEXT_EXTENSIONS = Set.of("java", "json", "xml", "xsd", "wsdl", "md", "cfg",
            "properties", "txt", "sh", "sql", "yaml", "yml", "html", "csv");

    private RepositoryText() {
    }

    /** The repository's root: the parent of this module's folder. */
    static Path root() {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        Path root = module.getParent();
        if (root == null || !Files.isDirectory(root.resolve("mappings")) || !Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException("not run from the mappings module of the repository: " + module);
        }
        return root;
    }

    /** Every line of every text file under the root whose path (relative to the root, with '/') the filter takes. */
    static List<Line> lines(Predicate<String> pathFilter) {
        Path root = root();
        List<Line> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(p -> isProjectText(root, p)).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (!pathFilter.test(relative)) {
                    continue;
                }
                List<String> text;
                try {
                    text = Files.readAllLines(file, StandardCharsets.UTF_8);
                } catch (MalformedInputException notUtf8) {
                    continue;
                }
                for (int i = 0; i < text.size(); i++) {
                    lines.add(new Line(Paths.get(relative), i + 1, text.get(i)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    private static boolean isProjectText(Path root, Path file) {
        for (Path part : root.relativize(file)) {
            if (SKIPPED_FOLDERS.contains(part.toString())) {
                return false;
            }
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(file) && dot > 0 && TEXT_EXTENSIONS.contains(name.substring(dot + 1));
    }
}

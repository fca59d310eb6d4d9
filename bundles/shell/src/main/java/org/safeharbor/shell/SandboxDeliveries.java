package org.safeharbor.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the simulated states of the sandbox received: one file per delivery, named by referral id,
 * under {@code data/sandbox/<jurisdiction>/}.
 */
final class SandboxDeliveries {

    /** One delivery a simulated state received. */
    record Delivery(String jurisdiction, String file, long bytes, Instant at) {
    }

    private final Path root;

    SandboxDeliveries(Path root) {
        this.root = root;
    }

    /** The sandbox folder of this Karaf: {@code ${karaf.data}/sandbox}. */
    static SandboxDeliveries ofKaraf() {
        return new SandboxDeliveries(Path.of(System.getProperty("karaf.data", "data"), "sandbox"));
    }

    Path root() {
        return root;
    }

    /** Every delivery, oldest first, optionally of one jurisdiction only. */
    List<Delivery> list(String jurisdiction) {
        List<Delivery> deliveries = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return deliveries;
        }
        try (Stream<Path> states = Files.list(root)) {
            // only jurisdiction folders (US-IL, ...): a peer may keep its own server files beside them
            for (Path state : states.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().matches("[A-Z]{2}-[A-Z0-9]{1,3}")).sorted().toList()) {
                String code = state.getFileName().toString();
                if (jurisdiction != null && !code.equalsIgnoreCase(jurisdiction)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(state)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        deliveries.add(new Delivery(code, state.relativize(file).toString(), Files.size(file),
                                Files.getLastModifiedTime(file).toInstant()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deliveries.sort(Comparator.comparing(Delivery::at).thenComparing(Delivery::file));
        return deliveries;
    }

    /** The content of a delivery whose file name (in any sub-folder) starts with the given referral id. */
    Optional<String> read(String jurisdiction, String referralId) {
        return list(jurisdiction).stream()
                .filter(d -> Path.of(d.file()).getFileName().toString().startsWith(referralId)).findFirst().map(d -> {
            try {
                return Files.readString(root.resolve(d.jurisdiction()).resolve(d.file()), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}

package org.safeharbor.routes;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The embedded broker's users, {@code etc/safeharbor-broker.users} in the format of Karaf's PropertiesLoginModule
 * ({@code user = password,role}): one, the adapter's, with a password generated at the first start, the file
 * owner-only (0600). {@link BrokerRealm} makes it the broker's JAAS realm; {@link Broker} connects as that user when
 * its configuration names none.
 */
final class BrokerUsers {

    static final String FILE = "safeharbor-broker.users";
    static final String ADAPTER = "safeharbor-adapter";
    /** The role etc/artemis.xml grants every permission on the broker's addresses. */
    static final String ROLE = "safeharbor-adapter";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[" + user + "]";
        }
    }

    private BrokerUsers() {
    }

    /** The users file in Karaf's etc/, or null outside Karaf. */
    static Path file() {
        String etc = System.getProperty("karaf.etc");
        return etc == null ? null : Path.of(etc, FILE);
    }

    /** The adapter's credentials from {@code file}, which is written (0600, moved into place whole) if it does not exist. */
    static synchronized Credentials adapter(Path file) {
        try {
            if (!Files.exists(file)) {
                StringBuilder password = new StringBuilder();
                for (int i = 0; i < 32; i++) {
                    password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
                }
                boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
                Path partial = posix ? Files.createTempFile(file.getParent(), FILE, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createTempFile(file.getParent(), FILE, ".tmp");
                Files.writeString(partial, "# The embedded broker's users (Karaf PropertiesLoginModule: user = password,role), generated at the\n"
                        + "# first start; the adapter connects as " + ADAPTER + ". Owner-only. README \"Audit and privacy\".\n"
                        + ADAPTER + " = " + password + "," + ROLE + "\n", StandardCharsets.US_ASCII);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            }
            Properties users = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                users.load(reader);
            }
            String entry = users.getProperty(ADAPTER);
            if (entry == null || entry.isBlank()) {
                throw new IllegalStateException(file + " names no " + ADAPTER + " user");
            }
            return new Credentials(ADAPTER, entry.split(",", 2)[0].trim());
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded broker's users file " + file + " could not be written or read", e);
        }
    }
}

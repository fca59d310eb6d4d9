package org.safeharbor.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the message store encrypts personal data with (AES-256), each under an id ({@code k1}, {@code k2}, ...)
 * stored beside every value it encrypted; the newest is the current one, which encrypts everything written from now
 * on. They live in a PKCS12 key store, by default {@code etc/safeharbor-store.p12}: generated there at the first
 * start if the operator did not put one, 0600, its password in {@code etc/safeharbor-store.p12.password} (0600)
 * unless the operator configures one ({@code keyStorePassword}). {@code harbor:rotate-key} adds the next key. Keys
 * are never removed here: a value is readable as long as its key is in the key store.
 */
public final class StoreKeys {

    /** The key store's file name in Karaf's {@code etc/} when none is configured. */
    public static final String DEFAULT_FILE = "safeharbor-store.p12";
    /** Beside the key store: its generated password. */
    public static final String PASSWORD_SUFFIX = ".password";
    private static final String TYPE = "PKCS12";
    private static final String ALGORITHM = "AES";
    private static final int KEY_BITS = 256;
    private static final Logger LOG = LoggerFactory.getLogger(StoreKeys.class);
    /** The in-memory key of {@link #inMemory()}: one per JVM, so a store restarted in a test reads what it wrote. */
    private static volatile SecretKey jvmKey;

    /** The keys by id and which one is current; replaced whole, never changed. */
    private record Ring(Map<String, SecretKey> keys, String current) {
    }

    private final Path file;
    private final char[] password;
    private final String prefix;
    private final Pattern ids;
    private volatile Ring ring;

    private StoreKeys(Path file, char[] password, String prefix, Map<String, SecretKey> keys) {
        this.file = file;
        this.password = password;
        this.prefix = prefix;
        this.ids = Pattern.compile(Pattern.quote(prefix) + "([1-9][0-9]{0,8})");
        this.ring = ring(keys);
    }

    /**
     * The key store at {@code file}: read, or created with a first key {@code k1} if it does not exist. The password
     * is {@code configuredPassword} if it is not blank, otherwise the one in the file beside it ({@link #PASSWORD_SUFFIX}),
     * generated with the key store. The files are narrowed to 0600 if they are wider.
     */
    public static StoreKeys open(Path file, String configuredPassword) {
        try {
            Path passwordFile = file.resolveSibling(file.getFileName() + PASSWORD_SUFFIX);
            boolean configured = configuredPassword != null && !configuredPassword.isBlank();
            if (Files.notExists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                char[] password = configured ? configuredPassword.toCharArray()
                        : Files.exists(passwordFile) ? readPassword(passwordFile) : generatePassword(passwordFile);
                StoreKeys keys = new StoreKeys(file, password, "k", Map.of());
                keys.addKey();
                LOG.info("Generated the message store's key store {} with key {}: back it up, without it the stored"
                        + " referrals cannot be read", file.getFileName(), keys.current());
                return keys;
            }
            char[] password;
            if (configured) {
                password = configuredPassword.toCharArray();
            } else if (Files.exists(passwordFile)) {
                password = readPassword(passwordFile);
            } else {
                throw new IllegalStateException("The key store " + file + " exists but no password is configured"
                        + " (keyStorePassword in etc/org.safeharbor.store.cfg) and there is no " + passwordFile.getFileName());
            }
            narrow(file);
            KeyStore store = KeyStore.getInstance(TYPE);
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, password);
            }
            StoreKeys keys = new StoreKeys(file, password, "k", Map.of());
            Map<String, SecretKey> found = new LinkedHashMap<>();
            for (String alias : Collections.list(store.aliases())) {
                if (keys.number(alias) > 0) {
                    found.put(alias, check(alias, store.getEntry(alias, new KeyStore.PasswordProtection(password))));
                }
            }
            if (found.isEmpty()) {
                throw new IllegalStateException("The key store " + file + " holds no key named k1, k2, ...: add a 256-bit AES key"
                        + " (keytool -genseckey -keyalg AES -keysize 256 -alias k1 -storetype PKCS12)");
            }
            keys.ring = keys.ring(found);
            LOG.info("Message store keys read from {}: {} key(s), current {}", file.getFileName(), found.size(), keys.current());
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read or create the message store's key store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keys held in memory only, for tests and tools that run the store outside Karaf: one key per JVM ({@code m1}),
     * so what this JVM wrote cannot be read by any other. Never what the adapter runs with.
     */
    public static StoreKeys inMemory() {
        if (jvmKey == null) {
            synchronized (StoreKeys.class) {
                if (jvmKey == null) {
                    jvmKey = generate();
                }
            }
        }
        return new StoreKeys(null, null, "m", Map.of("m1", jvmKey));
    }

    /** The id of the key that encrypts what is written now. */
    public String current() {
        return ring.current();
    }

    /** Every key's id, oldest first. */
    public List<String> ids() {
        return List.copyOf(ring.keys().keySet());
    }

    /** The key store's file; empty for {@link #inMemory()} keys. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The key with this id, or null. */
    SecretKey key(String id) {
        return ring.keys().get(id);
    }

    /**
     * Generates the next key ({@code k<n+1>}), writes the key store with it (a new 0600 file moved over the old one,
     * so a crash leaves the old or the new key store, never half of one) and makes it current. Returns its id.
     */
    synchronized String addKey() {
        Ring before = ring;
        int next = before.keys().keySet().stream().mapToInt(this::number).max().orElse(0) + 1;
        String id = prefix + next;
        Map<String, SecretKey> keys = new LinkedHashMap<>(before.keys());
        keys.put(id, generate());
        if (file != null) {
            write(keys);
        }
        ring = ring(keys);
        return id;
    }

    private void write(Map<String, SecretKey> keys) {
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(null, password);
            for (Map.Entry<String, SecretKey> key : keys.entrySet()) {
                store.setEntry(key.getKey(), new KeyStore.SecretKeyEntry(key.getValue()), new KeyStore.PasswordProtection(password));
            }
            Path directory = file.toAbsolutePath().getParent();
            Path temp = OwnerOnly.createTempFile(directory, file.getFileName().toString());
            try {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    store.store(out, password);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write the message store's key store " + file + ": " + e.getMessage(), e);
        }
    }

    private Ring ring(Map<String, SecretKey> keys) {
        List<String> order = new ArrayList<>(keys.keySet());
        order.sort(Comparator.comparingInt(this::number));
        Map<String, SecretKey> sorted = new LinkedHashMap<>();
        order.forEach(id -> sorted.put(id, keys.get(id)));
        return new Ring(Collections.unmodifiableMap(sorted), order.isEmpty() ? null : order.get(order.size() - 1));
    }

    /** The number of a key id ({@code k12}: 12); 0 when the alias is not one of ours. */
    private int number(String id) {
        Matcher m = ids.matcher(id);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static SecretKey check(String alias, KeyStore.Entry entry) {
        if (!(entry instanceof KeyStore.SecretKeyEntry secret)
                || !ALGORITHM.equalsIgnoreCase(secret.getSecretKey().getAlgorithm())
                || secret.getSecretKey().getEncoded() == null || secret.getSecretKey().getEncoded().length != KEY_BITS / 8) {
            throw new IllegalStateException("The key store's entry " + alias + " is not a 256-bit AES key");
        }
        return secret.getSecretKey();
    }

    private static SecretKey generate() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance(ALGORITHM);
            generator.init(KEY_BITS, new SecureRandom());
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 32 random bytes, base64url, into a new 0600 file. */
    private static char[] generatePassword(Path passwordFile) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        OwnerOnly.createFile(passwordFile);
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        return password.toCharArray();
    }

    private static char[] readPassword(Path passwordFile) throws IOException {
        narrow(passwordFile);
        return Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
    }

    private static void narrow(Path path) throws IOException {
        if (OwnerOnly.restrict(path)) {
            LOG.warn("{} was readable by others: narrowed to owner-only (0600)", path.getFileName());
        }
    }
}

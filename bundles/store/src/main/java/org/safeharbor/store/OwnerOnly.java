package org.safeharbor.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files the store writes (its key store, the key store's password, an embedded H2 database) are readable by the
 * account the adapter runs as and nobody else: 0600 for files, 0700 for their own directory. POSIX file systems only;
 * elsewhere (Windows) the directory's ACL decides, and a warning says so once.
 */
public final class OwnerOnly {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static volatile boolean warned;

    private OwnerOnly() {
    }

    /** Creates an empty file that is 0600 from its first byte (no window in which the umask's permissions apply). */
    static Path createFile(Path file) throws IOException {
        if (!POSIX) {
            warnOnce();
            return Files.createFile(file);
        }
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(FILE);
        return Files.createFile(file, ownerOnly);
    }

    /** A new temporary file, 0600, in {@code directory} (the same file system, so it can be moved into place atomically). */
    static Path createTempFile(Path directory, String prefix) throws IOException {
        if (!POSIX) {
            warnOnce();
            return Files.createTempFile(directory, prefix, ".tmp");
        }
        return Files.createTempFile(directory, prefix, ".tmp", PosixFilePermissions.asFileAttribute(FILE));
    }

    /** Narrows an existing file to 0600 (or a directory to 0700); true when it had to. */
    static boolean restrict(Path path) throws IOException {
        if (!POSIX) {
            warnOnce();
            return false;
        }
        Set<PosixFilePermission> wanted = Files.isDirectory(path) ? DIRECTORY : FILE;
        if (Files.getPosixFilePermissions(path).equals(wanted)) {
            return false;
        }
        Files.setPosixFilePermissions(path, wanted);
        return true;
    }

    /**
     * Writes {@code content} (UTF-8) to {@code file}, readable by the adapter's account only from its first byte: a 0600
     * temporary file beside it, moved into place (replacing a file of that name). For exports an operator asks for.
     */
    public static void write(Path file, String content) throws IOException {
        Path target = file.toAbsolutePath();
        Path temp = createTempFile(target.getParent(), ".export-");
        try {
            Files.writeString(temp, content, java.nio.charset.StandardCharsets.UTF_8);
            Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void warnOnce() {
        if (!warned) {
            warned = true;
            LOG.warn("This file system has no POSIX permissions: protect the key store and the database files with the directory's ACL");
        }
    }
}

package org.safeharbor.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded H2 database's files ({@code data/h2/safeharbor.mv.db} and its trace file) are the adapter's: owner-only
 * (0600), and their directory 0700 when it holds nothing else, so files H2 creates there later are closed to others
 * too. Nothing to do for PostgreSQL or an in-memory database.
 */
final class EmbeddedDatabaseFiles {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabaseFiles.class);
    private static final List<String> SUFFIXES = List.of(".mv.db", ".trace.db", ".lock.db");

    private EmbeddedDatabaseFiles() {
    }

    static void restrict(DataSource dataSource) {
        String url;
        try (Connection connection = dataSource.getConnection()) {
            url = connection.getMetaData().getURL();
        } catch (SQLException e) {
            LOG.warn("Could not read the database's URL to protect its files: {}", e.getClass().getName());
            return;
        }
        Path database = h2File(url);
        if (database == null) {
            return;
        }
        try {
            String name = database.getFileName().toString();
            for (String suffix : SUFFIXES) {
                Path file = database.resolveSibling(name + suffix);
                if (Files.exists(file) && OwnerOnly.restrict(file)) {
                    LOG.info("{} narrowed to owner-only (0600)", file.getFileName());
                }
            }
            Path directory = database.toAbsolutePath().getParent();
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.allMatch(p -> p.getFileName().toString().startsWith(name)) && OwnerOnly.restrict(directory)) {
                    LOG.info("The database's directory {} narrowed to owner-only (0700)", directory.getFileName());
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not narrow the database files' permissions: {}", e.getClass().getName());
        }
    }

    /** The database file's path without its suffix, for an H2 file URL; null for anything else. */
    static Path h2File(String url) {
        if (url == null || !url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return null;
        }
        String path = url.substring("jdbc:h2:".length());
        int settings = path.indexOf(';');
        if (settings >= 0) {
            path = path.substring(0, settings);
        }
        if (path.startsWith("file:")) {
            path = path.substring("file:".length());
        } else if (path.matches("^(mem|tcp|ssl|zip|nio\\w*|split|async|memFS|memLZF|retry)\\:.*")) {
            return null;
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return path.isBlank() ? null : Path.of(path);
    }
}

package org.safeharbor.shell;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.karaf.shell.api.console.Session;

/** Small things the commands share: how times print, and who is at the console. */
final class Shell {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Shell() {
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    /** The Karaf user running the command (the session's USER variable), for the replay record. */
    static String user(Session session) {
        Object user = session == null ? null : session.get("USER");
        return user == null || user.toString().isBlank() ? "karaf-console" : user.toString();
    }
}

package org.safeharbor.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions, in memory (a restart logs everyone out): a random 256-bit id in the cookie, a separate
 * random CSRF token the page sends back in a header with every POST, an idle limit and an absolute one. Also counts
 * failed logins per user name, and refuses that name for a while after too many.
 */
final class Sessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final Duration ABSOLUTE = Duration.ofHours(8);
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(15);

    /** One logged-in user. */
    record Session(String id, String user, Set<Role> roles, String csrf, Instant created, Instant lastSeen) {
        boolean has(Role role) {
            return roles.contains(role);
        }
    }

    private record Failures(int count, Instant first) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Clock clock;

    Sessions(Clock clock) {
        this.clock = clock;
    }

    Session open(String user, Set<Role> roles) {
        Instant now = clock.instant();
        Session session = new Session(token(), user, Set.copyOf(roles), token(), now, now);
        sessions.put(session.id(), session);
        failures.remove(user);
        return session;
    }

    /** The live session of this cookie value (its idle time restarted), or empty. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        Instant now = clock.instant();
        if (session == null) {
            return Optional.empty();
        }
        if (now.isAfter(session.lastSeen().plus(IDLE)) || now.isAfter(session.created().plus(ABSOLUTE))) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session seen = new Session(session.id(), session.user(), session.roles(), session.csrf(), session.created(), now);
        sessions.put(id, seen);
        return Optional.of(seen);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** True when the CSRF token the page sent is the session's (compared in constant time). */
    static boolean csrfMatches(Session session, String sent) {
        return sent != null && MessageDigest.isEqual(session.csrf().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                sent.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** True while this user name is refused after {@value #MAX_FAILURES} failed logins within {@link #LOCKOUT}. */
    boolean lockedOut(String user) {
        Failures f = failures.get(user);
        if (f == null) {
            return false;
        }
        if (clock.instant().isAfter(f.first().plus(LOCKOUT))) {
            failures.remove(user);
            return false;
        }
        return f.count() >= MAX_FAILURES;
    }

    void failed(String user) {
        Instant now = clock.instant();
        failures.merge(user, new Failures(1, now), (a, b) -> now.isAfter(a.first().plus(LOCKOUT)) ? b : new Failures(a.count() + 1, a.first()));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package org.safeharbor.console;

import java.util.Locale;
import java.util.Optional;

/**
 * The console's roles, Karaf roles of the same names (etc/users.properties, as the shell's command ACLs use them):
 * a {@link #VIEWER} reads the overview, referrals and dead letters; an {@link #OPERATOR} also replays; an
 * {@link #AUDITOR} also reads a referral's audit records. Any of the three may read what a viewer reads.
 */
enum Role {
    VIEWER, OPERATOR, AUDITOR;

    static Optional<Role> of(String name) {
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}

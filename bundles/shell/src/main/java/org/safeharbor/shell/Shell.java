package org.safeharbor.shell;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.apache.karaf.shell.support.ShellUtil;
import org.safeharbor.store.AuditEntry;

/** Small things the commands share: how times print, and who is at the console. */
final class Shell {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Shell() {
    }

    static String time(Instant instant) {
        return instant == null ? "-" : TIME.format(instant);
    }

    /** How long ago {@code since} was, at a glance: {@code 95d 4h}, {@code 3h 12m}, {@code 7m 3s}, {@code 41s}. */
    static String age(Instant since, Instant now) {
        if (since == null) {
            return "-";
        }
        java.time.Duration d = java.time.Duration.between(since, now);
        if (d.isNegative()) {
            d = java.time.Duration.ZERO;
        }
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    /**
     * The Karaf user running the command: the JAAS subject the shell runs it as (the user who logged in at the console,
     * over SSH or bin/client), for the replay record and the audit trail. Not the session's {@code USER} variable, which
     * anyone at the prompt can set. Empty when the command runs without an authenticated subject.
     */
    static java.util.Optional<String> user() {
        String user = ShellUtil.getCurrentUserName();
        return user == null || user.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(user);
    }

    /** The operator for the audit trail: the JAAS user, or {@code unauthenticated} (never a name the session chose). */
    static AuditEntry.Actor operator() {
        return AuditEntry.Actor.operator(user().orElse("unauthenticated"));
    }

    /** True (and says so) when the services-referral bundle is not there to answer a {@code harbor:services*} command. */
    static boolean servicesMissing(org.safeharbor.fhir.services.ServicesReferrals services) {
        if (services == null) {
            System.err.println("Services referrals are not installed (feature safeharbor-services)");
        }
        return services == null;
    }
}

package org.safeharbor.coordination;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;

/**
 * One coordination team as its {@code etc/org.safeharbor.coordination.team-<name>.cfg} describes it: a
 * multidisciplinary team, a children's advocacy center or a case coordinator of one jurisdiction (Massachusetts' SEEN
 * model, Washington's CSEC protocol; docs/domain.md "Coordination notices"), where its FHIR endpoint is, the site's
 * contact line, and the personal data it may receive: none, unless a lawful basis is named with the fields.
 *
 * @param name         a lower-case code naming the team in records and audit, e.g. {@code ma-seen}
 * @param jurisdiction the state whose referrals it hears of, e.g. US-MA
 * @param kind         what the team is ({@link #KINDS})
 * @param display      how the Communication names the team (recipient.display)
 * @param url          the team's FHIR R4 base (https); the notice is POSTed to {@code <url>/Communication}
 * @param contact      the SITE's contact line for the team to call back (free text of the site, never of a child)
 * @param lawfulBasis  the law or agreement that allows personal data to go to the team; blank: none goes
 * @param fields       the child's fields the team receives, only with a lawful basis ({@link #DISCLOSABLE})
 */
public record Team(String name, Jurisdiction jurisdiction, String kind, String display, URI url, String contact, String lawfulBasis,
                   Set<ReferralField> fields) {

    /** The kinds of team a notice goes to. */
    public static final Set<String> KINDS = Set.of("multidisciplinary-team", "childrens-advocacy-center", "case-coordinator");
    /** The child's fields a team may receive with a lawful basis; nothing of the report, the reporter or the allegations. */
    public static final Set<ReferralField> DISCLOSABLE = Set.of(ReferralField.CHILD_NAME, ReferralField.CHILD_BIRTH_DATE,
            ReferralField.CHILD_SEX, ReferralField.CHILD_CITY, ReferralField.CHILD_STATE);
    /** The notices' purpose prefix: each team has its own path ({@code coordination-<name>}). */
    public static final String PURPOSE = "coordination";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,20}");

    public Team {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a team name is a lower-case code (a-z, 0-9, '-', at most 21)");
        }
        Objects.requireNonNull(jurisdiction, "jurisdiction");
        Objects.requireNonNull(url, "url");
        contact = contact == null ? "" : contact.trim();
        lawfulBasis = lawfulBasis == null ? "" : lawfulBasis.trim();
        fields = Set.copyOf(fields);
        if (!fields.isEmpty() && lawfulBasis.isEmpty()) {
            throw new IllegalArgumentException("team " + name + ": fields are disclosed only with a lawfulBasis");
        }
    }

    /** The notices' own path, {@code coordination-<name>}: queue {@code referrals.US-XX.coordination-<name>}, routes, DLQ. */
    public String purpose() {
        return PURPOSE + "-" + name;
    }

    /** The recipient code in records and audit: {@code coordination-<name>--team}. */
    public String recipient() {
        return NoticeRoutes.recipient(purpose(), "team");
    }

    /** Where a notice is POSTed. */
    public String communicationUrl() {
        String base = url.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/Communication";
    }

    /** Whether personal data goes to this team (a lawful basis and at least one field). */
    public boolean disclosesPersonalData() {
        return !fields.isEmpty();
    }

    /**
     * The team a configuration describes; a bad value fails naming the PID and the key, never a value of a child
     * (there is none in a configuration; the URL and the names are the site's).
     *
     * @param sandbox whether the jurisdiction's sandbox peer runs: only then may the URL be on this machine
     */
    static Team of(CoordinationTeam.Config config, boolean sandbox) {
        String pid = CoordinationTeam.PID + "-" + config.name();
        Jurisdiction jurisdiction;
        try {
            jurisdiction = Jurisdiction.of(config.jurisdiction().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(pid + ": jurisdiction must be a code such as US-MA", e);
        }
        String kind = config.kind().trim();
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(pid + ": kind must be one of " + KINDS);
        }
        if (config.url() == null || config.url().isBlank()) {
            throw new IllegalArgumentException(pid + ": url is required (the team's FHIR R4 base, https)");
        }
        URI url = HttpsClient.httpsUri(HttpsClient.configuredUrl(pid, "url", config.url()));
        if (!sandbox && onThisMachine(url)) {
            throw new IllegalArgumentException(pid + ": url is on this machine, which only the sandbox uses (no "
                    + jurisdiction.code() + " sandbox runs)");
        }
        if (config.contact() == null || config.contact().isBlank()) {
            throw new IllegalArgumentException(pid + ": contact is required (the site's line for the team to call back)");
        }
        Set<ReferralField> fields = fields(pid, config.fields());
        if (!fields.isEmpty() && config.lawfulBasis().isBlank()) {
            throw new IllegalArgumentException(pid + ": fields may be set only with a lawfulBasis (the law or agreement that allows them)");
        }
        String display = config.display().isBlank() ? config.name() : config.display().trim();
        return new Team(config.name(), jurisdiction, kind, display, url, config.contact(), config.lawfulBasis(), fields);
    }

    /** The {@code fields} key: names of {@link #DISCLOSABLE}, e.g. {@code CHILD_NAME, child-birth-date}; a .cfg gives one comma-separated string. */
    static Set<ReferralField> fields(String pid, String[] values) {
        Set<ReferralField> result = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        Arrays.stream(values == null ? new String[0] : values).flatMap(v -> Arrays.stream(v.split(","))).map(String::trim)
                .filter(v -> !v.isEmpty()).forEach(names::add);
        for (String name : names) {
            ReferralField field;
            try {
                field = ReferralField.valueOf(name.replace('-', '_').toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(pid + ": fields lists a name that is not a field; they are " + DISCLOSABLE, e);
            }
            if (!DISCLOSABLE.contains(field)) {
                throw new IllegalArgumentException(pid + ": fields may name only " + DISCLOSABLE);
            }
            result.add(field);
        }
        return result;
    }

    /** A loopback or this host's name: only the sandbox's receivers live there. */
    static boolean onThisMachine(URI url) {
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        if (host.matches("[0-9.]+") || host.startsWith("[")) {
            try {
                return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}

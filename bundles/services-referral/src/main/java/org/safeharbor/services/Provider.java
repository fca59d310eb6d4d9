package org.safeharbor.services;

import java.net.URI;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;

/**
 * One services provider (or state hub) as its {@code etc/org.safeharbor.services.provider-<name>.cfg} describes it:
 * where its FHIR API is, whom it serves, which triggers it takes, how the adapter authenticates to it.
 *
 * @param name            a lower-case code naming it in records, audit and the hospital's Task, e.g. {@code sandbox}
 * @param baseUrl         its FHIR R4 base, https
 * @param categories      the categories it accepts: {@code sex-trafficking}, {@code labor-trafficking}, {@code at-risk}
 * @param minAge          youngest age it serves, in whole years on the day the referral is recorded
 * @param maxAge          oldest age it serves
 * @param triggers        the triggers it takes
 * @param consentRequired whether every referral to it needs the consent recorded in the submission (the at-risk and
 *                        young-adult triggers need it always)
 * @param owner           the reference of the provider's Organization on its own server, Task.owner (e.g.
 *                        {@code Organization/youth-services}); blank: named by display only
 * @param ownerDisplay    Task.owner.display
 * @param auth            how the adapter authenticates
 */
public record Provider(String name, URI baseUrl, Set<String> categories, int minAge, int maxAge, Set<Trigger> triggers,
                       boolean consentRequired, String owner, String ownerDisplay, Auth auth) {

    /** The categories a provider may accept. */
    public static final Set<String> CATEGORIES = Set.of("sex-trafficking", "labor-trafficking", "at-risk");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");
    private static final Pattern AGES = Pattern.compile("\\s*(\\d{1,2})\\s*-\\s*(\\d{1,2})\\s*");

    /**
     * The adapter's credentials at the provider: a bearer token, and/or a client certificate (PKCS12 key store);
     * a trust store for the provider's certificate (blank: the JVM's).
     */
    public record Auth(String bearerToken, String trustStore, String trustStorePassword, String keyStore, String keyStorePassword) {
        @Override
        public String toString() {
            return "Auth[bearer=" + (bearerToken != null && !bearerToken.isBlank()) + ", clientCertificate="
                    + (keyStore != null && !keyStore.isBlank()) + "]";
        }
    }

    public Provider {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a provider name is a lower-case code (a-z, 0-9, '-', at most 31)");
        }
        Objects.requireNonNull(baseUrl, "baseUrl");
        categories = Set.copyOf(categories);
        if (!CATEGORIES.containsAll(categories)) {
            throw new IllegalArgumentException("provider " + name + ": categories are " + CATEGORIES);
        }
        triggers = triggers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(triggers));
        if (minAge < 0 || maxAge < minAge || maxAge > 99) {
            throw new IllegalArgumentException("provider " + name + ": ages must be a range such as 12-24");
        }
        Objects.requireNonNull(auth, "auth");
    }

    /** The recipient code in records and audit: {@code services-<name>}. */
    public String recipient() {
        return "services-" + name;
    }

    /** Reads an age range such as {@code 12-24}; the key is named in the error, the value is configuration. */
    static int[] ages(String pid, String value) {
        Matcher m = AGES.matcher(value == null ? "" : value);
        if (!m.matches()) {
            throw new IllegalArgumentException(pid + ": ages must be a range such as 12-24, not '" + value + "'");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** An https base URL, checked as the states' endpoints are. */
    static URI base(String pid, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(pid + ": baseUrl is required (the provider's FHIR R4 base, https)");
        }
        return HttpsClient.httpsUri(HttpsClient.configuredUrl(pid, "baseUrl", url));
    }

    /** The service categories a referral falls in: sexual and labor allegations (suspected or confirmed), else at-risk. */
    public static Set<String> categoriesOf(Referral referral) {
        Set<String> result = new LinkedHashSet<>();
        for (Allegation a : referral.allegations()) {
            if (a.certainty().isAllegation()) {
                result.add(a.type() == AllegationType.LABOR_TRAFFICKING ? "labor-trafficking" : "sex-trafficking");
            }
        }
        if (result.isEmpty() && referral.allegations().stream().anyMatch(a -> a.certainty() == Certainty.AT_RISK)) {
            result.add("at-risk");
        }
        return result;
    }

    /**
     * Whether this provider takes a referral for this trigger: the trigger is on, the consent it needs is recorded,
     * the person's age on {@code day} is in range and one of the referral's categories is accepted.
     */
    public boolean takes(Referral referral, Trigger trigger, LocalDate day) {
        if (!triggers.contains(trigger)) {
            return false;
        }
        boolean consentNeeded = consentRequired || trigger == Trigger.AT_RISK_CONSENTED || trigger == Trigger.YOUNG_ADULT;
        if (consentNeeded && !referral.servicesConsent()) {
            return false;
        }
        int age = referral.child().ageOn(day);
        return age >= minAge && age <= maxAge && categoriesOf(referral).stream().anyMatch(categories::contains);
    }
}

package org.safeharbor.api.v1;

import java.util.Objects;
import java.util.regex.Pattern;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A jurisdiction, identified by its ISO 3166-2 subdivision code, e.g. {@code US-IL} for Illinois.
 * The same code is the {@value #SERVICE_PROPERTY} property of a {@link JurisdictionAdapter}
 * service and names the jurisdiction's durable queue.
 *
 * @param code the ISO 3166-2 code, upper case
 */
@ProviderType
public record Jurisdiction(String code) {

    /** The OSGi service property that carries the code of a {@link JurisdictionAdapter}. */
    public static final String SERVICE_PROPERTY = "jurisdiction";

    private static final Pattern ISO_3166_2 = Pattern.compile("[A-Z]{2}-[A-Z0-9]{1,3}");

    public Jurisdiction {
        Objects.requireNonNull(code, "code");
        if (!ISO_3166_2.matcher(code).matches()) {
            throw new IllegalArgumentException("Not an ISO 3166-2 subdivision code: " + code);
        }
    }

    /** Parses a code such as {@code US-IL} (case-insensitive). */
    public static Jurisdiction of(String code) {
        return new Jurisdiction(Objects.requireNonNull(code, "code").trim().toUpperCase(java.util.Locale.ROOT));
    }

    /** The jurisdiction of a US state or territory from its USPS abbreviation, e.g. {@code IL}. */
    public static Jurisdiction usState(String uspsCode) {
        return of("US-" + uspsCode);
    }

    /** Name of this jurisdiction's durable referral queue on the broker, e.g. {@code referrals.US-IL}. */
    public String queueName() {
        return DeliveryContract.queue(this);
    }

    @Override
    public String toString() {
        return code;
    }
}

package org.safeharbor.api.v1;

import java.util.Objects;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The stable id of a referral: the same on every delivery attempt and in every state's format,
 * so a receiving system can de-duplicate redeliveries.
 *
 * @param value the id, a random UUID (v4) by default: never derived from what a sender sent, so that
 *              no one can compute another hospital's referral id
 */
@ProviderType
public record ReferralId(String value) {

    public ReferralId {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("blank referral id");
        }
    }

    /** A new random id. */
    public static ReferralId random() {
        return new ReferralId(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}

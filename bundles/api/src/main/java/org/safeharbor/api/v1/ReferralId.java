package org.safeharbor.api.v1;

import java.util.Objects;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The stable id of a referral: the same on every delivery attempt and in every state's format,
 * so a receiving system can de-duplicate redeliveries.
 *
 * @param value the id, a UUID string by default
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

    /** A deterministic id derived from the sender's own id for a submission, for idempotent intake. */
    public static ReferralId fromSubmission(String sender, String submissionId) {
        String key = sender + "|" + submissionId;
        return new ReferralId(UUID.nameUUIDFromBytes(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
    }

    @Override
    public String toString() {
        return value;
    }
}

package org.safeharbor.api.v1;

import java.util.Objects;
import java.util.regex.Pattern;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A notice a jurisdiction bundle sends to a recipient other than the state's intake, when the state's
 * law requires it after the state's own decision, e.g. Massachusetts DCF's notice to the District
 * Attorney and local law enforcement (G.L. c.119 s.51B(k); docs/domain.md). Recorded with
 * {@link StatusReporter#recordNotice}; one that never reached its queue is handed back by
 * {@link StatusReporter#unqueuedNotices}.
 *
 * @param referralId   the referral the notice is about
 * @param jurisdiction the jurisdiction whose law requires it
 * @param recipient    who receives it, a short lower-case code such as {@code district-attorney}
 * @param payload      what is sent, as recorded when the notice became due; no more than the rule needs
 * @since 1.3
 */
@ProviderType
public record PendingNotice(ReferralId referralId, Jurisdiction jurisdiction, String recipient, String payload) {

    /** A recipient code: lower-case letters, digits and hyphens, at most 40. */
    private static final Pattern RECIPIENT = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    public PendingNotice {
        Objects.requireNonNull(referralId, "referralId");
        Objects.requireNonNull(jurisdiction, "jurisdiction");
        Objects.requireNonNull(payload, "payload");
        requireRecipient(recipient);
    }

    /** Checks a recipient code (it is stored and printed: a code, never free text); returns it. */
    public static String requireRecipient(String recipient) {
        if (recipient == null || !RECIPIENT.matcher(recipient).matches()) {
            throw new IllegalArgumentException("a notice recipient is a lower-case code such as district-attorney");
        }
        return recipient;
    }
}

package org.safeharbor.fhir;


import org.safeharbor.api.v1.Referral;

/**
 * A hospital submission the intake accepted, read into the canonical model.
 *
 * @param submissionKey  the sender's identity of this submission ({@code sender|message id}); the intake
 *                       prefixes the authenticated client, so no client reaches another's key space
 * @param sourceEndpoint {@code MessageHeader.source.endpoint}, which must be one the client is registered
 *                       for; null without a MessageHeader
 * @param referral       the canonical referral
 * @param actionable     false when it held only ruled-out or historical findings
 * @param warnings       what was not read (e.g. a code from an unknown system), told to the sender
 */
record Submission(String submissionKey, String sourceEndpoint, Referral referral, boolean actionable,
                  java.util.List<String> warnings) {

    Submission {
        java.util.Objects.requireNonNull(submissionKey);
        warnings = java.util.List.copyOf(warnings);
    }

}

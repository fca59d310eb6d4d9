package org.safeharbor.api.v1;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A state's wire format: what the state's system receives for a referral, and how to read it back.
 * Implemented by each jurisdiction bundle and checked by the conformance kit ({@code bundles/tck}):
 * reading back what was written keeps every allegation's type, certainty, perpetrator relation and
 * caregiver role; no field outside {@link #disclosedFields()} is written; no child is written as an
 * offender; ruled-out and historical findings are never written as allegations, nor at-risk signals
 * unless {@link #atRiskRule()} names the rule that allows it.
 */
@ConsumerType
public interface StateFormat {

    /** The payload's media type, e.g. {@code application/xml}. */
    String mediaType();

    /**
     * The payload this state receives for the referral, or empty when nothing in it is for this state
     * (e.g. only an at-risk signal and no rule to report one).
     */
    Optional<String> write(Referral referral);

    /** Reads a payload of this format back into the canonical form (only what it carries). */
    Referral read(String payload);

    /** The canonical fields this format sends: the minimum the state needs. */
    Set<ReferralField> disclosedFields();

    /**
     * Allegation types this state cannot receive, each with the reason; never dropped silently. By default none
     * (1.5): a state that receives every type says why in its format's documentation.
     */
    default Map<AllegationType, String> unsupportedTypes() {
        return Map.of();
    }

    /**
     * The rule under which this state receives at-risk signals (e.g. a statute or policy citation),
     * or empty when it receives none: an at-risk signal is not an allegation of abuse. By default empty (1.5).
     */
    default Optional<String> atRiskRule() {
        return Optional.empty();
    }

    /**
     * The rule under which this state's agency receives an at-risk signal about a child in its care (foster care
     * or its supervision, {@link CareStatus#isInCare()}), e.g. 42 U.S.C. 671(a)(34)(A), which requires the agency
     * to identify and document a child in its care at risk of sex trafficking; empty when it receives none
     * (1.6). Only such a child's at-risk signal is sent under it; other at-risk signals follow {@link #atRiskRule()}.
     */
    default Optional<String> childInCareAtRiskRule() {
        return Optional.empty();
    }
}

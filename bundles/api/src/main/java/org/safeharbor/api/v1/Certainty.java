package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How sure the reporter is. Only {@link #SUSPECTED} and {@link #CONFIRMED} are allegations of
 * abuse: a risk signal is not an allegation (IOM/NRC 2013), a ruled-out suspicion is coded
 * Z04.8x and never reported, and a history of past exploitation is not a current allegation.
 */
@ProviderType
public enum Certainty implements SharedCode {
    /** Risk factors or a positive screen without a clinician's suspicion. */
    AT_RISK("at-risk"),
    /** A clinician suspects trafficking (ICD-10-CM T76.-, Condition provisional). */
    SUSPECTED("suspected"),
    /** Trafficking is confirmed (ICD-10-CM T74.-, Condition confirmed). */
    CONFIRMED("confirmed"),
    /** Examined and ruled out (ICD-10-CM Z04.8x, Condition refuted). */
    RULED_OUT("ruled-out"),
    /** A personal history or the sequela of past exploitation (Z62.813, Z91.42, 7th character S). */
    HISTORICAL("historical");

    private final String code;

    Certainty(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }

    /** True only where a state may be told of an allegation of abuse. */
    public boolean isAllegation() {
        return this == SUSPECTED || this == CONFIRMED;
    }

    /** Looks a certainty up by its shared code. */
    public static Certainty fromCode(String code) {
        return Codes.lookup(Certainty.class, code);
    }
}

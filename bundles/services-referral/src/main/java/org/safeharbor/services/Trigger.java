package org.safeharbor.services;

import java.util.EnumSet;
import java.util.Set;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Referral;

/**
 * Why a services referral is sent; each one is turned on or off per provider ({@code triggers} in its cfg).
 */
public enum Trigger {
    /**
     * The referral went to law enforcement only, so no child-welfare services follow (e.g. Texas when the alleged
     * trafficker is not a person responsible for the child's care): read from the delivery's recorded reason.
     */
    LAW_ENFORCEMENT_ONLY("law-enforcement-only"),
    /** An at-risk signal (no allegation a state is told of) the hospital marked as consented to a services referral. */
    AT_RISK_CONSENTED("at-risk-consented"),
    /** A confirmed allegation of trafficking. */
    CONFIRMED("confirmed"),
    /** A young adult (18 to 24) the intake refused as a child-welfare report, with consent recorded. */
    YOUNG_ADULT("young-adult");

    private final String code;

    Trigger(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static Trigger fromCode(String code) {
        for (Trigger trigger : values()) {
            if (trigger.code.equals(code)) {
                return trigger;
            }
        }
        throw new IllegalArgumentException("no services-referral trigger " + code);
    }

    /**
     * The triggers an accepted referral meets by itself (the intake's two: at-risk with consent, confirmed); the
     * law-enforcement-only one follows the state's delivery, the young-adult one a refusal.
     */
    public static Set<Trigger> atIntake(Referral referral) {
        Set<Trigger> met = EnumSet.noneOf(Trigger.class);
        if (referral.servicesConsent() && referral.allegations().stream().map(Allegation::certainty).anyMatch(c -> c == Certainty.AT_RISK)) {
            met.add(AT_RISK_CONSENTED);
        }
        if (referral.allegations().stream().map(Allegation::certainty).anyMatch(c -> c == Certainty.CONFIRMED)) {
            met.add(CONFIRMED);
        }
        return met;
    }
}

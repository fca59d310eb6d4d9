package org.safeharbor.jurisdiction.us.tx;

import java.util.Arrays;

/**
 * Where a Texas report goes (CPS Handbook §2380, docs/domain.md "Texas"): CPS investigates trafficking only
 * where the alleged trafficker is a person responsible for the child's care; otherwise the report goes to
 * law enforcement within 24 hours. Codes of the reference design's CodeSystem
 * {@code https://fhir.safeharbor-bridge.org/CodeSystem/us-tx-allegation}.
 */
public enum IntakeRoute {
    /** The alleged trafficker is a person responsible for the child's care: CPS intake investigates. */
    CPS_INVESTIGATION("cps-investigation", true, false),
    /** The alleged trafficker is not: law enforcement is notified, within 24 hours. */
    LAW_ENFORCEMENT_NOTICE("law-enforcement-notice", false, true),
    /**
     * Not determined (or a caregiver failed to protect the child from someone else): this design sends the
     * report to law enforcement within 24 hours AND to CPS, so no case falls between the two.
     */
    LAW_ENFORCEMENT_NOTICE_AND_CPS("law-enforcement-notice-and-cps", true, true);

    private final String code;
    private final boolean cps;
    private final boolean lawEnforcement;

    IntakeRoute(String code, boolean cps, boolean lawEnforcement) {
        this.code = code;
        this.cps = cps;
        this.lawEnforcement = lawEnforcement;
    }

    /** The code on the wire and in the ConceptMap. */
    public String code() {
        return code;
    }

    /** True when CPS intake receives the report. */
    public boolean toCps() {
        return cps;
    }

    /** True when law enforcement receives the report (and the 24-hour clock runs). */
    public boolean toLawEnforcement() {
        return lawEnforcement;
    }

    /** The route that reaches every agency either route reaches. */
    public IntakeRoute and(IntakeRoute other) {
        boolean c = cps || other.cps;
        boolean l = lawEnforcement || other.lawEnforcement;
        return c && l ? LAW_ENFORCEMENT_NOTICE_AND_CPS : c ? CPS_INVESTIGATION : LAW_ENFORCEMENT_NOTICE;
    }

    /** Looks a route up by its code. */
    public static IntakeRoute fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown US-TX intake route " + code));
    }
}

package org.safeharbor.jurisdiction.us.tx;

import java.util.Arrays;

/** The two receiving systems of the Texas reference design. */
public enum Agency {
    /** The CPS intake (statewide intake of Texas DFPS, reference endpoint). */
    CPS_INTAKE("cps-intake", "TX-CPS", "Texas CPS intake"),
    /** The law-enforcement notification endpoint (reference endpoint). */
    LAW_ENFORCEMENT("law-enforcement", "TX-LE", "Texas law-enforcement notification");

    private final String code;
    private final String numberPrefix;
    private final String displayName;

    Agency(String code, String numberPrefix, String displayName) {
        this.code = code;
        this.numberPrefix = numberPrefix;
        this.displayName = displayName;
    }

    /** The code on the wire ({@code ext:ReceivingAgencyCode}). */
    public String code() {
        return code;
    }

    /** Prefix of this agency's intake or case numbers in the sandbox, e.g. {@code TX-CPS}. */
    public String numberPrefix() {
        return numberPrefix;
    }

    /** A name for status texts; no personal data. */
    public String displayName() {
        return displayName;
    }

    /** Looks an agency up by its code. */
    public static Agency fromCode(String code) {
        return Arrays.stream(values()).filter(a -> a.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown US-TX agency " + code));
    }
}

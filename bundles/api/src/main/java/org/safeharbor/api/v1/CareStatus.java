package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Whether the child is known to be in the state agency's care (1.6), as the submission said it: a child in foster
 * care or under the agency's supervision is one the agency must identify and document when at risk of sex
 * trafficking, and report to law enforcement within 24 hours when a victim (42 U.S.C. 671(a)(34)-(35), P.L. 113-183;
 * docs/domain.md, "Children in state care"). {@link #UNKNOWN} when the submission did not say.
 */
@ProviderType
public enum CareStatus {
    /** In foster care (out-of-home placement by the agency). */
    FOSTER_CARE("foster-care"),
    /** At home under the agency's supervision (an open in-home services case). */
    AGENCY_SUPERVISION("agency-supervision"),
    /** The submission said the child is in neither. */
    NOT_IN_CARE("not-in-care"),
    /** The submission did not say. */
    UNKNOWN("unknown");

    private final String code;

    CareStatus(String code) {
        this.code = code;
    }

    /** The stable lower-case code used in the canonical JSON, the store and metric labels. */
    public String code() {
        return code;
    }

    /** True for a child the agency is responsible for: in foster care or under its supervision. */
    public boolean isInCare() {
        return this == FOSTER_CARE || this == AGENCY_SUPERVISION;
    }

    /** Looks a care status up by its shared code. */
    public static CareStatus fromCode(String code) {
        for (CareStatus value : values()) {
            if (value.code.equals(code)) {
                return value;
            }
        }
        throw new IllegalArgumentException("Unknown CareStatus code: " + code);
    }
}

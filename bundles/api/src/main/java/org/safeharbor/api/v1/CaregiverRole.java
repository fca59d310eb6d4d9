package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a caregiver is alleged to have done: the act itself (abuse) or a failure to protect
 * (neglect; Illinois allegation 90, "blatant disregard").
 */
@ProviderType
public enum CaregiverRole implements SharedCode {
    /** The caregiver trafficked or exploited the child. */
    ACT("act"),
    /** The caregiver knew or should have known and failed to protect the child. */
    FAILURE_TO_PROTECT("failure-to-protect"),
    /** The perpetrator is not a caregiver, or it is not known. */
    NOT_APPLICABLE("not-applicable");

    private final String code;

    CaregiverRole(String code) {
        this.code = code;
    }

    @Override
    public String code() {
        return code;
    }

    /** Looks a role up by its shared code. */
    public static CaregiverRole fromCode(String code) {
        return Codes.lookup(CaregiverRole.class, code);
    }
}

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

    /**
     * The role to record for an allegation whose perpetrator has the given caregiver status (the shared
     * default {@link PerpetratorRelation#defaultCaregiverStatus()}, or a jurisdiction's own reading of the
     * relation), given what the reporter said ({@code stated}):
     * <ul>
     *   <li>{@link #FAILURE_TO_PROTECT} when the reporter said this person failed to protect the child: that
     *       statement is itself that the person was responsible for the child (e.g. a mother's partner, whom
     *       the shared code files as non-family), so it stands whatever the relation's default;</li>
     *   <li>otherwise {@link #ACT} for a caregiver (the perpetrator's own act is the trafficking), and
     *       {@link #NOT_APPLICABLE} for anyone else: a non-caregiver, and an undetermined or unknown
     *       perpetrator, who is not turned into a caregiver.</li>
     * </ul>
     */
    public static CaregiverRole of(CaregiverStatus status, CaregiverRole stated) {
        if (stated == FAILURE_TO_PROTECT) {
            return FAILURE_TO_PROTECT;
        }
        return status == CaregiverStatus.CAREGIVER ? ACT : NOT_APPLICABLE;
    }

    /** Looks a role up by its shared code. */
    public static CaregiverRole fromCode(String code) {
        return Codes.lookup(CaregiverRole.class, code);
    }
}

package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The alleged perpetrator's relation to the child, following the ICD-10-CM Y07.- perpetrator
 * categories. Never describes the child: a minor is a victim, never an offender.
 */
@ProviderType
public enum PerpetratorRelation implements SharedCode {
    /** Y07.1-: biological or adoptive parent. */
    PARENT("parent", CaregiverStatus.CAREGIVER),
    /** Y07.42-, Y07.43-: foster parent, stepparent. */
    STEP_OR_FOSTER_PARENT("step-or-foster-parent", CaregiverStatus.CAREGIVER),
    /** Y07.41-, Y07.49-: sibling, cousin, other family member. */
    OTHER_FAMILY_MEMBER("other-family-member", CaregiverStatus.UNDETERMINED),
    /** Y07.51-, Y07.52-, Y07.53: childcare, healthcare, teacher: responsible for the child in a setting. */
    OTHER_CAREGIVER("other-caregiver", CaregiverStatus.CAREGIVER),
    /** Y07.5-: a person outside the family with no care role. */
    NON_FAMILY("non-family", CaregiverStatus.NON_CAREGIVER),
    /** Y07.6: multiple perpetrators. */
    MULTIPLE("multiple", CaregiverStatus.UNDETERMINED),
    /** Y07.9, or nothing recorded. */
    UNKNOWN("unknown", CaregiverStatus.UNDETERMINED);

    private final String code;
    private final CaregiverStatus defaultCaregiverStatus;

    PerpetratorRelation(String code, CaregiverStatus defaultCaregiverStatus) {
        this.code = code;
        this.defaultCaregiverStatus = defaultCaregiverStatus;
    }

    @Override
    public String code() {
        return code;
    }

    /** A default only: each jurisdiction bundle applies its own law. */
    public CaregiverStatus defaultCaregiverStatus() {
        return defaultCaregiverStatus;
    }

    /** Looks a relation up by its shared code. */
    public static PerpetratorRelation fromCode(String code) {
        return Codes.lookup(PerpetratorRelation.class, code);
    }
}

package org.safeharbor.jurisdiction.us.il;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.CaregiverRole;

/**
 * The Illinois allegation codes for human trafficking of children, 89 Ill. Adm. Code 300,
 * Appendix B: allegations come in abuse/neglect pairs (abuse below 50, neglect above 50), and human
 * trafficking of children is the pair 40/90. Must agree with
 * {@code mappings/fhir/ConceptMap-ht-allegation-to-us-il.json} (checked by a test).
 */
public enum IllinoisAllegationCode {

    /**
     * 40, Human Trafficking of Children (abuse). Illinois treats a trafficked child as abused
     * whoever the trafficker is (docs/domain.md, Illinois), so every sex or labor trafficking allegation,
     * by a caregiver or not, is 40 unless it is a caregiver's failure to protect.
     */
    HUMAN_TRAFFICKING_ABUSE("40", "Human Trafficking of Children (abuse)"),

    /**
     * 90, the neglect side of 40 ("blatant disregard"): a caregiver knew or should have known and
     * failed to protect the child (89 Ill. Adm. Code 300 App. B; shared code caregiver-role
     * failure-to-protect).
     */
    HUMAN_TRAFFICKING_NEGLECT("90", "Human Trafficking of Children: blatant disregard (neglect)");

    /** The code system of this mapping's target in the ConceptMap (the public codes, as the project names them). */
    public static final String SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-il-allegation";

    private final String code;
    private final String display;

    IllinoisAllegationCode(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** The Illinois code of an allegation in the shared code: 90 for failure to protect, else 40. */
    public static IllinoisAllegationCode of(Allegation allegation) {
        return allegation.caregiverRole() == CaregiverRole.FAILURE_TO_PROTECT ? HUMAN_TRAFFICKING_NEGLECT : HUMAN_TRAFFICKING_ABUSE;
    }

    /** Looks a code up; throws {@link IllegalArgumentException} for any other value. */
    public static IllinoisAllegationCode fromCode(String code) {
        for (IllinoisAllegationCode value : values()) {
            if (value.code.equals(code)) {
                return value;
            }
        }
        throw new IllegalArgumentException("not an Illinois human-trafficking allegation code: " + code);
    }

    /** Whether a caregiver role goes with this code: 90 with failure to protect and only with it. */
    public boolean agreesWith(CaregiverRole role) {
        return (this == HUMAN_TRAFFICKING_NEGLECT) == (role == CaregiverRole.FAILURE_TO_PROTECT);
    }
}

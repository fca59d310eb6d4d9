package org.safeharbor.jurisdiction.us.ma;

import org.safeharbor.api.v1.AllegationType;

/**
 * The Massachusetts DCF allegations a trafficking report is coded with. Source (docs/domain.md):
 * since 2016 DCF allegations include sexual exploitation and labor trafficking, with no caregiver
 * requirement (G.L. c.119 s.51A triggers include "sexually exploited child" and "human
 * trafficking victim"). The code values are this reference design's own
 * ({@value #SYSTEM}); DCF's internal codes are not public. The same table is published as
 * {@code mappings/fhir/ConceptMap-ht-allegation-to-us-ma.json}.
 */
public enum MaAllegation {

    /** Sexual exploitation: every sex-trafficking / CSEC form, whoever the perpetrator is. */
    SEXUAL_EXPLOITATION("sexual-exploitation", "Sexual exploitation"),
    /** Labor trafficking, whoever the perpetrator is. */
    LABOR_TRAFFICKING("labor-trafficking", "Labor trafficking");

    /** The reference design's code system for these codes. */
    public static final String SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/us-ma-allegation";

    private final String code;
    private final String display;

    MaAllegation(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /**
     * The DCF allegation for a shared allegation type. No caregiver requirement in Massachusetts,
     * so the perpetrator does not enter. An exhaustive switch: a new shared type fails the build
     * here instead of being coded silently.
     */
    public static MaAllegation of(AllegationType type) {
        return switch (type) {
            // IOM/NRC 2013 Box 1: every CSEC form is sexual exploitation of a child
            case SEX_TRAFFICKING, EXPLOITATION_THROUGH_PROSTITUTION, SURVIVAL_SEX, PORNOGRAPHY, SEX_TOURISM_MARRIAGE, SEXUAL_VENUE -> SEXUAL_EXPLOITATION;
            // ICD-10-CM T74.62-/T76.62- child forced labor exploitation
            case LABOR_TRAFFICKING -> LABOR_TRAFFICKING;
        };
    }

    /** Looks an allegation up by its code; throws {@link IllegalArgumentException} for any other value. */
    public static MaAllegation fromCode(String code) {
        for (MaAllegation a : values()) {
            if (a.code.equals(code)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown Massachusetts allegation code");
    }
}

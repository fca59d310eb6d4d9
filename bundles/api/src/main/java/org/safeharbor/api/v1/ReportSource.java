package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Who reported the child (1.6). A hospital's screening report and a law-enforcement custody notice both become a
 * referral in which the child is the victim; the source says which duty the report discharged, so a state can apply
 * its rule (e.g. Illinois: a minor taken into custody in circumstances of commercial sexual exploitation is reported by law enforcement to
 * the State Central Register, 325 ILCS 5/7.4; docs/domain.md, "Custody notices"). It never carries the offense.
 */
@ProviderType
public enum ReportSource {
    /** A hospital or other health-care provider's screening report (the FHIR intake's screening-report). */
    HEALTH_CARE("health-care"),
    /** A police or juvenile-detention records system's custody notice: the child is a victim, never an offender. */
    LAW_ENFORCEMENT("law-enforcement");

    private final String code;

    ReportSource(String code) {
        this.code = code;
    }

    /** The stable lower-case code used in the canonical JSON, the store and metric labels. */
    public String code() {
        return code;
    }

    /** Looks a source up by its shared code. */
    public static ReportSource fromCode(String code) {
        for (ReportSource value : values()) {
            if (value.code.equals(code)) {
                return value;
            }
        }
        throw new IllegalArgumentException("Unknown ReportSource code: " + code);
    }
}

package org.safeharbor.fhir;

import java.util.List;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.safeharbor.api.v1.CareStatus;

/**
 * Whether the child is known to be in the state agency's care, as the hospital says it: the extension
 * {@value #EXTENSION} on the child's Patient, valued with a code of {@value #SYSTEM} ({@code foster-care},
 * {@code agency-supervision}, {@code not-in-care}, {@code unknown}; mappings/ig StructureDefinition-child-care-status).
 * Absent: {@link CareStatus#UNKNOWN}. Twice, or a value that is not one of those codes, is refused naming the element
 * (never its value): a child in care is one whose at-risk signal goes to the agency (42 U.S.C. 671(a)(34)), so the
 * intake must not guess.
 */
final class CareStatusReader {

    static final String EXTENSION = FhirSystems.PROJECT + "StructureDefinition/child-care-status";
    static final String SYSTEM = FhirSystems.PROJECT + "CodeSystem/care-status";

    private CareStatusReader() {
    }

    /** @param path the Patient's FHIRPath in the submission, for a refusal */
    static CareStatus read(Patient patient, String path) {
        List<Extension> extensions = patient.getExtensionsByUrl(EXTENSION);
        if (extensions.isEmpty()) {
            return CareStatus.UNKNOWN;
        }
        String at = path + ".extension[" + patient.getExtension().indexOf(extensions.get(0)) + "]";
        if (extensions.size() > 1) {
            throw Refusals.unprocessable(IssueType.BUSINESSRULE, at, "the child's care status is said more than once: say it once");
        }
        if (extensions.get(0).getValue() instanceof CodeableConcept concept) {
            for (Coding coding : concept.getCoding()) {
                if (SYSTEM.equals(coding.getSystem())) {
                    for (CareStatus status : CareStatus.values()) {
                        if (status.code().equals(coding.getCode())) {
                            return status;
                        }
                    }
                }
            }
        }
        throw Refusals.unprocessable(IssueType.CODEINVALID, at + ".valueCodeableConcept", "the child's care status must be a code of "
                + SYSTEM + ": foster-care, agency-supervision, not-in-care or unknown");
    }
}

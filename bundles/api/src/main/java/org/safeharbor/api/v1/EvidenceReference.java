package org.safeharbor.api.v1;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A pointer back to the original record that supports an allegation, e.g. the FHIR
 * {@code Condition/123} with code {@code http://hl7.org/fhir/sid/icd-10-cm|T76.52XA}.
 *
 * @param reference  the original resource, e.g. {@code Condition/123}
 * @param codeSystem the system of the code that triggered the mapping
 * @param code       that code
 */
@ProviderType
public record EvidenceReference(String reference, String codeSystem, String code) {
}

package org.safeharbor.fhir;

import java.util.Set;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * The requests anyone may make without a token: the CapabilityStatement ({@code GET /fhir/metadata}), a read of the
 * FHIR package's conformance resources (StructureDefinition, ValueSet, CodeSystem, ConceptMap, Questionnaire) and the
 * terminology operations on them ({@code ValueSet/$validate-code}, {@code ConceptMap/$translate}). They hold no
 * personal data: they are what a hospital's EHR vendor builds and tests against (docs/ehr-vendors.md), so they are not
 * audited or rate-limited, and the package's resources are not labelled confidential either.
 */
final class PublicConformance {

    /** The resource types of the package a caller may read without a token. */
    static final Set<String> TYPES = Set.of("StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "Questionnaire");

    static final String VALIDATE_CODE = "$validate-code";
    static final String TRANSLATE = "$translate";

    private PublicConformance() {
    }

    /** The FHIR package's own resources and the terminology operations on them (not the CapabilityStatement). */
    static boolean isPackage(RequestDetails request) {
        return isPublic(request) && request.getRestOperationType() != RestOperationTypeEnum.METADATA;
    }

    static boolean isPublic(RequestDetails request) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (operation == null) {
            return false;
        }
        String type = request.getResourceName();
        return switch (operation) {
            case METADATA -> true;
            case READ, VREAD -> TYPES.contains(type);
            case EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_INSTANCE ->
                    "ValueSet".equals(type) && VALIDATE_CODE.equals(request.getOperation())
                            || "ConceptMap".equals(type) && TRANSLATE.equals(request.getOperation());
            default -> false;
        };
    }
}

package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Each packaged resource is valid against the base FHIR R4 specification. */
class FhirValidationTest {

    static final List<String> FILES = MappingResources.FILE_NAMES;

    @ParameterizedTest
    @FieldSource("FILES")
    void resourceIsValidR4(String fileName) {
        ValidationResult result = FhirValidation.validate(FhirResources.text(fileName));
        List<SingleValidationMessage> errors = FhirValidation.errors(result);
        assertTrue(errors.isEmpty(), () -> fileName + " has validation errors:\n" + FhirValidation.format(errors)
                + "\n(all messages:\n" + FhirValidation.format(result.getMessages()) + ")");
    }

    /** The same for the terminology each state bundle brings (its CodeSystem, its ConceptMap from the shared code). */
    @ParameterizedTest
    @MethodSource("org.safeharbor.mappings.FhirResources#stateFiles")
    void stateBundlesTerminologyIsValidR4(Path file) {
        ValidationResult result = FhirValidation.validate(FhirResources.text(file));
        List<SingleValidationMessage> errors = FhirValidation.errors(result);
        assertTrue(errors.isEmpty(), () -> file + " has validation errors:\n" + FhirValidation.format(errors));
    }

    /** Guards the test above against a validator that passes everything: a wrong target code must be an error. */
    @Test
    void validatorRejectsATargetCodeOutsideOurCodeSystem() {
        assertErrorMentioning(MappingResources.CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION,
                "\"code\": \"sex-trafficking\"", "\"code\": \"no-such-code\"", "no-such-code");
    }

    /** The same guard for the new maps: their targets are checked against ht-allegation too. */
    @Test
    void validatorRejectsASnomedMapTargetOutsideOurCodeSystem() {
        assertErrorMentioning(MappingResources.CONCEPT_MAP_SNOMED_TO_HT_ALLEGATION,
                "\"code\": \"sex-trafficking\"", "\"code\": \"no-such-type\"", "no-such-type");
    }

    /** The screening CodeSystem is loaded: a Questionnaire answer option outside it must be an error. */
    @Test
    void validatorRejectsAnAnswerOptionOutsideTheScreeningCodeSystem() {
        assertErrorMentioning(MappingResources.QUESTIONNAIRE_CSE_IT,
                "\"code\": \"cse-it-clear-concern\"", "\"code\": \"cse-it-no-such-level\"", "cse-it-no-such-level");
    }

    private static void assertErrorMentioning(String fileName, String from, String to, String expected) {
        String original = FhirResources.text(fileName);
        String broken = original.replaceFirst(from, to);
        assertFalse(broken.equals(original), "the test must really change " + fileName);
        ValidationResult result = FhirValidation.validate(broken);
        assertTrue(result.getMessages().stream().anyMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                        && m.getMessage().contains(expected)),
                () -> "expected an error for " + expected + " in " + fileName + ":\n"
                        + FhirValidation.format(result.getMessages()));
    }
}

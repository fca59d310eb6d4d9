package org.safeharbor.mappings;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Each packaged resource is valid against the base FHIR R4 specification. */
class FhirValidationTest {

    static final List<String> FILES = MappingResources.FILE_NAMES;

    private static FhirValidator validator;

    @BeforeAll
    static void buildValidator() {
        FhirContext ctx = FhirResources.CTX;
        // Our own CodeSystem, so that ConceptMap target codes can be checked; ICD-10-CM is not available offline
        // and only yields warnings.
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(ctx);
        ours.addCodeSystem(FhirResources.codeSystem());
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                ours);
        validator = ctx.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
    }

    @ParameterizedTest
    @FieldSource("FILES")
    void resourceIsValidR4(String fileName) {
        ValidationResult result = validator.validateWithResult(FhirResources.text(fileName));
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
        assertTrue(errors.isEmpty(), () -> fileName + " has validation errors:\n" + format(errors)
                + "\n(all messages:\n" + format(result.getMessages()) + ")");
    }

    /** Guards the test above against a validator that passes everything: a wrong target code must be an error. */
    @Test
    void validatorRejectsATargetCodeOutsideOurCodeSystem() {
        String broken = FhirResources.text(MappingResources.CONCEPT_MAP_ICD10CM_TO_HT_ALLEGATION)
                .replaceFirst("\"code\": \"sex-trafficking\"", "\"code\": \"no-such-code\"");
        ValidationResult result = validator.validateWithResult(broken);
        assertTrue(result.getMessages().stream().anyMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                        && m.getMessage().contains("no-such-code")),
                () -> "expected an error for no-such-code:\n" + format(result.getMessages()));
    }

    private static String format(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> "  " + m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
                .collect(Collectors.joining("\n"));
    }
}

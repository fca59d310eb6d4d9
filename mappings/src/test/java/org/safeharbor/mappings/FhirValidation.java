package org.safeharbor.mappings;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Questionnaire;

/**
 * Test helper: one HAPI validator for the packaged resources and the sample submissions, checking against base
 * FHIR R4 plus our own terminology.
 */
final class FhirValidation {

    private static FhirValidator validator;

    private FhirValidation() {
    }

    /**
     * The validator, built once. Our CodeSystems are pre-populated so that codes from them (ConceptMap targets,
     * Questionnaire answer options, sample codings) are checked; our Questionnaires are served so that a
     * QuestionnaireResponse is checked against its Questionnaire. ICD-10-CM and SNOMED CT are not available
     * offline and only yield warnings.
     */
    static synchronized FhirValidator validator() {
        if (validator == null) {
            FhirContext ctx = FhirResources.CTX;
            PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(ctx);
            for (String file : FhirResources.filesOfType("CodeSystem")) {
                ours.addCodeSystem(FhirResources.parse(CodeSystem.class, file));
            }
            // the states' own code systems, so that their ConceptMaps' targets are checked too
            FhirResources.stateResources(CodeSystem.class).forEach(ours::addCodeSystem);
            ValidationSupportChain chain = new ValidationSupportChain(
                    new DefaultProfileValidationSupport(ctx),
                    new InMemoryTerminologyServerValidationSupport(ctx),
                    new CommonCodeSystemsTerminologyService(ctx),
                    ours,
                    new QuestionnaireSupport(ctx));
            validator = ctx.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return validator;
    }

    static ValidationResult validate(String json) {
        return validator().validateWithResult(json);
    }

    static List<SingleValidationMessage> errors(ValidationResult result) {
        return result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
    }

    static String format(List<SingleValidationMessage> messages) {
        return messages.stream()
                .map(m -> "  " + m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
                .collect(Collectors.joining("\n"));
    }

    /** Serves our Questionnaires by canonical URL (PrePopulatedValidationSupport holds conformance resources only). */
    static final class QuestionnaireSupport implements IValidationSupport {

        private final FhirContext ctx;
        private final Map<String, Questionnaire> byUrl;

        QuestionnaireSupport(FhirContext ctx) {
            this(ctx, FhirResources.filesOfType("Questionnaire").stream()
                    .map(f -> FhirResources.parse(Questionnaire.class, f))
                    .collect(Collectors.toMap(Questionnaire::getUrl, q -> q)));
        }

        QuestionnaireSupport(FhirContext ctx, Map<String, Questionnaire> byUrl) {
            this.ctx = ctx;
            this.byUrl = byUrl;
        }

        @Override
        public FhirContext getFhirContext() {
            return ctx;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends IBaseResource> T fetchResource(Class<T> type, String uri) {
            if (uri == null || (type != null && !type.isAssignableFrom(Questionnaire.class))) {
                return null;
            }
            Questionnaire q = byUrl.get(uri.split("\\|")[0]);
            return q == null ? null : (T) q;
        }

        @Override
        public String getName() {
            return "SafeHarbor Questionnaires";
        }
    }
}

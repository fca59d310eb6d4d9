package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Set;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.mappings.MappingResources;

/** The Task speaks only codes the project publishes. */
class TaskViewTest {

    private static final Set<String> PUBLISHED = published();

    private static Set<String> published() {
        try (InputStream in = MappingResources.class.getClassLoader()
                .getResourceAsStream(MappingResources.CLASSPATH_PREFIX + MappingResources.CODE_SYSTEM_DELIVERY_STATUS)) {
            CodeSystem codes = FhirContext.forR4Cached().newJsonParser().parseResource(CodeSystem.class, in);
            return codes.getConcept().stream().map(CodeSystem.ConceptDefinitionComponent::getCode).collect(Collectors.toSet());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(DeliveryStatus.class)
    void everyDeliveryStatusIsACodeOfTheDeliveryStatusCodeSystem(DeliveryStatus status) {
        assertTrue(PUBLISHED.contains(TaskView.code(status)), TaskView.code(status) + " is not defined in "
                + MappingResources.DELIVERY_STATUS_URL + ": " + PUBLISHED);
    }
}

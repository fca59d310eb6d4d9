package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Set;
import java.util.stream.Collectors;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;
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

    /** A state's free text reaches the hospital only bounded and without control or direction-changing characters. */
    @Test
    void aStatesReasonIsShownBoundedAndWithoutControlOrFormatCharacters() {
        String hostile = "screened out\u202E\u2066 by\r\nlaw\u0000 enforcement\u200B " + "x".repeat(1_000);
        org.safeharbor.api.v1.Referral referral = new SubmissionReader(AllegationMaps.load(FhirContext.forR4Cached()),
                java.time.Clock.fixed(java.time.Instant.parse("2026-11-21T12:00:00Z"), java.time.ZoneOffset.UTC))
                .read(Samples.bundle("t76-52xa-suspected.json"), true, new byte[0]).referral();
        org.safeharbor.store.StoredReferral stored = new org.safeharbor.store.StoredReferral(referral, "client|sender|id", true,
                java.util.List.of(new org.safeharbor.store.Delivery(org.safeharbor.api.v1.Jurisdiction.of("US-IL"), DeliveryStatus.REJECTED,
                        "IL-2026-000001\u202E" + "9".repeat(100), hostile, java.time.Instant.parse("2026-11-22T08:00:00Z"))));
        org.hl7.fhir.r4.model.Task task = TaskView.of(stored, java.util.List.of());
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(task);
        String shown = task.getOutput().stream().filter(o -> o.getValue() instanceof org.hl7.fhir.r4.model.CodeableConcept)
                .map(o -> ((org.hl7.fhir.r4.model.CodeableConcept) o.getValue()).getText()).findFirst().orElseThrow();

        assertTrue(shown.startsWith("US-IL: rejected (screened out by law enforcement x"), shown);
        assertTrue(shown.length() <= "US-IL: rejected ()".length() + TaskView.MAX_REASON, shown.length() + ": " + shown);
        assertTrue(shown.endsWith("\u2026)"), "a cut reason says so: " + shown);
        for (String invisible : new String[] {"\u202E", "\u2066", "\u200B", "\\u0000", "\\r", "\\n"}) {
            assertFalse(json.contains(invisible), "no " + invisible + " in the Task: " + json);
        }
        assertEquals(TaskView.MAX_INTAKE_NUMBER, task.getOutput().stream().filter(o -> o.getValue() instanceof org.hl7.fhir.r4.model.Identifier)
                .map(o -> ((org.hl7.fhir.r4.model.Identifier) o.getValue()).getValue()).findFirst().orElseThrow().length());
    }
}

package org.safeharbor.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The intake's check against the FHIR package (mappings/ig): every sample conforms; each invalid variant is refused naming
 * the element (FHIRPath) and the profile's rule, and never quoting what was sent.
 */
class ProfileValidationTest {

    private static final ProfileValidation PROFILES = ProfileValidation.shared();
    private static final String MARKER = IntakeFuzzTest.MARKER;

    static Stream<String> samples() {
        return Samples.onDisk().stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everySampleConforms(String sample) {
        ProfileValidation.Outcome outcome = PROFILES.check(Samples.fresh(sample));
        assertEquals(List.of(), outcome.errors());
    }

    /** An invalid variant of a sample, the element the refusal must name and words of the profile's rule. */
    record Variant(String name, String sample, Consumer<Bundle> change, String expression, String rule, boolean structure) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("missing birth date", "t76-52xa-suspected.json", b -> first(b, Patient.class).setBirthDateElement(null),
                        "Bundle.entry[2].resource.birthDate", "Patient.birthDate is required (at least 1) by profile Child", false),
                new Variant("another event", "t76-52xa-suspected.json",
                        b -> first(b, MessageHeader.class).setEvent(new Coding("urn:" + MARKER, MARKER, MARKER)),
                        "Bundle.entry[0].resource.event.ofType(Coding)",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/message-events", false),
                new Variant("a code outside the value set", "t76-52xa-suspected.json",
                        b -> first(b, Condition.class).setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "S52.501A", MARKER))),
                        "Bundle.entry[1].resource.code.coding[0].code",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/trafficking-findings", false),
                new Variant("a code of an unknown system", "t76-52xa-suspected.json",
                        b -> first(b, Condition.class).setCode(new CodeableConcept(new Coding("urn:" + MARKER, MARKER, null))),
                        "Bundle.entry[1].resource.code.coding[0].system",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/trafficking-findings", false),
                new Variant("a coding without a system", "t76-52xa-suspected.json",
                        b -> first(b, Condition.class).setCode(new CodeableConcept(new Coding(null, "T76.52XA", MARKER))),
                        "Bundle.entry[1].resource.code.coding[0].system", "shb-rep-1", false),
                new Variant("a QuestionnaireResponse without its questionnaire", "cse-it-positive.json",
                        b -> first(b, QuestionnaireResponse.class).setQuestionnaire(null),
                        "Bundle.entry[1].resource.questionnaire",
                        "QuestionnaireResponse.questionnaire is required (at least 1) by profile ScreeningResponse", false),
                new Variant("an answer the Questionnaire does not offer", "cse-it-positive.json",
                        b -> first(b, QuestionnaireResponse.class).getItemFirstRep().getAnswerFirstRep().getValueCoding().setCode(MARKER),
                        "Bundle.entry[1].resource.item[0].answer[0]", "not one of the item's answer options", false),
                new Variant("a Flag of another category", "flag-only.json",
                        b -> first(b, Flag.class).getCategoryFirstRep().getCodingFirstRep().setCode("clinical"),
                        "Bundle.entry[1].resource.category[0].coding[0].code",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/flag-safety", false),
                new Variant("an inactive Flag", "flag-only.json", b -> first(b, Flag.class).setStatus(Flag.FlagStatus.INACTIVE),
                        "Bundle.entry[1].resource.status", "constraint shb-flag-1 failed: Only an active Flag is read", false),
                new Variant("a message whose first entry is not its MessageHeader", "t76-52xa-suspected.json",
                        b -> b.getEntry().add(b.getEntry().remove(0)), "Bundle.entry[0].resource", "constraint bdl-12 failed", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void eachInvalidVariantIsRefusedWithTheProfilesRule(Variant variant) {
        Bundle bundle = Samples.fresh(variant.sample());
        variant.change().accept(bundle);
        BaseServerResponseException refusal = assertThrows(BaseServerResponseException.class, () -> PROFILES.check(bundle));
        assertEquals(variant.structure() ? InvalidRequestException.class : UnprocessableEntityException.class, refusal.getClass());
        OperationOutcome outcome = (OperationOutcome) refusal.getOperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent first = outcome.getIssueFirstRep();
        assertEquals(OperationOutcome.IssueSeverity.ERROR, first.getSeverity());
        assertEquals(variant.expression(), first.getExpression().get(0).getValue(), first.getDiagnostics());
        assertTrue(first.getDiagnostics().contains(variant.rule()), first.getDiagnostics());

        String everything = Samples.FHIR.newJsonParser().encodeResourceToString(outcome) + refusal.getMessage();
        assertFalse(everything.contains(MARKER), "the refusal quotes the submission: " + everything);
        for (Resource r : bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList()) {
            assertFalse(everything.contains(r.getIdElement().getIdPart()), "the refusal names a resource id: " + everything);
        }
    }

    /** What the intake does not read beside a finding: accepted with a warning naming the element, never refused whole. */
    record NotRead(String name, String sample, Consumer<Bundle> change, String expression, String rule) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<NotRead> notRead() {
        return Stream.of(
                new NotRead("an unrelated diagnosis", "t76-52xa-suspected.json", b -> add(b, new Condition().setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "J45.909", MARKER)))),
                        "Bundle.entry[7].resource.code.coding[0].code",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/trafficking-findings"),
                new NotRead("a diagnosis of an unknown system", "t76-52xa-suspected.json", b -> add(b, new Condition().setCode(new CodeableConcept(new Coding("urn:" + MARKER, MARKER, MARKER)))),
                        "Bundle.entry[7].resource.code.coding[0].system",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/trafficking-findings"),
                new NotRead("a Flag of another category", "t76-52xa-suspected.json", b -> add(b, new Flag().setStatus(Flag.FlagStatus.ACTIVE).addCategory(new CodeableConcept(
                                new Coding("http://terminology.hl7.org/CodeSystem/flag-category", "admin", null)))
                                .setCode(new CodeableConcept().setText(MARKER))),
                        "Bundle.entry[7].resource.category[0].coding[0].code",
                        "not in the value set https://fhir.safeharbor-bridge.org/ValueSet/flag-safety"),
                new NotRead("an inactive safety Flag", "t76-52xa-suspected.json", b -> add(b, new Flag().setStatus(Flag.FlagStatus.INACTIVE).addCategory(new CodeableConcept(
                                new Coding("http://terminology.hl7.org/CodeSystem/flag-category", "safety", null)))
                                .setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "T76.52XA", null)))),
                        "Bundle.entry[7].resource.status", "constraint shb-flag-1 failed"),
                new NotRead("a vital sign", "t76-52xa-suspected.json", b -> add(b, new org.hl7.fhir.r4.model.Observation().setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.FINAL)
                                .setCode(new CodeableConcept(new Coding("http://loinc.org", "8310-5", null)))
                                .setValue(new org.hl7.fhir.r4.model.Quantity(37.2))),
                        "Bundle.entry[7].resource", "constraint shb-obs-1 failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notRead")
    void besideAFindingWhatIsNotReadIsAWarningNotARefusal(NotRead variant) {
        Bundle bundle = Samples.fresh(variant.sample());
        variant.change().accept(bundle);
        ProfileValidation.Outcome outcome = PROFILES.check(bundle);
        assertEquals(List.of(), outcome.errors());
        ProfileValidation.Issue warning = outcome.warnings().stream().filter(w -> w.expression().equals(variant.expression()))
                .findFirst().orElseThrow(() -> new AssertionError(variant.expression() + " in " + outcome.warnings()));
        assertTrue(warning.rule().contains(variant.rule()), warning.rule());
        assertFalse(outcome.warnings().toString().contains(MARKER), "a warning quotes the submission: " + outcome.warnings());
    }

    @Test
    void aValueHapiWouldQuoteIsNotQuoted() {
        Bundle bundle = Samples.fresh("t76-52xa-failure-to-protect-illinois.json");
        first(bundle, Condition.class).getExtension().get(0).setValue(new CodeableConcept(
                new Coding("http://hl7.org/fhir/sid/icd-10-cm", "Y07." + MARKER, MARKER)));
        first(bundle, Patient.class).getAddressFirstRep().setState(null).setCity(MARKER);
        BaseServerResponseException refusal = assertThrows(BaseServerResponseException.class, () -> PROFILES.check(bundle));
        OperationOutcome outcome = (OperationOutcome) refusal.getOperationOutcome();
        assertEquals(2, outcome.getIssue().size(), Samples.FHIR.newJsonParser().encodeResourceToString(outcome));
        String everything = Samples.FHIR.newJsonParser().encodeResourceToString(outcome) + refusal.getMessage();
        assertFalse(everything.contains(MARKER), everything);
        assertTrue(everything.contains("https://fhir.safeharbor-bridge.org/ValueSet/failure-to-protect-relations"), everything);
        assertTrue(everything.contains("Bundle.entry[2].resource.address[0].state"), everything);
    }

    /** Adds a resource about the sample's child (its subject, as FHIR R4 requires of a Condition, Flag, Observation). */
    private static void add(Bundle bundle, Resource resource) {
        String child = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow().getFullUrl();
        org.hl7.fhir.r4.model.Reference subject = new org.hl7.fhir.r4.model.Reference(child);
        if (resource instanceof Condition c) {
            c.setSubject(subject);
        } else if (resource instanceof Flag f) {
            f.setSubject(subject);
        } else if (resource instanceof org.hl7.fhir.r4.model.Observation o) {
            o.setSubject(subject);
        }
        bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(resource);
    }

    private static <T extends Resource> T first(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast)
                .findFirst().orElseThrow();
    }
}

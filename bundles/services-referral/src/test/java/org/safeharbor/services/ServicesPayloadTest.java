package org.safeharbor.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Referral;

/** Minimum necessary: what a provider receives is the documented field list, and the SDOH IG's shape. */
class ServicesPayloadTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final Provider PROVIDER = TestReferrals.provider("youth", "https://provider.example/fhir", new Provider.Auth("", "", "", "", ""));

    /** Every populated element of every resource of a payload, by path (e.g. {@code Patient.name.family}). */
    public static Set<String> elements(String payload) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, payload);
        Set<String> paths = new TreeSet<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            walk(entry.getResource().fhirType(), entry.getResource(), paths);
        }
        return paths;
    }

    private static void walk(String path, Base base, Set<String> paths) {
        if (base.isPrimitive()) {
            paths.add(path);
        }
        for (Property property : base.children()) {
            for (Base value : property.getValues()) {
                walk(path + "." + property.getName(), value, paths);
            }
        }
    }

    @Test
    void onlyTheListedElementsLeaveAndNoAddressAllegationDetailOrReporter() {
        Referral referral = TestReferrals.referral("r-1", LocalDate.of(2010, 3, 4), AllegationType.SURVIVAL_SEX, Certainty.CONFIRMED, true,
                TestReferrals.NOW);
        String payload = new ServicesPayload(FHIR).write(referral, PROVIDER, TestReferrals.NOW);

        Set<String> sent = elements(payload);
        assertTrue(ServicesPayload.ELEMENTS.containsAll(sent), "not in the documented list: " + new TreeSet<>(sent) {{
            removeAll(ServicesPayload.ELEMENTS);
        }});
        for (String secret : new String[] {"Secret Lane", "78701", "Austin\"", "Nurse", "512-555-0100", "T74.52", "survival-sex", "confirmed",
                "2 Main St"}) {
            assertFalse(payload.contains(secret), "the payload must not carry " + secret);
        }
        assertTrue(payload.contains("\"Doe\"") && payload.contains("2010-03-04") && payload.contains("Austin General"));
    }

    @Test
    void theTaskAsksTheProviderToFulfilTheServiceRequestAndIsCreatedOnce() {
        Referral referral = TestReferrals.referral("r-2", LocalDate.of(2010, 3, 4), AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED, true,
                TestReferrals.NOW);
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, new ServicesPayload(FHIR).write(referral, PROVIDER, TestReferrals.NOW));
        assertEquals(Bundle.BundleType.TRANSACTION, bundle.getType());
        Bundle.BundleEntryComponent taskEntry = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Task).findFirst().orElseThrow();
        Task task = (Task) taskEntry.getResource();
        String request = bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals("ServiceRequest")).findFirst().orElseThrow()
                .getFullUrl();
        assertEquals(request, task.getFocus().getReference());
        assertEquals("Organization/youth-services", task.getOwner().getReference());
        assertEquals(Task.TaskStatus.REQUESTED, task.getStatus());
        assertEquals("fulfill", task.getCode().getCodingFirstRep().getCode());
        assertEquals("identifier=" + ServicesPayload.IDENTIFIER_SYSTEM + "|r-2-youth", taskEntry.getRequest().getIfNoneExist());
        Resource serviceRequest = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r.fhirType().equals("ServiceRequest")).findFirst().orElseThrow();
        assertTrue(FHIR.newJsonParser().encodeResourceToString(serviceRequest).contains("\"labor-trafficking\""));
    }
}

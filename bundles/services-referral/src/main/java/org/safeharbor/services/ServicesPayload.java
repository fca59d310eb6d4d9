package org.safeharbor.services;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Referral;

/**
 * What a services provider receives: one FHIR R4 transaction Bundle holding the referral of the HL7 SDOH Clinical
 * Care IG (a {@code ServiceRequest} and a {@code Task} whose {@code focus} is that ServiceRequest and whose
 * {@code owner} is the provider), with the person it is about and the referring hospital. The Task is created only
 * if none with the same identifier exists ({@code ifNoneExist}): a resend after a lost answer makes no second one.
 *
 * <p>MINIMUM NECESSARY: only {@link #FIELDS} leave the adapter. No allegation detail (type form, certainty,
 * perpetrator, evidence), no address, no reporter, no screening, no state or state intake number: the provider learns
 * that a hospital refers this person in a category it serves, and whom to contact (the hospital).
 */
public final class ServicesPayload {

    /** The referral's fields a provider receives, as the audit trail names them. */
    public static final List<String> FIELDS = List.of("referral.id", "child.name", "child.birthDate", "child.sex",
            "services.category", "placeOfCare.name", "placeOfCare.identifier", "receivedAt");
    /** The FHIR elements of the payload, one per line of {@link #FIELDS} and the IG's fixed structure (tested). */
    public static final Set<String> ELEMENTS = Set.of(
            // each resource's id is its entry's fullUrl, a random urn:uuid (a parser gives it to the resource)
            "Patient.id", "Organization.id", "ServiceRequest.id", "Task.id",
            "Patient.name.family", "Patient.name.given", "Patient.birthDate", "Patient.gender",
            "Organization.name", "Organization.identifier.system", "Organization.identifier.value",
            "ServiceRequest.identifier.system", "ServiceRequest.identifier.value", "ServiceRequest.status", "ServiceRequest.intent",
            "ServiceRequest.category.coding.system", "ServiceRequest.category.coding.code", "ServiceRequest.category.coding.display",
            "ServiceRequest.code.text", "ServiceRequest.subject.reference", "ServiceRequest.requester.reference",
            "ServiceRequest.authoredOn", "ServiceRequest.performer.reference", "ServiceRequest.performer.display",
            "Task.identifier.system", "Task.identifier.value", "Task.status", "Task.intent", "Task.code.coding.system",
            "Task.code.coding.code", "Task.focus.reference", "Task.for.reference", "Task.authoredOn",
            "Task.requester.reference", "Task.owner.reference", "Task.owner.display");

    /** The project's systems: the services referral's identifier and its categories. */
    public static final String IDENTIFIER_SYSTEM = "https://fhir.safeharbor-bridge.org/NamingSystem/services-referral";
    public static final String CATEGORY_SYSTEM = "https://fhir.safeharbor-bridge.org/CodeSystem/services-referral";
    /** FHIR's task-code: the Task asks its owner to fulfill its focus. */
    static final String TASK_CODE = "http://hl7.org/fhir/CodeSystem/task-code";
    /** The NPI's system, for a hospital identifier that is one (ten digits). */
    static final String NPI = "http://hl7.org/fhir/sid/us-npi";

    private final FhirContext fhir;

    public ServicesPayload(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The identifier value of the services referral of {@code referral} to {@code provider}: the Task's and the ServiceRequest's. */
    static String identifier(Referral referral, Provider provider) {
        return referral.id().value() + "-" + provider.name();
    }

    /** The transaction Bundle, as JSON, for this referral to this provider; {@code now} is the ServiceRequest's authoredOn. */
    public String write(Referral referral, Provider provider, Instant now) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String id = identifier(referral, provider);

        Child child = referral.child();
        Patient patient = new Patient();
        if (child.name() != null) {
            HumanName name = patient.addName().setFamily(child.name().family());
            child.name().given().forEach(name::addGiven);
        }
        patient.setBirthDateElement(new DateType(child.birthDate().toString()));
        patient.setGender(switch (child.sex()) {
            case FEMALE -> AdministrativeGender.FEMALE;
            case MALE -> AdministrativeGender.MALE;
            default -> AdministrativeGender.UNKNOWN;
        });
        String patientUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");

        String hospitalUrl = null;
        if (referral.placeOfCare() != null && (referral.placeOfCare().name() != null || referral.placeOfCare().identifier() != null)) {
            Organization hospital = new Organization().setName(referral.placeOfCare().name());
            String npi = referral.placeOfCare().identifier();
            if (npi != null) {
                hospital.addIdentifier().setSystem(npi.matches("\\d{10}") ? NPI : "urn:safeharbor:place-of-care").setValue(npi);
            }
            hospitalUrl = "urn:uuid:" + java.util.UUID.randomUUID();
            bundle.addEntry().setFullUrl(hospitalUrl).setResource(hospital).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Organization");
        }

        ServiceRequest request = new ServiceRequest();
        request.addIdentifier(new Identifier().setSystem(IDENTIFIER_SYSTEM).setValue(id));
        request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        for (String category : Provider.categoriesOf(referral)) {
            request.addCategory(new CodeableConcept(new Coding(CATEGORY_SYSTEM, category, display(category))));
        }
        request.setCode(new CodeableConcept().setText("Referral to services for a youth who is a victim of, or at risk of, human trafficking"));
        request.setSubject(new Reference(patientUrl));
        if (hospitalUrl != null) {
            request.setRequester(new Reference(hospitalUrl));
        }
        request.setAuthoredOn(Date.from(now));
        request.addPerformer(owner(provider));
        String requestUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        bundle.addEntry().setFullUrl(requestUrl).setResource(request).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");

        Task task = new Task();
        task.addIdentifier(new Identifier().setSystem(IDENTIFIER_SYSTEM).setValue(id));
        task.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept(new Coding(TASK_CODE, "fulfill", null)));
        task.setFocus(new Reference(requestUrl));
        task.setFor(new Reference(patientUrl));
        task.setAuthoredOn(Date.from(now));
        if (hospitalUrl != null) {
            task.setRequester(new Reference(hospitalUrl));
        }
        task.setOwner(owner(provider));
        bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(task).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Task").setIfNoneExist("identifier=" + IDENTIFIER_SYSTEM + "|" + id);
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static Reference owner(Provider provider) {
        Reference owner = new Reference();
        if (provider.owner() != null && !provider.owner().isBlank()) {
            owner.setReference(provider.owner().trim());
        }
        return owner.setDisplay(provider.ownerDisplay() == null || provider.ownerDisplay().isBlank() ? provider.name() : provider.ownerDisplay());
    }

    static String display(String category) {
        return switch (category) {
            case "sex-trafficking" -> "Victim of, or suspected victim of, sex trafficking";
            case "labor-trafficking" -> "Victim of, or suspected victim of, labor trafficking";
            default -> "At risk of human trafficking";
        };
    }
}

package org.safeharbor.fhir;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Small submission Bundles built in code: a MessageHeader, a 14-year-old Patient living in Illinois and the
 * Illinois hospital that sent it, plus whatever findings a test adds. Entries are {@code urn:uuid} as hospitals send.
 */
final class TestBundles {

    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String SNOMED = "http://snomed.info/sct";
    static final String SCREENING = "https://fhir.safeharbor-bridge.org/CodeSystem/screening";
    static final String VER_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    static final String FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category";
    static final String SENDER_ENDPOINT = "https://ehr.test.example.org/fhir";

    final MessageHeader header = new MessageHeader();
    final Patient patient = new Patient();
    final Organization hospital = new Organization();
    private final List<Resource> resources = new ArrayList<>();
    private boolean withHeader = true;
    private BundleType type = BundleType.MESSAGE;
    private String messageId = "TEST-" + UUID.randomUUID();

    private TestBundles() {
        id(header);
        header.setEvent(new Coding(FhirSystems.MESSAGE_EVENT, FhirSystems.SCREENING_REPORT_EVENT, null));
        header.getSource().setEndpoint(SENDER_ENDPOINT);
        header.setSender(ref(hospital));

        patient.setBirthDateElement(new DateType("2012-05-01"));
        patient.setGender(AdministrativeGender.FEMALE);
        patient.addName().setFamily("Testchild").addGiven("Robin");
        patient.addAddress(address("IL", Address.AddressUse.HOME));
        add(patient);

        hospital.setName("Test Children's Hospital");
        hospital.addIdentifier().setSystem("http://hl7.org/fhir/sid/us-npi").setValue("9990000999");
        hospital.addAddress(address("IL", Address.AddressUse.WORK));
        add(hospital);
    }

    /** A message Bundle with a Patient and a hospital, and no finding yet. */
    static TestBundles message() {
        return new TestBundles();
    }

    static Address address(String state, Address.AddressUse use) {
        return new Address().setUse(use).addLine("1 Test Street").setCity("Testville").setState(state)
                .setPostalCode("00000").setCountry("US");
    }

    static <R extends Resource> R id(R resource) {
        if (!resource.hasIdElement() || !resource.getIdElement().hasIdPart()) {
            resource.setId(UUID.randomUUID().toString());
        }
        return resource;
    }

    static Reference ref(Resource resource) {
        return new Reference("urn:uuid:" + id(resource).getIdElement().getIdPart());
    }

    TestBundles add(Resource resource) {
        resources.add(id(resource));
        return this;
    }

    TestBundles withoutHeader() {
        withHeader = false;
        return this;
    }

    TestBundles type(BundleType type) {
        this.type = type;
        return this;
    }

    TestBundles messageId(String id) {
        this.messageId = id;
        return this;
    }

    Bundle build() {
        Bundle bundle = new Bundle().setType(type);
        if (messageId != null) {
            bundle.getIdentifier().setSystem(SENDER_ENDPOINT + "/message-id").setValue(messageId);
        }
        if (withHeader) {
            entry(bundle, header);
        }
        resources.forEach(r -> entry(bundle, r));
        return bundle;
    }

    private static void entry(Bundle bundle, Resource resource) {
        bundle.addEntry().setFullUrl("urn:uuid:" + resource.getIdElement().getIdPart()).setResource(resource);
    }

    // ------------------------------------------------------------------ findings

    Condition condition(String icd10, String verificationStatus) {
        return condition(new CodeableConcept(new Coding(ICD10CM, icd10, null)), verificationStatus);
    }

    Condition condition(CodeableConcept code, String verificationStatus) {
        Condition condition = new Condition().setCode(code).setSubject(ref(patient));
        if (verificationStatus != null) {
            condition.setVerificationStatus(new CodeableConcept(new Coding(VER_STATUS, verificationStatus, null)));
        }
        add(condition);
        return condition;
    }

    Flag flag(String system, String code, String category, Flag.FlagStatus status) {
        Flag flag = new Flag().setStatus(status).setCode(new CodeableConcept(new Coding(system, code, null)))
                .setSubject(ref(patient));
        flag.addCategory(new CodeableConcept(new Coding(FLAG_CATEGORY, category, null)));
        add(flag);
        return flag;
    }

    Observation screeningResult(String instrument, String result, Observation.ObservationStatus status) {
        Observation observation = new Observation().setStatus(status)
                .setCode(new CodeableConcept(new Coding(SCREENING, instrument, null)))
                .setValue(new CodeableConcept(new Coding(SCREENING, result, null))).setSubject(ref(patient));
        add(observation);
        return observation;
    }

    /** SSCST answers to items 1..6, in order. */
    QuestionnaireResponse sscst(boolean... answers) {
        QuestionnaireResponse response = new QuestionnaireResponse()
                .setQuestionnaire(FhirSystems.SSCST_QUESTIONNAIRE)
                .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED).setSubject(ref(patient));
        for (int i = 0; i < answers.length; i++) {
            response.addItem().setLinkId(String.valueOf(i + 1)).addAnswer().setValue(new BooleanType(answers[i]));
        }
        add(response);
        return response;
    }

    QuestionnaireResponse cseIt(String levelOfConcern) {
        QuestionnaireResponse response = new QuestionnaireResponse()
                .setQuestionnaire(FhirSystems.CSE_IT_QUESTIONNAIRE)
                .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED).setSubject(ref(patient));
        response.addItem().setLinkId("level-of-concern").addAnswer().setValue(new Coding(SCREENING, levelOfConcern, null));
        add(response);
        return response;
    }

    /** An Encounter at the given Location, provided by the given Organization (either may be null). */
    Encounter encounter(Location location, Organization serviceProvider) {
        Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED).setSubject(ref(patient));
        if (location != null) {
            encounter.addLocation().setLocation(ref(location));
            add(location);
        }
        if (serviceProvider != null) {
            encounter.setServiceProvider(ref(serviceProvider));
            if (!resources.contains(serviceProvider)) {
                add(serviceProvider);
            }
        }
        add(encounter);
        return encounter;
    }

    static Location location(String state) {
        return new Location().setName("Emergency Department").setAddress(address(state, Address.AddressUse.WORK));
    }

    static Organization organization(String name, String state) {
        Organization organization = new Organization().setName(name);
        if (state != null) {
            organization.addAddress(address(state, Address.AddressUse.WORK));
        }
        return organization;
    }
}

package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import org.apache.karaf.features.FeaturesService;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Services referrals in the packed distribution with the sandbox provider (a HAPI FHIR server over HTTPS on
 * localhost:9449): a hospital's confirmed allegation with the youth's consent (a Consent in the submission) is referred
 * to the sandbox provider and the hospital's Task shows the provider's status; a consented young adult is refused 422 as
 * a report, and the answer says a services referral was recorded instead.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServicesReferralIT {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Inject
    private org.osgi.framework.BundleContext bundleContext;

    @Inject
    private FeaturesService features;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Before
    public void up() throws Exception {
        if (!features.isInstalled(features.getFeature("safeharbor-sandbox"))) {
            features.installFeature("safeharbor-sandbox");
        }
        SafeHarborKaraf.awaitFhir();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
    }

    /** The confirmed-labor sample as a new message, with a Consent to a services referral and the person born on {@code birthDate}. */
    private static String consented(String birthDate) throws Exception {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class,
                Files.readString(Path.of(System.getProperty("safeharbor.samples"), "t74-62xa-confirmed-labor.json")));
        bundle.getIdentifier().setValue("services-it-" + UUID.randomUUID());
        ((MessageHeader) bundle.getEntryFirstRep().getResource()).setId(UUID.randomUUID().toString());
        Bundle.BundleEntryComponent patient = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow();
        if (birthDate != null) {
            ((Patient) patient.getResource()).setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthDate));
        }
        Consent consent = new Consent().setStatus(Consent.ConsentState.ACTIVE)
                .setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)))
                .setPatient(new Reference(patient.getFullUrl()))
                .addPolicy(new Consent.ConsentPolicyComponent().setUri("https://fhir.safeharbor-bridge.org/CodeSystem/services-referral"));
        consent.addCategory(new CodeableConcept(new Coding("https://fhir.safeharbor-bridge.org/CodeSystem/services-referral", "services-referral", null)));
        consent.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(consent);
        return FHIR.newJsonParser().encodeResourceToString(bundle);
    }

    private static HttpResponse<String> submit(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(SafeHarborKaraf.baseUrl() + "/fhir/$process-message"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/fhir+json")
                .header("Authorization", SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return SafeHarborKaraf.http().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    public void aConsentedConfirmedVictimIsReferredToTheSandboxProviderAndTheTaskShowsItsStatus() throws Exception {
        HttpResponse<String> accepted = submit(consented(null));
        assertEquals(accepted.body(), 202, accepted.statusCode());
        String location = accepted.headers().firstValue("Content-Location").orElseThrow();
        String taskId = location.substring(location.lastIndexOf('/') + 1);

        assertEquals("sent (confirmed); the provider's Task: accepted", awaitProvidersStatus(taskId));
    }

    /** What the Task's services-referral output says once the provider's Task is accepted (or after two minutes). */
    private static String awaitProvidersStatus(String taskId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        String shown = null;
        while (System.currentTimeMillis() < deadline) {
            Task task = FHIR.newJsonParser().parseResource(Task.class, SafeHarborKaraf.get("/fhir/Task/" + taskId).body());
            shown = task.getOutput().stream().filter(o -> o.getType().getText().equals("services-referral sandbox"))
                    .map(o -> o.getValue().primitiveValue()).findFirst().orElse(null);
            if (shown != null && shown.contains("the provider's Task: accepted")) {
                break;
            }
            Thread.sleep(1000);
        }
        return shown;
    }

    @Test
    public void aConsentedYoungAdultIsRefusedAsAReportAndReferredToServicesInstead() throws Exception {
        HttpResponse<String> refused = submit(consented(LocalDate.now().minusYears(20).toString()));
        assertEquals(refused.body(), 422, refused.statusCode());
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
        assertEquals(OperationOutcome.IssueSeverity.ERROR, outcome.getIssueFirstRep().getSeverity());
        String information = outcome.getIssue().stream().filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.INFORMATION)
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics).filter(d -> d.contains("services referral"))
                .findFirst().orElseThrow(() -> new AssertionError(refused.body()));
        assertTrue(information, information.contains("for sandbox (services referral "));
        assertFalse(information, information.contains(LocalDate.now().minusYears(20).toString()));

        // no dead end: the refused report's Task follows the services referral to the provider's answer
        String taskId = information.substring(information.indexOf("its status at Task/") + "its status at Task/".length()).replace(")", "");
        assertEquals("sent (young-adult); the provider's Task: accepted", awaitProvidersStatus(taskId));
        Task task = FHIR.newJsonParser().parseResource(Task.class, SafeHarborKaraf.get("/fhir/Task/" + taskId).body());
        assertEquals(Task.TaskStatus.COMPLETED, task.getStatus());
        assertEquals("not-reportable", task.getBusinessStatus().getCodingFirstRep().getCode());
    }
}

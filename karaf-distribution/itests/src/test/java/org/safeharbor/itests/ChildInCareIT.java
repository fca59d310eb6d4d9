package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import org.apache.karaf.features.FeaturesService;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.MessageStore;

/**
 * A child in the state agency's care end to end (issue 15; 42 U.S.C. 671(a)(34), P.L. 113-183): the sample foster
 * child's positive screen, sent by a hospital, reaches the Illinois sandbox's register as a RiskSignal (never an
 * allegation code), and the agency's 24-hour law-enforcement clock is one of the referral's clocks. The same screen of
 * a child not in care reaches no state: a risk signal is not a report.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChildInCareIT {

    private static final String SAMPLE = "child-in-care/foster-child-sscst-positive-illinois.json";
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Inject
    private BundleContext bundleContext;

    @Inject
    private FeaturesService features;

    @Inject
    private MessageStore store;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Before
    public void sandboxOn() throws Exception {
        SafeHarborKaraf.withSandbox(features, bundleContext);
    }

    @Test
    public void aFosterChildsPositiveScreenReachesIllinoisAsASignalWithTheAgencysClock() throws Exception {
        String taskId = submit("foster-care");

        String received = JurisdictionsIT.await(() -> JurisdictionsIT.delivered("US-IL", taskId, null));
        assertTrue(received, received.contains("<RiskSignal>") && received.contains("(a)(34)"));
        assertFalse("a signal, never an allegation: " + received, received.contains("<Allegation>"));

        Collection<ServiceReference<JurisdictionAdapter>> illinois = bundleContext.getServiceReferences(JurisdictionAdapter.class,
                "(" + org.safeharbor.api.v1.Jurisdiction.SERVICE_PROPERTY + "=US-IL)");
        JurisdictionAdapter adapter = bundleContext.getService(illinois.iterator().next());
        List<Deadline> clocks = adapter.deadlinesFor(store.find(new ReferralId(taskId)).orElseThrow().referral());
        Deadline lawEnforcement = clocks.stream().filter(d -> d.rule().id().equals("child-in-care-law-enforcement")).findFirst()
                .orElseThrow(() -> new AssertionError("no law-enforcement clock in " + clocks));
        assertEquals(Duration.ofHours(24), lawEnforcement.rule().length());

        Task task = FHIR.newJsonParser().parseResource(Task.class, SafeHarborKaraf.get("/fhir/Task/" + taskId).body());
        assertTrue(task.getBusinessStatus().getText(), task.getBusinessStatus().getText().startsWith("US-IL: "));
    }

    @Test
    public void theSameScreenOfAChildNotInCareReachesNoState() throws Exception {
        String taskId = submit("not-in-care");
        Task task = FHIR.newJsonParser().parseResource(Task.class, SafeHarborKaraf.get("/fhir/Task/" + taskId).body());
        assertEquals(Task.TaskStatus.COMPLETED, task.getStatus());
        assertEquals("not-sent", task.getBusinessStatus().getCodingFirstRep().getCode());
        Thread.sleep(3000);
        assertTrue(JurisdictionsIT.delivered("US-IL", taskId, null).isEmpty());
    }

    /** The sample as a new submission with the child's care status; the Task id. */
    private static String submit(String careStatus) throws Exception {
        Bundle bundle = SafeHarborKaraf.freshSample(SAMPLE);
        Patient child = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Patient.class::isInstance)
                .map(Patient.class::cast).findFirst().orElseThrow();
        child.getExtensionByUrl("https://fhir.safeharbor-bridge.org/StructureDefinition/child-care-status")
                .setValue(new CodeableConcept(new Coding("https://fhir.safeharbor-bridge.org/CodeSystem/care-status", careStatus, null)));
        return SafeHarborKaraf.submitAsHospital(bundle);
    }
}

package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.CapturingInterceptor;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Task;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.json.v1.ReferralJson;

/**
 * The FHIR intake in the real assembly: HAPI's own generic client submits every sample from
 * bundles/fhir/samples, gets 202 and a Task, reads the Task back, and the canonical referral is
 * found on the durable queue of each jurisdiction it concerns. The jurisdiction bundles are stopped
 * first, so nothing consumes the queues: every actionable referral is on hold and waits there.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IntakeIT {

    /** sample -> the queues its referral must reach (empty: nothing to report, or only a risk signal). */
    private static final Map<String, Set<String>> EXPECTED_QUEUES = Map.ofEntries(
            Map.entry("sscst-positive-no-suspicion.json", Set.of()), // a risk signal: recorded, not queued (no bundle takes one)
            Map.entry("t76-52xa-suspected.json", Set.of("US-TX")),
            Map.entry("t74-62xa-confirmed-labor.json", Set.of("US-MA")),
            Map.entry("t74-52xa-caregiver-florida.json", Set.of("US-FL")),
            Map.entry("z04-81-ruled-out.json", Set.of()),
            Map.entry("flag-only.json", Set.of()), // a safety Flag: at most a risk signal
            Map.entry("lives-in-one-state-seen-in-another.json", Set.of("US-IL", "US-MO")),
            Map.entry("t76-52xa-failure-to-protect-illinois.json", Set.of("US-IL")), // caregiver-failed-to-protect: Illinois 90 too
            Map.entry("survival-sex-shared-code.json", Set.of("US-IL")), // the shared code names the CSEC form
            Map.entry("cse-it-positive.json", Set.of()), // screens read through their rules in mappings/
            Map.entry("fl-htst-positive.json", Set.of()));

    /** The samples that carry only a risk signal: not-sent, where the others with no queue are not-reportable. */
    private static final Set<String> RISK_SIGNALS = Set.of("sscst-positive-no-suspicion.json", "flag-only.json",
            "cse-it-positive.json", "fl-htst-positive.json");

    @Inject
    @Filter(value = "(camel.context.name=safeharbor)", timeout = 60_000)
    private CamelContext camel;

    @Inject
    private org.osgi.framework.BundleContext bundleContext;

    /** Opens the queue messages, which the core seals with the message store's cipher. */
    @Inject
    private org.safeharbor.store.StoreCipher cipher;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Test
    public void everySampleIsAcceptedTrackedAsATaskAndQueuedForItsJurisdictions() throws Exception {
        FhirContext fhir = FhirContext.forR4Cached();
        SafeHarborKaraf.awaitFhir();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
        for (org.osgi.framework.Bundle bundle : bundleContext.getBundles()) {
            if (bundle.getSymbolicName().startsWith("org.safeharbor.safeharbor-jurisdiction-us-")) {
                bundle.stop();
            }
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (SafeHarborKaraf.get("/health").body().contains("\"US-")) {
            assertTrue("the jurisdiction bundles did not stop", System.currentTimeMillis() < deadline);
            Thread.sleep(200);
        }
        IGenericClient client = SafeHarborKaraf.fhirClient(SafeHarborKaraf.HOSPITAL);
        CapturingInterceptor capture = new CapturingInterceptor();
        client.registerInterceptor(capture);

        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Set<String>> sample : EXPECTED_QUEUES.entrySet()) {
            Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class,
                    Files.readString(Path.of(System.getProperty("safeharbor.samples"), sample.getKey())));

            OperationOutcome outcome = client.operation().processMessage().setMessageBundle(bundle)
                    .synchronous(OperationOutcome.class).execute();
            assertEquals(sample.getKey(), 202, capture.getLastResponse().getStatus());
            String location = capture.getLastResponse().getHeaders("Content-Location").get(0);
            String taskId = location.substring(location.lastIndexOf('/') + 1);
            assertTrue(outcome.getIssueFirstRep().getDiagnostics().contains("Task/" + taskId));

            Task task = client.read().resource(Task.class).withId(taskId).execute();
            if (sample.getValue().isEmpty()) {
                assertEquals(sample.getKey(), Task.TaskStatus.COMPLETED, task.getStatus());
                assertEquals(sample.getKey(), RISK_SIGNALS.contains(sample.getKey()) ? "not-sent" : "not-reportable",
                        task.getBusinessStatus().getCodingFirstRep().getCode());
            } else {
                assertEquals(sample.getKey(), Task.TaskStatus.ONHOLD, task.getStatus());
                for (String jurisdiction : sample.getValue()) {
                    Referral queued = takeFromQueue(org.safeharbor.api.v1.DeliveryContract.queue(org.safeharbor.api.v1.Jurisdiction.of(jurisdiction)), taskId);
                    assertEquals(taskId, queued.id().value());
                    assertTrue(sample.getKey(), queued.jurisdictions().stream().anyMatch(j -> j.code().equals(jurisdiction)));
                    if (sample.getKey().equals("survival-sex-shared-code.json")) {
                        assertEquals("the form the hospital named travels to the state", "survival-sex",
                                queued.allegations().get(0).type().code());
                    }
                    if (sample.getKey().equals("t76-52xa-failure-to-protect-illinois.json")) {
                        assertTrue("the mother's failure to protect travels beside the act", queued.allegations().stream()
                                .anyMatch(a -> a.caregiverRole() == org.safeharbor.api.v1.CaregiverRole.FAILURE_TO_PROTECT
                                        && a.perpetrator() == org.safeharbor.api.v1.PerpetratorRelation.PARENT));
                    }
                }
            }
            assertNotNull(task.getMeta().getSecurity("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SDV"));
            checked.add(sample.getKey());
        }
        assertEquals(EXPECTED_QUEUES.size(), checked.size());
    }

    /**
     * Browses the queue (nothing is consumed) until the referral with this id is on it. Browsing, not receiving: a
     * receive through a fresh consumer per call left other messages in that consumer's prefetch, out of sight of the
     * next receive for a while, and the referral sought could be one of them.
     */
    private Referral takeFromQueue(String queue, String referralId) throws Exception {
        org.apache.camel.spi.BrowsableEndpoint endpoint =
                camel.getEndpoint("amqp:queue:" + queue, org.apache.camel.spi.BrowsableEndpoint.class);
        List<String> seen = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        do {
            seen.clear();
            for (Exchange exchange : endpoint.getExchanges()) {
                String id = exchange.getMessage().getHeader(DeliveryContract.REFERRAL_ID, String.class);
                String body = exchange.getMessage().getBody(String.class);
                assertTrue("sealed, not the canonical JSON in clear", !body.startsWith("{"));
                Referral referral = ReferralJson.INSTANCE.read(new String(cipher.open(java.util.Base64.getDecoder().decode(body),
                        DeliveryContract.sealedBodyPurpose(id)), java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(id, referral.id().value());
                if (referralId.equals(id)) {
                    return referral;
                }
                seen.add(id);
            }
            Thread.sleep(500);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("referral " + referralId + " not found on queue " + queue + "; on it: " + seen);
    }
}

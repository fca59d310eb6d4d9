package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import javax.inject.Inject;
import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.ProducerTemplate;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The backbone in the real assembly: bundles, CamelContext, broker over AMQP, database, /health and
 * the jurisdiction whiteboard with a bundle installed and removed at run time.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackboneIT {

    /** The generated jurisdiction bundle's code and configuration PID (bundles/jurisdiction-archetype, projects/us-zz). */
    private static final String SAMPLE = "US-ZZ";
    private static final String SAMPLE_PID = "org.safeharbor.jurisdiction.us.zz";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext bundleContext;

    @Inject
    @Filter(value = "(camel.context.name=safeharbor)", timeout = 60_000)
    private CamelContext camel;

    @Inject
    @Filter(value = "(dataSourceName=safeharbor)", timeout = 60_000)
    private DataSource dataSource;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Test
    public void everyProjectBundleIsActive() throws InterruptedException {
        SafeHarborKaraf.awaitFhir();
        Set<String> projectBundles = new TreeSet<>();
        List<String> notActive = new ArrayList<>();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
        for (Bundle bundle : bundleContext.getBundles()) {
            if (bundle.getSymbolicName().startsWith("org.safeharbor.")) {
                projectBundles.add(bundle.getSymbolicName());
                if (bundle.getState() != Bundle.ACTIVE) {
                    notActive.add(bundle.getSymbolicName() + " state " + bundle.getState());
                }
            }
        }
        assertTrue("project bundles found: " + projectBundles, projectBundles.containsAll(List.of(
                "org.safeharbor.safeharbor-api", "org.safeharbor.safeharbor-platform",
                "org.safeharbor.safeharbor-mappings", "org.safeharbor.safeharbor-routes", "org.safeharbor.safeharbor-fhir",
                "org.safeharbor.safeharbor-store", "org.safeharbor.safeharbor-jurisdiction-us-il",
                "org.safeharbor.safeharbor-jurisdiction-us-fl", "org.safeharbor.safeharbor-jurisdiction-us-ma",
                "org.safeharbor.safeharbor-jurisdiction-us-tx")));
        assertEquals("bundles not active", List.of(), notActive);
    }

    @Test
    public void camelContextIsStarted() {
        assertEquals("safeharbor", camel.getName());
        assertTrue(camel.getStatus().isStarted());
    }

    @Test
    public void messageSentToADurableQueueOverAmqpIsReceivedBack() throws Exception {
        String body = "ping-" + UUID.randomUUID();
        // a JMS persistent message (the default delivery mode) on a durable, auto-created anycast queue
        try (ProducerTemplate producer = camel.createProducerTemplate();
             ConsumerTemplate consumer = camel.createConsumerTemplate()) {
            producer.sendBody("amqp:queue:it.backbone.roundtrip?deliveryPersistent=true", body);
            assertEquals(body, consumer.receiveBody("amqp:queue:it.backbone.roundtrip", 20_000, String.class));
        }
    }

    @Test
    public void dataSourceServiceWorks() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS it_backbone (id VARCHAR(40) PRIMARY KEY)");
            String id = UUID.randomUUID().toString();
            statement.execute("INSERT INTO it_backbone (id) VALUES ('" + id + "')");
            try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM it_backbone WHERE id = '" + id + "'")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            assertEquals("H2", connection.getMetaData().getDatabaseProductName());
        }
    }

    @Test
    public void distributionResolvesArtifactsFromNoRemoteRepository() throws Exception {
        Object repositories = configurationAdmin.getConfiguration("org.ops4j.pax.url.mvn", null)
                .getProperties().get("org.ops4j.pax.url.mvn.repositories");
        assertTrue("remote repositories configured: " + repositories, repositories == null || repositories.toString().isBlank());
    }

    @Test
    public void healthIsUpAndFollowsAJurisdictionBundleInstalledAndRemovedAtRunTime() throws Exception {
        JsonNode health = awaitHealth(h -> "UP".equals(h.path("status").asText()));
        assertEquals("UP", health.path("camelContext").path("status").asText());
        assertEquals("UP", health.path("broker").path("status").asText());
        assertEquals("UP", health.path("database").path("status").asText());
        assertFalse(listsSample(health));

        // a state the core has never heard of: the US-ZZ bundle the jurisdiction archetype's integration test generated
        // and built. It ships no endpoint: an operator's cfg names one. Nothing is queued for US-ZZ, so nothing is sent.
        org.osgi.service.cm.Configuration cfg = configurationAdmin.getConfiguration(SAMPLE_PID, "?");
        cfg.update(new java.util.Hashtable<>(java.util.Map.of("intakeUrl", "https://localhost:9/intake")));
        Bundle sample = bundleContext.installBundle(new File(System.getProperty("safeharbor.sample.bundle")).toURI().toString());
        sample.start();
        try {
            health = awaitHealth(BackboneIT::listsSample);
            JsonNode sampleEntry = null;
            for (JsonNode j : health.path("jurisdictions")) {
                if (SAMPLE.equals(j.path("code").asText())) {
                    sampleEntry = j;
                }
            }
            // /health shows states only, no queue names (issue 11)
            assertTrue("the sample's routes are counted: " + sampleEntry, sampleEntry.path("routes").asInt() > 0);
            assertTrue("no queue name in /health: " + sampleEntry, sampleEntry.path("queue").isMissingNode());
            assertTrue("the sample's route was added", camel.getRoute(SAMPLE + "-deliver") != null);
        } finally {
            sample.uninstall();
            cfg.delete();
        }
        health = awaitHealth(h -> !listsSample(h));
        assertEquals("UP", health.path("status").asText());
        assertEquals("the sample's route was removed", null, camel.getRoute(SAMPLE + "-deliver"));
    }

    /**
     * A state the core has never heard of receives a referral: the generated US-ZZ bundle and its sandbox intake are
     * installed at run time (no feature, no core file names US-ZZ), a hospital submits a child who lives in "ZZ", and
     * the sandbox's acknowledgement reaches the hospital's Task.
     */
    @Test
    public void aStateInstalledAtRunTimeReceivesAReferralAndItsAcknowledgementReachesTheHospital() throws Exception {
        SafeHarborKaraf.awaitFhir();
        org.osgi.service.cm.Configuration sandboxCfg = configurationAdmin.getConfiguration("org.safeharbor.sandbox.us.zz", "?");
        sandboxCfg.update(new java.util.Hashtable<>(java.util.Map.of("port", "0")));
        Bundle state = bundleContext.installBundle(new File(System.getProperty("safeharbor.sample.bundle")).toURI().toString());
        Bundle sandbox = bundleContext.installBundle(new File(System.getProperty("safeharbor.sample.sandbox")).toURI().toString());
        try {
            state.start();
            sandbox.start();
            awaitHealth(BackboneIT::listsSample);

            ca.uhn.fhir.context.FhirContext fhir = ca.uhn.fhir.context.FhirContext.forR4Cached();
            String text = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("safeharbor.samples"),
                    "t76-52xa-suspected.json")).replace("\"state\": \"TX\"", "\"state\": \"ZZ\"");
            org.hl7.fhir.r4.model.Bundle message = fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, text);
            message.setId(UUID.randomUUID().toString());
            message.getIdentifier().setValue(UUID.randomUUID().toString());
            ca.uhn.fhir.rest.client.api.IGenericClient client = SafeHarborKaraf.fhirClient(SafeHarborKaraf.HOSPITAL);
            ca.uhn.fhir.rest.client.interceptor.CapturingInterceptor capture = new ca.uhn.fhir.rest.client.interceptor.CapturingInterceptor();
            client.registerInterceptor(capture);
            client.operation().processMessage().setMessageBundle(message).synchronous(org.hl7.fhir.r4.model.OperationOutcome.class).execute();
            String location = capture.getLastResponse().getHeaders("Content-Location").get(0);
            String taskId = location.substring(location.lastIndexOf('/') + 1);

            String status = null;
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && !"acknowledged".equals(status)) {
                Thread.sleep(500);
                org.hl7.fhir.r4.model.Task task = client.read().resource(org.hl7.fhir.r4.model.Task.class).withId(taskId).execute();
                status = task.getBusinessStatus().getCodingFirstRep().getCode();
            }
            assertEquals("the US-ZZ sandbox acknowledged the referral", "acknowledged", status);
        } finally {
            sandbox.uninstall();
            state.uninstall();
            sandboxCfg.delete();
        }
        awaitHealth(h -> !listsSample(h));
    }

    private static boolean listsSample(JsonNode health) {
        for (JsonNode j : health.path("jurisdictions")) {
            if (SAMPLE.equals(j.path("code").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Polls /health until the condition holds (30 s at most) and returns the last report. */
    private static JsonNode awaitHealth(Predicate<JsonNode> condition) throws Exception {
        JsonNode last = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> response = SafeHarborKaraf.get("/health");
                last = JSON.readTree(response.body());
                if (condition.test(last)) {
                    assertEquals("HTTP status matches the reported status",
                            "UP".equals(last.path("status").asText()) ? 200 : 503, response.statusCode());
                    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
                    return last;
                }
            } catch (java.io.IOException notYetListening) {
                // the HTTP server may still be starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("health never met the condition; last report: " + last);
    }
}

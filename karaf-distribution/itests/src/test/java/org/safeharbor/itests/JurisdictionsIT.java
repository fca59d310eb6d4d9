package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.karaf.features.FeaturesService;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The four jurisdiction bundles in the real assembly with the sandbox on: each hospital sample
 * reaches the right simulated state, in that state's format, over its transport; a Texas referral
 * submitted while the Texas bundle is uninstalled waits on its queue and is delivered once the
 * bundle is installed again, with no restart, while the other states keep working.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JurisdictionsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    @Inject
    private BundleContext bundleContext;

    @Inject
    private FeaturesService features;

    @Configuration
    public Option[] config() {
        return OptionUtils.combine(SafeHarborKaraf.distribution(),
                // Florida batches on a schedule: a short one keeps the test quick
                editConfigurationFilePut("etc/org.safeharbor.jurisdiction.us.fl.cfg", "batchInterval", "PT2S"),
                editConfigurationFilePut("etc/org.safeharbor.jurisdiction.us.fl.cfg", "statusPollInterval", "PT2S"),
                // this site has the adapter carry DCF's s.51B(k) notices, due when DCF screens a report in (off as shipped)
                editConfigurationFilePut("etc/org.safeharbor.jurisdiction.us.ma.cfg", "departmentNoticesOn", "SCREENED_IN"));
    }

    @Before
    public void sandboxOn() throws Exception {
        if (!features.isInstalled(features.getFeature("safeharbor-sandbox"))) {
            features.installFeature("safeharbor-sandbox");
        }
        SafeHarborKaraf.awaitFhir();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
    }

    @Test
    public void eachSampleReachesTheRightStateInThatStatesFormat() throws Exception {
        String tx = submit("t76-52xa-suspected.json");
        String ilMo = submit("lives-in-one-state-seen-in-another.json");
        String ma = submit("t74-62xa-confirmed-labor.json");
        String atRiskIl = submit("sscst-positive-no-suspicion.json");

        // Texas: an unknown trafficker goes to both CPS and law enforcement, as NIEM XML
        String cps = await(() -> delivered("US-TX", tx, "cps-intake"));
        String police = await(() -> delivered("US-TX", tx, "law-enforcement"));
        assertTrue(cps.contains("JuvenileAbuseNeglectAllegation") && cps.contains("HumanTraffickingVictim"));
        assertTrue(police.contains(tx));
        // Illinois: SOAP payload with allegation 40; Missouri has no bundle: on hold
        String il = await(() -> delivered("US-IL", ilMo, null));
        assertTrue(il.contains("IntakeReport") && il.contains(">40<"));
        // Massachusetts: the 51A JSON; DCF's notices to the District Attorney and the police only on DCF's own status
        String report = await(() -> delivered("US-MA", ma, null));
        assertTrue(JSON.readTree(report).toString().contains("labor-trafficking"));
        await(() -> intakeNumberOf(ma, "MA-"));
        assertTrue("no notice on the hospital's report", sandboxFile("US-MA", ma + ".da.json").isEmpty());
        assertEquals(200, massachusettsDcfSends(ma, "screened-in"));
        String da = await(() -> sandboxFile("US-MA", ma + ".da.json"));
        String maPolice = await(() -> sandboxFile("US-MA", ma + ".le.json"));
        assertEquals("DCF", JSON.readTree(da).path("notifyingAgency").asText());
        assertEquals("law-enforcement", JSON.readTree(maPolice).path("recipient").asText());
        assertTrue(await(() -> output(ma, "notice district-attorney US-MA").filter(v -> v.startsWith("sent"))).startsWith("sent"));

        // the hospital sees each state's own intake number
        assertTrue(await(() -> intakeNumberOf(tx, "TX-")).contains("TX-"));
        assertTrue(await(() -> intakeNumberOf(ilMo, "IL-")).startsWith("IL-"));
        assertTrue(await(() -> intakeNumberOf(ma, "MA-")).startsWith("MA-"));
        JsonNode ilMoTask = task(ilMo);
        assertTrue(ilMoTask.path("businessStatus").path("text").asText().contains("US-MO: on-hold"));

        // an at-risk signal alone is not sent to Illinois: no allegation without a rule for it
        assertEquals("not-sent", await(() -> Optional.of(task(atRiskIl).path("businessStatus").path("coding").get(0).path("code").asText())
                .filter(code -> !code.equals("queued"))));
        assertTrue(delivered("US-IL", atRiskIl, null).isEmpty());
    }

    @Test
    public void floridaReceivesItsBatchOverSftp() throws Exception {
        String fl = submit("t74-52xa-caregiver-florida.json");
        String record = await(() -> delivered("US-FL", fl, null));
        assertTrue(record.contains(fl));
        assertTrue(await(() -> intakeNumberOf(fl, "FL-")).startsWith("FL-"));
    }

    @Test
    public void texasReferralWaitsWhileItsBundleIsAbsentAndIsDeliveredOnceInstalled() throws Exception {
        Bundle texas = Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName().equals("org.safeharbor.safeharbor-jurisdiction-us-tx")).findFirst().orElseThrow();
        String location = texas.getLocation();
        texas.uninstall();
        // gone from the jurisdictions /health lists (its sandbox peers, a bundle of their own, stay)
        awaitHealth(health -> !jurisdictions(health).contains("US-TX"));

        String tx = submit("t76-52xa-suspected.json");
        assertTrue(task(tx).path("businessStatus").path("text").asText().contains("US-TX: on-hold"));
        // the other states keep working meanwhile
        String il = submit("lives-in-one-state-seen-in-another.json");
        await(() -> delivered("US-IL", il, null));
        Thread.sleep(3_000);
        assertTrue("nothing can reach Texas without its bundle", delivered("US-TX", tx, "cps-intake").isEmpty());

        Bundle again = bundleContext.installBundle(location);
        again.start();
        String cps = await(() -> delivered("US-TX", tx, "cps-intake"));
        assertTrue(cps.contains(tx));
        assertTrue(await(() -> intakeNumberOf(tx, "TX-")).contains("TX-"));
    }

    // ------------------------------------------------------------------ helpers

    /** Posts a sample as a new submission (fresh message id) and returns its Task id. */
    private static String submit(String sample) throws Exception {
        FhirContext fhir = FhirContext.forR4Cached();
        org.hl7.fhir.r4.model.Bundle bundle = fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
                Files.readString(Path.of(System.getProperty("safeharbor.samples"), sample)));
        bundle.getIdentifier().setValue("it-" + UUID.randomUUID());
        ((MessageHeader) bundle.getEntryFirstRep().getResource()).setId(UUID.randomUUID().toString());
        String body = fhir.newJsonParser().encodeResourceToString(bundle);
        HttpResponse<String> response = SafeHarborKaraf.http().send(HttpRequest.newBuilder(
                        URI.create(SafeHarborKaraf.baseUrl() + "/fhir/$process-message"))
                .header("Authorization", SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(sample + ": " + response.body(), 202, response.statusCode());
        String location = response.headers().firstValue("Content-Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static JsonNode task(String id) throws IOException, InterruptedException {
        return JSON.readTree(SafeHarborKaraf.get("/fhir/Task/" + id).body());
    }

    /** The state's intake number in the Task, once there. */
    private static Optional<String> intakeNumberOf(String taskId, String prefix) throws IOException, InterruptedException {
        for (JsonNode output : task(taskId).path("output")) {
            String value = output.path("valueIdentifier").path("value").asText("");
            if (value.contains(prefix)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** A Task output's value (text), if the Task has it yet. */
    private static Optional<String> output(String taskId, String type) throws IOException, InterruptedException {
        for (JsonNode output : task(taskId).path("output")) {
            if (type.equals(output.path("type").path("text").asText())) {
                return Optional.of(output.path("valueString").asText(output.path("valueCodeableConcept").path("text").asText()));
            }
        }
        return Optional.empty();
    }

    /**
     * Makes the sandbox DCF send a status for the referral (its {@code POST /sandbox/status}), over HTTPS trusting the
     * sandbox certificate shipped in the Massachusetts sandbox bundle; the sandbox's answer code.
     */
    private int massachusettsDcfSends(String referralId, String status) throws Exception {
        Bundle massachusetts = Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName().equals("org.safeharbor.safeharbor-jurisdiction-us-ma-sandbox")).findFirst().orElseThrow();
        java.security.KeyStore sandbox = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = massachusetts.getEntry("sandbox/us-ma-sandbox.p12").openStream()) {
            sandbox.load(in, "us-ma-sandbox".toCharArray());
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(sandbox);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpResponse<String> answer = java.net.http.HttpClient.newBuilder().sslContext(tls).build().send(
                HttpRequest.newBuilder(URI.create("https://localhost:9443/sandbox/status"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"referralId\":\"" + referralId + "\",\"status\":\"" + status + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(answer.body(), "{\"adapterStatus\":202}", answer.body());
        return answer.statusCode();
    }

    /** What the simulated state recorded for the referral (a file named by its id), if anything yet. */
    static Optional<String> delivered(String jurisdiction, String referralId, String subfolder) throws IOException {
        Path dir = Path.of(System.getProperty("karaf.data"), "sandbox", jurisdiction);
        if (subfolder != null) {
            dir = dir.resolve(subfolder);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().startsWith(referralId) && !f.getFileName().toString().contains(".da.")
                            && !f.getFileName().toString().contains(".le.") && !f.getFileName().toString().contains(".seen."))
                    .toList();
            return found.isEmpty() ? Optional.empty() : Optional.of(Files.readString(found.get(0)));
        }
    }

    private static Optional<String> sandboxFile(String jurisdiction, String name) throws IOException {
        Path file = Path.of(System.getProperty("karaf.data"), "sandbox", jurisdiction, name);
        return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    @FunctionalInterface
    interface Probe {
        Optional<String> get() throws Exception;
    }

    static String await(Probe probe) throws Exception {
        long deadline = System.currentTimeMillis() + DELIVERY.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Optional<String> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not there within " + DELIVERY);
    }

    /** The codes of the jurisdictions a /health body lists. */
    private static List<String> jurisdictions(String health) {
        try {
            List<String> codes = new java.util.ArrayList<>();
            JSON.readTree(health).path("jurisdictions").forEach(j -> codes.add(j.path("code").asText()));
            return codes;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitHealth(java.util.function.Predicate<String> condition) throws Exception {
        await(() -> {
            String health = SafeHarborKaraf.get("/health").body();
            return condition.test(health) ? Optional.of(health) : Optional.empty();
        });
    }
}

package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

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
import org.osgi.framework.BundleContext;
import org.safeharbor.client.SmartBackendClient;

/**
 * A law-enforcement custody notice end to end (issue 15): a police records system registered as a client of kind
 * law-enforcement gets a token with its own scope the standard way, submits the sample notice, gets 202 and a Task, and
 * the Illinois sandbox's State Central Register receives allegation 40 with the reporter's role "law enforcement" and no
 * criminal-justice wording, and answers with its intake number. A hospital's token cannot submit the notice, nor the
 * police client's a hospital's screening report.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CustodyNoticeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICE = "itest-county-police";
    private static final String SAMPLE = "law-enforcement/custody-notice-illinois.json";
    private static final String POLICE_ENDPOINT = "https://records.example-county-police.example.org/fhir";
    private static final List<String> CRIMINAL_JUSTICE_WORDS = List.of("offense", "offence", "offender", "charge", "arrest",
            "booking", "criminal", "crime", "convict", "delinquen", "prostitut", "juvenile justice");

    @Inject
    private BundleContext bundleContext;

    @Inject
    private FeaturesService features;

    @Configuration
    public Option[] config() {
        Option[] distribution = SafeHarborKaraf.distribution();
        // the police records system, registered as an operator does (its private key stays outside Karaf)
        Path clients = Path.of(System.getProperty("safeharbor.itest.clients"));
        try {
            var key = SmartBackendClient.generateKey("ES384");
            Files.writeString(clients.resolve(POLICE + ".key.json"), key.toJSONString());
            Files.writeString(clients.resolve(POLICE + ".json"), SmartBackendClient.registration(POLICE, "County Police (test)",
                    SmartBackendClient.KIND_LAW_ENFORCEMENT, key,
                    List.of(SmartBackendClient.SCOPE_SUBMIT_CUSTODY_NOTICE, SmartBackendClient.SCOPE_READ_TASKS), List.of(POLICE_ENDPOINT)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return OptionUtils.combine(distribution,
                replaceConfigurationFile("etc/safeharbor/clients/" + POLICE + ".json", clients.resolve(POLICE + ".json").toFile()));
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
    public void aCustodyNoticeReachesTheIllinoisRegisterAsAReportAboutAVictim() throws Exception {
        HttpResponse<String> accepted = post(sample(), policeBearer());
        assertEquals(accepted.body(), 202, accepted.statusCode());
        String location = accepted.headers().firstValue("Content-Location").orElseThrow();
        String taskId = location.substring(location.lastIndexOf('/') + 1);

        String received = JurisdictionsIT.await(() -> JurisdictionsIT.delivered("US-IL", taskId, null));
        assertTrue(received, received.contains("IntakeReport") && received.contains(">40<"));
        assertTrue("who reported, in neutral words: " + received, received.contains(">law enforcement<"));
        String text = received.toLowerCase(Locale.ROOT);
        for (String word : CRIMINAL_JUSTICE_WORDS) {
            assertFalse("'" + word + "' reached the State Central Register: " + received, text.contains(word));
        }
        // the Register's intake number reaches the police client's Task
        assertTrue(JurisdictionsIT.await(() -> intakeNumber(taskId)).startsWith("IL-"));
    }

    @Test
    public void aHospitalsTokenCannotSubmitACustodyNoticeNorThePolicesAScreeningReport() throws Exception {
        HttpResponse<String> hospital = post(sample(), SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL));
        assertEquals(hospital.body(), 403, hospital.statusCode());
        assertTrue(hospital.body(), hospital.body().contains("OperationOutcome") && hospital.body().contains("custody-notice"));

        String report = Files.readString(Path.of(System.getProperty("safeharbor.samples"), "t76-52xa-failure-to-protect-illinois.json"))
                .replace("LKS-SHB-20261121-000061", "it-" + UUID.randomUUID());
        HttpResponse<String> police = post(report, policeBearer());
        assertEquals(police.body(), 403, police.statusCode());
        assertTrue(police.body(), police.body().contains("custody notices only"));
    }

    // ------------------------------------------------------------------ helpers

    private static String policeBearer() throws IOException, InterruptedException {
        Path keys = Path.of(System.getProperty("safeharbor.itest.clients"));
        SmartBackendClient client = new SmartBackendClient(POLICE, SmartBackendClient.readKey(keys.resolve(POLICE + ".key.json")),
                URI.create(SafeHarborKaraf.baseUrl() + "/fhir"), SafeHarborKaraf.tls());
        SmartBackendClient.Token token = client.token(SmartBackendClient.SCOPE_SUBMIT_CUSTODY_NOTICE + " " + SmartBackendClient.SCOPE_READ_TASKS);
        assertTrue(token.scope(), token.scope().contains(SmartBackendClient.SCOPE_SUBMIT_CUSTODY_NOTICE));
        return token.bearer();
    }

    /** The sample notice as a new submission (fresh message id). */
    private static String sample() throws IOException {
        FhirContext fhir = FhirContext.forR4Cached();
        org.hl7.fhir.r4.model.Bundle bundle = fhir.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
                Files.readString(Path.of(System.getProperty("safeharbor.samples"), SAMPLE)));
        bundle.getIdentifier().setValue("it-" + UUID.randomUUID());
        ((MessageHeader) bundle.getEntryFirstRep().getResource()).setId(UUID.randomUUID().toString());
        return fhir.newJsonParser().encodeResourceToString(bundle);
    }

    private static HttpResponse<String> post(String body, String bearer) throws IOException, InterruptedException {
        return SafeHarborKaraf.http().send(HttpRequest.newBuilder(URI.create(SafeHarborKaraf.baseUrl() + "/fhir/$process-message"))
                .header("Authorization", bearer).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The state's intake number in the Task, read with the police client's own token. */
    private static Optional<String> intakeNumber(String taskId) throws IOException, InterruptedException {
        HttpResponse<String> task = SafeHarborKaraf.http().send(HttpRequest.newBuilder(
                        URI.create(SafeHarborKaraf.baseUrl() + "/fhir/Task/" + taskId)).header("Authorization", policeBearer())
                .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode output : JSON.readTree(task.body()).path("output")) {
            String value = output.path("valueIdentifier").path("value").asText("");
            if (value.startsWith("IL-")) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}

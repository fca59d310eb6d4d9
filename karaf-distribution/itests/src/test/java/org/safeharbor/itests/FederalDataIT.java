package org.safeharbor.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.inject.Inject;

import ca.uhn.fhir.context.FhirContext;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.client.SmartBackendClient;
import org.safeharbor.store.MessageStore;

/**
 * Federal and aggregate data in the packed distribution: a hospital's submission is counted at acceptance, the
 * auditor's {@code GET /fhir/$aggregate-counts} (an auditor client registered as an operator does, its token got the
 * standard way) serves the counts as CSV with small cells suppressed and refuses a hospital, and the shell's
 * {@code harbor:export-ncands} and {@code harbor:export-counts} write their files owner-only, behind their roles.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FederalDataIT {

    private static final String AUDITOR = "itest-auditor";

    @Inject
    private org.osgi.framework.BundleContext bundleContext;

    @Inject
    private SessionFactory sessionFactory;

    @Inject
    private MessageStore store;

    @Configuration
    public Option[] config() {
        return SafeHarborKaraf.distribution();
    }

    @Before
    public void up() throws Exception {
        SafeHarborKaraf.awaitFhir();
        SafeHarborKaraf.awaitAllProjectBundlesActive(bundleContext);
    }

    @Test
    public void countsAndExportsEndToEnd() throws Exception {
        // a hospital's submission through the intake: counted when the core accepts it
        FhirContext fhir = FhirContext.forR4Cached();
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class,
                Files.readString(Path.of(System.getProperty("safeharbor.samples"), "lives-in-one-state-seen-in-another.json")));
        bundle.getIdentifier().setValue("federal-it-" + UUID.randomUUID());
        ((MessageHeader) bundle.getEntryFirstRep().getResource()).setId(UUID.randomUUID().toString());
        HttpResponse<String> submitted = send("/fhir/$process-message", SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL), "POST",
                fhir.newJsonParser().encodeResourceToString(bundle));
        assertEquals(submitted.body(), 202, submitted.statusCode());

        // eleven referrals of one cell that Illinois screened in, as the store records them (a week of 2026)
        Instant received = Instant.parse("2026-11-19T10:00:00Z");
        for (int i = 0; i < 11; i++) {
            Child child = new Child(null, LocalDate.of(2011, 3, 4), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
            store.accept("federal-it|" + i, new Referral(new ReferralId(UUID.randomUUID().toString()), child, null, null, received, null,
                            List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{}", "application/fhir+json",
                    Map.of(Jurisdiction.of("US-IL"), DeliveryStatus.SCREENED_IN));
        }

        String auditor = auditorToken();
        HttpResponse<String> counts = send("/fhir/$aggregate-counts", auditor, "GET", null);
        assertEquals(counts.body(), 200, counts.statusCode());
        assertTrue(counts.headers().toString(), counts.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        assertTrue(counts.body(), counts.body().contains("US-IL,sex-trafficking,unspecified,suspected,health-care,screened-in,2026-W47,11,false"));
        String thisWeek = String.format("%d-W%02d", LocalDate.now(ZoneOffset.UTC).get(java.time.temporal.IsoFields.WEEK_BASED_YEAR),
                LocalDate.now(ZoneOffset.UTC).get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        assertTrue("the hospital's referral is counted, suppressed (fewer than 11): " + counts.body(),
                counts.body().lines().anyMatch(l -> l.contains("," + thisWeek + ",,true")));
        assertEquals(403, send("/fhir/$aggregate-counts", SafeHarborKaraf.bearer(SafeHarborKaraf.HOSPITAL), "GET", null).statusCode());

        // the shell, as an operator and as an auditor; a viewer has neither export
        Path dir = Files.createTempDirectory("federal-it");
        Path childFile = dir.resolve("child-file.csv");
        String said = SafeHarborKaraf.shell(sessionFactory, "harbor:export-ncands --from 2026-11-01 --to 2026-11-30 --out " + childFile,
                "operator");
        // the progress line (a day at a time, every 30 days and at the end), then what was written
        List<String> saidLines = said.strip().lines().map(String::strip).toList();
        assertEquals(said, "read 30 of 30 day(s)", saidLines.get(0));
        assertTrue(said, saidLines.get(saidLines.size() - 1).startsWith("11 record(s) from 11 referral(s)"));
        List<String> lines = Files.readAllLines(childFile);
        assertEquals(12, lines.size());
        assertEquals("2027,IL,R00000000001,C00000000001,11192026,2,99,15,2,7,99,,,,,,", lines.get(1));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(childFile)));
        Path countsFile = dir.resolve("counts.csv");
        said = SafeHarborKaraf.shell(sessionFactory, "harbor:export-counts --out " + countsFile, "auditor");
        assertTrue(said, said.contains("written to " + countsFile));
        assertEquals(counts.body().replace("\r\n", "\n"), Files.readString(countsFile).replace("\r\n", "\n"));
        for (String command : List.of("harbor:export-ncands --from 2026-11-01 --to 2026-11-30 --out " + dir.resolve("x"),
                "harbor:export-counts --out " + dir.resolve("y"))) {
            try {
                SafeHarborKaraf.shell(sessionFactory, command, "viewer");
                throw new AssertionError(command + " ran for a viewer");
            } catch (Exception refused) {
                assertTrue(refused.toString(), !Files.exists(dir.resolve("x")) && !Files.exists(dir.resolve("y")));
            }
        }
    }

    /** Registers an auditor client as an operator does (a file in etc/safeharbor/clients/) and gets its token. */
    private static String auditorToken() throws Exception {
        var key = SmartBackendClient.generateKey("ES384");
        Path registration = Path.of(System.getProperty("karaf.etc"), "safeharbor", "clients", AUDITOR + ".json");
        Files.writeString(registration, SmartBackendClient.registration(AUDITOR, AUDITOR, "auditor", key,
                List.of("system/AuditEvent.rs"), List.of()));
        SmartBackendClient client = new SmartBackendClient(AUDITOR, key, URI.create(SafeHarborKaraf.baseUrl() + "/fhir"), SafeHarborKaraf.tls());
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                return client.token("system/AuditEvent.rs").bearer();
            } catch (Exception notYetRead) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYetRead;
                }
                Thread.sleep(500);
            }
        }
    }

    private static HttpResponse<String> send(String path, String authorization, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SafeHarborKaraf.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/fhir+json").header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return SafeHarborKaraf.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

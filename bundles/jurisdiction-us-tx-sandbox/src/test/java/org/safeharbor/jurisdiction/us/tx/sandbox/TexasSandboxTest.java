package org.safeharbor.jurisdiction.us.tx.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.safeharbor.jurisdiction.us.tx.TexasXml;
import org.safeharbor.jurisdiction.us.tx.wire.ReferralAcknowledgementType;
import org.safeharbor.jurisdiction.us.tx.TexasNiemFormat;
import org.safeharbor.jurisdiction.us.tx.SandboxTls;
import org.safeharbor.tck.ConfigProxies;

/** The sandbox DS component outside OSGi: both peers up over HTTPS, recording under the configured folder. */
class TexasSandboxTest {

    @TempDir
    Path dir;

    @Test
    void startsBothPeersThatValidateAndRecord() throws Exception {
        TexasSandbox sandbox = new TexasSandbox(config(Map.of("cpsPort", 0, "lawEnforcementPort", 0, "directory", dir.toString())));
        String url;
        Path trustStore;
        try {
            assertEquals(2, sandbox.peers().size());
            TexasAgencyPeer lawEnforcement = sandbox.peers().get(1);
            url = lawEnforcement.url();
            assertEquals(Agency.LAW_ENFORCEMENT, lawEnforcement.agency());
            Referral referral = referral(Jurisdiction.of("US-TX"), allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED,
                    PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT));
            String report = new TexasNiemFormat(Duration.ofHours(24)).write(referral).orElseThrow();

            HttpResponse<String> ok = post(lawEnforcement.url(), report);
            assertEquals(200, ok.statusCode());
            assertTrue(TexasXml.read(ok.body(), ReferralAcknowledgementType.class).getIntakeNumberIdentification().getIdentificationID().matches("TX-LE-\\d{4}-000001"));
            assertTrue(Files.exists(dir.resolve("law-enforcement").resolve(referral.id().value() + ".xml")));

            assertEquals(400, post(lawEnforcement.url(), report.replace("labor-trafficking", "forced-begging")).statusCode());
            assertEquals(1, lawEnforcement.deliveries().size(), "an invalid report was recorded");

            // what the adapter takes from the peers' service: their endpoints, a trust store file of their certificate
            // only (no private key), their token
            Map<String, String> settings = sandbox.settings();
            assertEquals(sandbox.peers().get(0).url(), settings.get("cpsIntakeUrl"));
            assertEquals(url, settings.get("lawEnforcementUrl"));
            trustStore = Path.of(settings.get("trustStore"));
            KeyStore trust = TexasSandbox.keyStore(trustStore.toString(), settings.get(".trustStorePassword"));
            for (String alias : Collections.list(trust.aliases())) {
                assertTrue(trust.isCertificateEntry(alias), alias + " is not a certificate only");
            }
            assertEquals(sandbox.statusToken(), settings.get(".statusToken"));
        } finally {
            sandbox.deactivate();
        }
        // deactivation stops the peers and deletes the trust store file
        assertThrows(IOException.class, () -> post(url, "x"));
        assertFalse(Files.exists(trustStore));
    }

    @Test
    void recordsUnderKarafDataByDefault() {
        String previous = System.getProperty("karaf.data");
        System.setProperty("karaf.data", dir.toString());
        try {
            assertEquals(dir.resolve("sandbox").resolve("US-TX"), TexasSandbox.directory(""));
        } finally {
            if (previous == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", previous);
            }
        }
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(SandboxTls.trust());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TexasSandbox.Config config(Map<String, Object> overrides) {
        return ConfigProxies.of(TexasSandbox.Config.class, overrides);
    }
}

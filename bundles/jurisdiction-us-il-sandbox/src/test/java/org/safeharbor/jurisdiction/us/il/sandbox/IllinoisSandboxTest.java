package org.safeharbor.jurisdiction.us.il.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jakarta.xml.ws.WebServiceException;

import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.jurisdiction.us.il.Configs;
import org.safeharbor.jurisdiction.us.il.IllinoisAdapter;
import org.safeharbor.jurisdiction.us.il.IllinoisFormat;
import org.safeharbor.jurisdiction.us.il.IntakeXml;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;
import org.safeharbor.jurisdiction.us.il.wire.IntakePortType;
import org.safeharbor.jurisdiction.us.il.wire.IntakeReport;
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.ConformanceReferrals;

/** The DS component the optional sandbox feature switches on: it runs the peer from its configuration. */
class IllinoisSandboxTest {

    @TempDir
    Path karafData;

    @Test
    void runsThePeerFromItsConfigurationAndRecordsUnderKarafDataByDefault() throws Exception {
        String previous = System.getProperty("karaf.data");
        System.setProperty("karaf.data", karafData.toString());
        IllinoisSandbox sandbox;
        try {
            sandbox = new IllinoisSandbox(ConfigProxies.of(IllinoisSandbox.Config.class, Map.of("port", 0)));
        } finally {
            restore(previous);
        }
        String intakeUrl = sandbox.peer().intakeUrl();
        String referralId = ConformanceReferrals.referral(IllinoisAdapter.US_IL).id().value();
        try {
            // what the adapter takes from the peer's service: its intake, and the call-back credentials (random password)
            assertEquals(intakeUrl, sandbox.settings().get("intakeUrl"));
            assertEquals("us-il-sandbox", sandbox.settings().get("statusUsername"));
            assertTrue(sandbox.settings().get(".statusPassword").length() >= 40, "a random password per start");
            IntakeAcknowledgement ack = submit(intakeUrl);
            assertEquals(referralId, ack.getReferralId());
            assertTrue(Files.exists(karafData.resolve("sandbox/US-IL/" + referralId + ".xml")));
        } finally {
            sandbox.deactivate();
        }
        assertThrows(WebServiceException.class, () -> submit(intakeUrl), "the peer still answers after deactivation");
    }

    @Test
    void readsTheAutomaticStatusesFromACommaSeparatedList() {
        assertEquals(List.of(StatusCode.RECEIVED, StatusCode.SCREENED_IN), IllinoisSandbox.statuses(" received, screened-in "));
        assertEquals(List.of(), IllinoisSandbox.statuses(""));
    }

    /** What any SOAP client of the intake does: a JAX-WS proxy on the same contract. */
    private static IntakeAcknowledgement submit(String url) throws Exception {
        String payload = new IllinoisFormat().write(ConformanceReferrals.referral(IllinoisAdapter.US_IL,
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED))).orElseThrow();
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(IntakePortType.class);
        factory.setWsdlLocation(IntakeXml.wsdl().toExternalForm());
        factory.setServiceName(IntakeXml.INTAKE_SERVICE);
        factory.setEndpointName(IntakeXml.INTAKE_PORT);
        factory.setAddress(url);
        IntakePortType port = factory.create(IntakePortType.class);
        try {
            return port.submitReport(IntakeXml.read(payload, IntakeReport.class));
        } finally {
            ClientProxy.getClient(port).destroy();
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty("karaf.data");
        } else {
            System.setProperty("karaf.data", previous);
        }
    }
}

package org.safeharbor.jurisdiction.us.tx;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.us.tx.sandbox.TexasSandbox;
import org.safeharbor.tck.DeliveryContractTest;

/**
 * The kit's delivery contract for Texas: HTTPS POSTs to the two sandbox agencies (CPS intake, law enforcement), which
 * answer as the agency would, with 503 (down: retried) or 400 (the report refused: quarantined). Every check applies.
 * The kit's referral (a parent's act) is routed to CPS intake alone, so the requests of both peers, CPS's first, are in
 * the order they were sent; TexasDeliveryTest covers the routes that reach both agencies.
 */
class TexasDeliveryContractTest extends DeliveryContractTest {

    @TempDir
    Path dir;

    private SandboxTls.Agencies agencies;

    @BeforeEach
    void startAgencies() throws Exception {
        agencies = SandboxTls.Agencies.start(dir);
    }

    @AfterEach
    void stopAgencies() throws Exception {
        agencies.stop();
    }

    @Override
    protected JurisdictionAdapter adapter(StatusReporter reporter) {
        // the sandbox agencies, trusted through the sandbox's trust store; two quick retries
        Map<String, Object> values = Map.of("cpsIntakeUrl", agencies.cps().url(),
                "lawEnforcementUrl", agencies.lawEnforcement().url(), "trustStore", SandboxTls.trustStoreFile(),
                "_trustStorePassword", TexasSandbox.PASSWORD,
                "maximumRedeliveries", 2, "redeliveryDelay", "PT0.01S", "maximumRedeliveryDelay", "PT0.04S");
        return new TexasAdapter(TestSupport.adapter(values), TestSupport.redelivery(values), reporter);
    }

    @Override
    protected void peer(Peer behaviour) {
        int status = switch (behaviour) {
            case ACCEPTS -> 0;
            case DOWN -> 503;
            case REFUSES -> 400;
        };
        agencies.cps().answerWith(status);
        agencies.lawEnforcement().answerWith(status);
    }

    @Override
    protected List<Map<String, String>> requestsSeen() {
        List<Map<String, String>> all = new ArrayList<>(agencies.cps().requestHeaders());
        all.addAll(agencies.lawEnforcement().requestHeaders());
        return all;
    }

    @Override
    protected Clock clock() {
        return TestSupport.CLOCK;
    }
}

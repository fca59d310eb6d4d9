package org.safeharbor.jurisdiction.us.il;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer;
import org.safeharbor.tck.DeliveryContractTest;

/**
 * The kit's delivery contract for Illinois: SOAP over HTTP to the sandbox SCR intake, which answers as the state would,
 * with a SOAP Server fault (the SCR down: retried) or the {@code InvalidReport} Client fault (refused: quarantined).
 * Every check applies: the attempt travels as HTTP headers on each SOAP request.
 */
class IllinoisDeliveryContractTest extends DeliveryContractTest {

    @TempDir
    Path records;

    private IllinoisIntakePeer intake;

    @BeforeEach
    void startIntake() throws Exception {
        intake = new IllinoisIntakePeer("127.0.0.1", 0, records, IllinoisPeerFixture.CLOCK).start();
    }

    @AfterEach
    void stopIntake() {
        intake.stop();
    }

    @Override
    protected JurisdictionAdapter adapter(StatusReporter reporter) {
        // the sandbox's plain-HTTP intake, two quick retries
        Map<String, Object> values = Map.of("intakeUrl", intake.intakeUrl(), "maximumRedeliveries", 2,
                "redeliveryDelay", "PT0.01S", "maximumRedeliveryDelay", "PT0.05S");
        return new IllinoisAdapter(Configs.adapter(values), Configs.redelivery(values), reporter, true);
    }

    @Override
    protected void close(JurisdictionAdapter adapter) {
        ((IllinoisAdapter) adapter).close();
    }

    @Override
    protected void peer(Peer behaviour) {
        intake.answer(switch (behaviour) {
            case ACCEPTS -> IllinoisIntakePeer.Answer.AS_THE_STATE;
            case DOWN -> IllinoisIntakePeer.Answer.SERVER_FAULT;
            case REFUSES -> IllinoisIntakePeer.Answer.REFUSE;
        });
    }

    @Override
    protected List<Map<String, String>> requestsSeen() {
        return intake.requestHeaders();
    }

    @Override
    protected Clock clock() {
        return IllinoisPeerFixture.CLOCK;
    }
}

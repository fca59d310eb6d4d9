package ${package};

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.DeliveryContractTest;
import ${package}.sandbox.SandboxIntake;

/**
 * The kit's delivery contract against the ${jurisdiction} adapter and the sandbox intake over real HTTPS: only the
 * contract's headers reach the state, a refusal (422) is quarantined at once, a passing failure (503) is retried then
 * dead-lettered, the same queue message twice is delivered once, attempt numbers rise across retries and replays.
 */
class StateDeliveryContractTest extends DeliveryContractTest {

    private SandboxIntake intake;

    @BeforeEach
    void startIntake() throws Exception {
        intake = new SandboxIntake(ConfigProxies.defaults(SandboxIntake.Config.class));
    }

    @AfterEach
    void stopIntake() throws Exception {
        intake.deactivate();
    }

    /** Configured as in the sandbox: no intake URL nor trust store of its own (the peer's), two quick retries. */
    @Override
    protected JurisdictionAdapter adapter(StatusReporter reporter) {
        return new StateAdapter(SandboxPeer.fill(StateAdapter.Config.class, ConfigProxies.defaults(StateAdapter.Config.class), intake),
                Redelivery.of(StateAdapter.PID, ConfigProxies.of(RetryConfig.class,
                        Map.of("maximumRedeliveries", 2, "redeliveryDelay", "PT0.01S", "maximumRedeliveryDelay", "PT0.02S"))));
    }

    @Override
    protected void peer(Peer behaviour) {
        intake.answerWith(switch (behaviour) {
            case ACCEPTS -> 0;
            case DOWN -> 503;
            case REFUSES -> 422;
        });
    }

    @Override
    protected List<Map<String, String>> requestsSeen() {
        return intake.receivedHeaders();
    }
}

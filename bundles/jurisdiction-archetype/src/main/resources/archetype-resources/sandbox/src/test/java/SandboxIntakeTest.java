package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Clock;
import java.util.Map;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.routes.JurisdictionPipeline;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.ConformanceReferrals;
import org.safeharbor.tck.RecordingStatusReporter;
import ${package}.sandbox.SandboxIntake;

/** What the kit leaves to the state: the acknowledgement's intake number reaches the hospital's status. */
class SandboxIntakeTest {

    private final RecordingStatusReporter reporter = new RecordingStatusReporter();
    private SandboxIntake intake;
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        intake = new SandboxIntake(ConfigProxies.defaults(SandboxIntake.Config.class));
        StateAdapter adapter = new StateAdapter(SandboxPeer.fill(StateAdapter.Config.class,
                ConfigProxies.defaults(StateAdapter.Config.class), intake));
        camel = new DefaultCamelContext();
        camel.addRoutes(new JurisdictionPipeline(adapter, adapter, reporter, Clock.systemUTC(), JurisdictionPipeline.Queues.inMemory()));
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        intake.deactivate();
    }

    @Test
    void anAcceptedReportIsAcknowledgedWithTheIntakesNumber() {
        Referral referral = ConformanceReferrals.referral(Jurisdiction.of(StateAdapter.CODE), ConformanceReferrals.allegation(
                AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT));

        camel.createProducerTemplate().sendBodyAndHeader("direct:queue", ReferralJson.INSTANCE.write(referral),
                DeliveryContract.REFERRAL_ID, referral.id().value());

        StatusUpdate acknowledged = reporter.updates().get(0);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, acknowledged.status());
        assertNotNull(intake.numberOf(referral.id().value()));
        assertEquals(intake.numberOf(referral.id().value()), acknowledged.stateIntakeNumber());
    }
}

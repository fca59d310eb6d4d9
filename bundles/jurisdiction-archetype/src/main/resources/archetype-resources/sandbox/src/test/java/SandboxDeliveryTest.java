package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.component.mock.MockEndpoint;
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
import org.safeharbor.tck.RecordedAttempts;
import ${package}.sandbox.SandboxIntake;

/**
 * The core's delivery path (routes' JurisdictionPipeline, its queues in memory) around the adapter, configured as in the
 * sandbox (what its cfg leaves unset comes from the peer), against the sandbox intake over real HTTPS.
 */
class SandboxDeliveryTest {

    static final Jurisdiction STATE = Jurisdiction.of(StateAdapter.CODE);

    /** Records every status, in order, and numbers attempts as the core's store does. */
    static final class Reporter extends RecordedAttempts {
        final List<StatusUpdate> updates = new ArrayList<>();

        @Override
        public synchronized void report(StatusUpdate update) {
            updates.add(update);
        }
    }

    final Reporter reporter = new Reporter();
    SandboxIntake intake;
    DefaultCamelContext camel;

    @BeforeEach
    void start() throws Exception {
        intake = new SandboxIntake(TestConfig.of(SandboxIntake.Config.class, Map.of()));
        // no intake URL nor trust store of its own: the sandbox's; two quick retries
        StateAdapter adapter = new StateAdapter(SandboxPeer.fill(StateAdapter.Config.class, TestConfig.with(Map.of("intakeUrl", "",
                "maximumRedeliveries", 2, "redeliveryDelay", "PT0.01S", "maximumRedeliveryDelay", "PT0.02S")), intake));
        camel = new DefaultCamelContext();
        camel.addRoutes(new JurisdictionPipeline(adapter, adapter, reporter, Clock.systemUTC(), JurisdictionPipeline.Queues.inMemory()));
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        intake.deactivate();
    }

    static Referral aReferral() {
        return referral(STATE, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT));
    }

    void send(Referral referral) {
        camel.createProducerTemplate().sendBodyAndHeader("direct:queue", ReferralJson.INSTANCE.write(referral),
                DeliveryContract.REFERRAL_ID, referral.id().value());
    }

    @Test
    void aReportIsAcknowledgedWithTheIntakesNumberAndOnlyTheContractsHeaders() {
        Referral referral = aReferral();
        send(referral);

        StatusUpdate last = reporter.updates.get(reporter.updates.size() - 1);
        assertEquals(DeliveryStatus.ACKNOWLEDGED, last.status());
        assertNotNull(intake.numberOf(referral.id().value()));
        assertEquals(intake.numberOf(referral.id().value()), last.stateIntakeNumber());
        Map<String, String> headers = intake.receivedHeaders().get(0);
        assertEquals(referral.id().value(), headers.get(DeliveryContract.STATE_REFERRAL_ID));
        assertEquals("1", headers.get(DeliveryContract.STATE_ATTEMPT));
        assertTrue(headers.get("Content-Type").startsWith(StateJsonFormat.MEDIA_TYPE), headers.get("Content-Type"));
        for (String queueHeader : List.of(DeliveryContract.REFERRAL_ID, DeliveryContract.JURISDICTION)) {
            assertFalse(headers.containsKey(queueHeader), queueHeader + " reached the state");
        }
    }

    @Test
    void aRefusalIsQuarantinedAtOnceAndNotRetried() {
        intake.answerNextWith(422);
        Referral referral = aReferral();
        send(referral);

        assertEquals(DeliveryStatus.REJECTED, reporter.updates.get(reporter.updates.size() - 1).status());
        assertEquals(1, camel.getEndpoint("mock:quarantine", MockEndpoint.class).getReceivedCounter());
        assertEquals(0, camel.getEndpoint("mock:dlq", MockEndpoint.class).getReceivedCounter());
        assertEquals(1, reporter.attempts(referral.id(), STATE).size());
        assertEquals(1, intake.receivedHeaders().size());
    }

    @Test
    void aPassingFailureIsRetriedAsTheNextAttempt() {
        intake.answerNextWith(503);
        Referral referral = aReferral();
        send(referral);

        assertEquals(DeliveryStatus.ACKNOWLEDGED, reporter.updates.get(reporter.updates.size() - 1).status());
        List<RecordedAttempts.Attempt> attempts = reporter.attempts(referral.id(), STATE);
        assertEquals(2, attempts.size());
        assertNotNull(attempts.get(0).failure());
        assertEquals("2", intake.receivedHeaders().get(1).get(DeliveryContract.STATE_ATTEMPT));
    }
}

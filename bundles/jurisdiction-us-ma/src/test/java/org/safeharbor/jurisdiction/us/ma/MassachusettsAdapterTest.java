package org.safeharbor.jurisdiction.us.ma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.RECEIVED_AT;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.routes.JurisdictionPipeline;

/** The written-report clock and the configuration checks. */
class MassachusettsAdapterTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");

    private static Referral suspected() {
        return referral(MA, allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN,
                CaregiverRole.NOT_APPLICABLE));
    }

    @Test
    void theWrittenReportIsDue48HoursAfterTheReport() {
        MassachusettsAdapter adapter = TestConfig.adapter(TestConfig.defaults(), new RecordingReporter());
        DeadlineRule rule = adapter.deadlineRules().get(0);
        assertEquals("us-ma-written-report", rule.id());
        assertEquals(Duration.ofHours(48), rule.length());
        assertEquals("G.L. c.119 s.51A", rule.legalBasis());
        assertEquals(DeadlineRule.Kind.DELIVERY, rule.kind(), "the written report is the one this adapter carries: ours to meet");
        List<Deadline> deadlines = adapter.deadlinesFor(suspected());
        assertEquals(2, deadlines.size());
        assertEquals(RECEIVED_AT, deadlines.get(0).start());
        assertEquals(RECEIVED_AT.plus(Duration.ofHours(48)), deadlines.get(0).due());
    }

    @Test
    void theHospitalIsRemindedThatTheOralReportIsDueImmediately() {
        MassachusettsAdapter adapter = TestConfig.adapter(TestConfig.defaults(), new RecordingReporter());
        DeadlineRule oral = adapter.deadlinesFor(suspected()).get(1).rule();
        assertEquals("us-ma-oral-report", oral.id());
        assertEquals(DeadlineRule.Kind.REPORTER, oral.kind());
        assertEquals(Duration.ZERO, oral.length(), "immediately");
        assertFalse(oral.isWatched(), "the hospital's own duty: told, never watched");
        assertTrue(oral.description().contains("oral report") && oral.description().contains("immediately"), oral.description());
    }

    @Test
    void aShortenedClockFromConfigurationIsUsed() {
        MassachusettsAdapter adapter = TestConfig.adapter(TestConfig.with(Map.of("writtenReportDeadline", "PT90S")),
                new RecordingReporter());
        assertEquals(Duration.ofSeconds(90), adapter.deadlineRules().get(0).length());
        assertEquals(RECEIVED_AT.plusSeconds(90), adapter.deadlinesFor(suspected()).get(0).due());
    }

    @Test
    void noClockRunsWhereNothingIsReportedToMassachusetts() {
        MassachusettsAdapter adapter = TestConfig.adapter(TestConfig.defaults(), new RecordingReporter());
        assertEquals(List.of(), adapter.deadlinesFor(referral(MA, Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK))));
        assertEquals(List.of(), adapter.deadlinesFor(referral(Jurisdiction.of("US-IL"), allegation(AllegationType.SEX_TRAFFICKING,
                Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE))));
    }

    @Test
    void aBadDurationIsRefusedAtActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestConfig.adapter(TestConfig.with(Map.of("writtenReportDeadline", "48 hours")), new RecordingReporter()));
        assertTrue(e.getMessage().contains("writtenReportDeadline"));
    }

    @Test
    void personalDataNeverTravelsInClearText() {
        assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("reportUrl", "http://localhost:8080/dcf/51a/reports")), new RecordingReporter()));
        assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("districtAttorneyUrl", "http://localhost:8080/da")), new RecordingReporter()));
        IllegalArgumentException police = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("lawEnforcementUrl", "http://localhost:8080/police")), new RecordingReporter()));
        assertTrue(police.getMessage().contains("lawEnforcementUrl"), police.getMessage());
    }

    @Test
    void onlyTheDepartmentsFindingsAfterScreeningMayTriggerItsNotices() {
        assertEquals(java.util.Set.of(), DepartmentNotices.triggers("departmentNoticesOn", ""), "off by default");
        assertEquals(java.util.EnumSet.of(org.safeharbor.api.v1.DeliveryStatus.SCREENED_IN,
                        org.safeharbor.api.v1.DeliveryStatus.INVESTIGATION_OPENED),
                DepartmentNotices.triggers("departmentNoticesOn", " screened-in, INVESTIGATION_OPENED "));
        for (String notAFinding : java.util.List.of("ACKNOWLEDGED", "SCREENED_OUT", "REJECTED", "DELIVERED", "closed")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                    TestConfig.with(Map.of("departmentNoticesOn", notAFinding)), new RecordingReporter()), notAFinding);
            assertTrue(e.getMessage().contains("departmentNoticesOn"), e.getMessage());
        }
    }

    @Test
    void aMissingTrustStoreIsRefusedAtActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("trustStore", "/nonexistent/us-ma.p12")), new RecordingReporter()));
        assertTrue(e.getMessage().contains("/nonexistent/us-ma.p12"));
    }

    @Test
    void theRedeliveryPolicyDefaultsToTheSharedOne() {
        assertEquals(Redelivery.DEFAULT, TestConfig.adapter(TestConfig.defaults(), new RecordingReporter()).redelivery());
    }

    @Test
    void theRedeliveryPolicyComesFromTheConfiguration() {
        MassachusettsAdapter adapter = TestConfig.adapter(TestConfig.with(Map.of("maximumRedeliveries", 3,
                "redeliveryDelay", "PT5S", "redeliveryMultiplier", 1.5, "maximumRedeliveryDelay", "PT1M")), new RecordingReporter());
        assertEquals(new Redelivery(3, Duration.ofSeconds(5), 1.5, Duration.ofMinutes(1)), adapter.redelivery());
    }

    @Test
    void aBadRedeliveryPolicyIsRefusedAtActivation() {
        IllegalArgumentException delay = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("redeliveryDelay", "2 seconds")), new RecordingReporter()));
        assertTrue(delay.getMessage().contains("redeliveryDelay"), delay.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("maximumRedeliveries", -1)), new RecordingReporter()));
        assertTrue(negative.getMessage().contains("maximumRedeliveries"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TestConfig.adapter(
                TestConfig.with(Map.of("redeliveryMultiplier", 0.5)), new RecordingReporter()));
    }

    @Test
    void aRefusalReasonNamesFieldsButNeverValues() {
        String reason = ReportDelivery.refusalReason(400,
                "{\"error\":\"invalid 51A report: $.child.dateOfBirth: 2011-13-45 is an invalid full-date; "
                        + "$.allegations[0].certainty: does not have a value in the enumeration [suspected, confirmed]\"}");
        assertEquals("DCF refused the 51A report: HTTP 400 (fields $.child.dateOfBirth, $.allegations[0].certainty)", reason);
        assertFalse(reason.contains("2011-13-45"));
        assertEquals("DCF refused the 51A report: HTTP 400", ReportDelivery.refusalReason(400, "Jane Doe is not valid"));
        assertEquals("DCF refused the 51A report: HTTP 400 (field /child/birthDate)", ReportDelivery.refusalReason(400,
                "{\"error\":\"invalid 51A report: /child/birthDate: does not match the date pattern\"}"));
        assertEquals("DCF refused the 51A report: HTTP 400", ReportDelivery.refusalReason(400,
                "{\"error\":\"name Jane/Doe/Smith is not allowed\"}"));
        assertEquals("DCF refused the 51A report: HTTP 400", ReportDelivery.refusalReason(400, null));
    }

    @Test
    void withoutACredentialTheStatusEndpointStaysOffAndDeliveryStillRuns() throws Exception {
        Map<String, Object> state = Map.of("reportUrl", "https://dcf.example.gov/51a", "districtAttorneyUrl", "https://da.example.gov/notices");
        MassachusettsAdapter closed = TestConfig.adapter(TestConfig.with(state), new RecordingReporter());
        assertFalse(closed.statusEndpointEnabled());
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        try {
            camel.addRoutes(pathOf(closed));
            assertTrue(camel.getRouteDefinition("US-MA-deliver") != null, "deliveries run");
            assertEquals(null, camel.getRouteDefinition("US-MA-status"), "no status route");
        } finally {
            camel.close();
        }
        java.util.Map<String, Object> withToken = new java.util.HashMap<>(state);
        withToken.put("_statusToken", "s3cret");
        assertTrue(TestConfig.adapter(TestConfig.with(withToken), new RecordingReporter()).statusEndpointEnabled());
        // with the sandbox, its peer's token is taken (MassachusettsProductionConfigTest)
    }

    /** The path the core builds around the adapter (on in-memory queues). */
    private static JurisdictionPipeline pathOf(MassachusettsAdapter adapter) {
        return new JurisdictionPipeline(adapter, adapter, new RecordingReporter(), java.time.Clock.systemUTC(),
                JurisdictionPipeline.Queues.inMemory());
    }
}

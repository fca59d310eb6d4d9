package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;
import static org.safeharbor.tck.ConformanceReferrals.referral;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralField;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;
import org.safeharbor.tck.ConformanceReferrals;

/**
 * The Florida routes in a plain CamelContext against the real SFTP peer: referrals are collected into a batch kept in
 * the database, sent as one batch file per interval, validated and recorded by the peer, and acknowledged from its
 * outbox.
 */
class FloridaDeliveryTest extends SftpRoutesHarness {

    // ------------------------------------------------------------------ delivered, validated, acknowledged

    @Test
    void referralsAreBatchedValidatedRecordedAndAcknowledgedWithTheIntakeNumber() throws Exception {
        startRoutes(Map.of());
        queue(referralWithId("fl-ref-0001",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT),
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT, CaregiverRole.ACT),
                Allegation.of(AllegationType.PORNOGRAPHY, Certainty.AT_RISK)));
        queue(referralWithId("fl-ref-0002",
                allegation(AllegationType.SURVIVAL_SEX, Certainty.CONFIRMED, PerpetratorRelation.STEP_OR_FOSTER_PARENT, CaregiverRole.FAILURE_TO_PROTECT)));

        // collected, not yet sent: the queue message is safe once the referral is in the batch in the database
        assertEquals(List.of("fl-ref-0001", "fl-ref-0002"), waiting());
        assertTrue(peer.deliveries().isEmpty());
        assertTrue(reporter.updates().isEmpty());

        flush();

        assertEquals(1, peer.batches().size(), "both referrals in one batch file");
        FloridaSftpPeer.Delivery first = peer.delivery("fl-ref-0001").orElseThrow();
        // a stranger is never written as a caregiver: role not-applicable whatever the allegation came with
        assertEquals(List.of("SXN sex-trafficking suspected non-family not-applicable", "LAB labor-trafficking confirmed parent act"),
                first.records().stream().map(r -> r.getDcfCategory() + " " + r.getAllegationType() + " " + r.getCertainty()
                        + " " + r.getPerpetratorRelation() + " " + r.getCaregiverRole()).toList(),
                "the at-risk signal is not sent");
        FloridaSftpPeer.Delivery second = peer.delivery("fl-ref-0002").orElseThrow();
        assertEquals("SXC", second.records().get(0).getDcfCategory());
        assertEquals(first.lines(), Files.readString(temp.resolve("records").resolve("fl-ref-0001.dat")),
                "recorded as one file per referral id");

        // only the declared fields left the adapter
        Set<ReferralField> declared = adapter.format().disclosedFields();
        ConformanceReferrals.TELLTALES.forEach((field, values) -> {
            if (!declared.contains(field)) {
                values.forEach(v -> assertFalse(first.lines().contains(v), field + " reached the state"));
            }
        });

        assertEquals(List.of(), waiting());
        assertEquals(0, unconfirmed(), "the batch leaves the database once its file is on the server");
        assertEquals(2, reporter.updates().stream().filter(u -> u.status() == DeliveryStatus.DELIVERED).count());

        StatusUpdate ack1 = reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED && u.referralId().value().equals("fl-ref-0001"), "ACK 1");
        StatusUpdate ack2 = reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED && u.referralId().value().equals("fl-ref-0002"), "ACK 2");
        assertEquals(first.intakeNumber(), ack1.stateIntakeNumber());
        assertEquals("FL-2026-000001", ack1.stateIntakeNumber());
        assertEquals("FL-2026-000002", ack2.stateIntakeNumber());
        assertEquals(FloridaAdapter.FLORIDA, ack1.jurisdiction());
        List<DeliveryStatus> order = reporter.updates().stream().filter(u -> u.referralId().value().equals("fl-ref-0001"))
                .map(StatusUpdate::status).toList();
        assertEquals(List.of(DeliveryStatus.DELIVERED, DeliveryStatus.ACKNOWLEDGED), order);
    }

    /**
     * A foster child's at-risk signal (42 U.S.C. 671(a)(34), the format's child-in-care rule): one {@code R} record in the
     * batch, which the peer validates against the layout and its rules (the rule named, a known form, no certainty) and
     * acknowledges; a child not in care's same signal is not sent.
     */
    @Test
    void aFosterChildsAtRiskSignalIsDeliveredAsAnRRecordValidatedAndAcknowledged() throws Exception {
        startRoutes(Map.of());
        Referral r = referralWithId("fl-ref-0010", Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        queue(new Referral(r.id(), r.child(), r.placeOfCare(), r.reporter(), r.receivedAt(), r.occurredAt(), r.allegations(),
                r.source(), org.safeharbor.api.v1.CareStatus.FOSTER_CARE, false));
        queue(referralWithId("fl-ref-0011", Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)));
        flush();

        FloridaSftpPeer.Delivery delivery = peer.delivery("fl-ref-0010").orElseThrow();
        assertEquals(List.of("R PL113183 sex-trafficking 1/1"), delivery.records().stream().map(x -> x.getRecordType() + " "
                + x.getDcfCategory() + " " + x.getAllegationType() + " " + x.getAllegationSeq() + "/" + x.getAllegationCount()).toList());
        assertTrue(delivery.records().get(0).getCertainty() == null || delivery.records().get(0).getCertainty().isBlank(), "no certainty");
        assertEquals(List.of(), peer.rejections());
        assertEquals(List.of(), peer.refusedFiles());
        StatusUpdate ack = reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED && u.referralId().value().equals("fl-ref-0010"),
                "the signal's ACK");
        assertTrue(ack.stateIntakeNumber().startsWith("FL-2026-"));
        assertTrue(peer.delivery("fl-ref-0011").isEmpty(), "a child not known to be in care: no rule sends the signal");
    }

    @Test
    void aRedeliveredReferralIsSpooledOnceAndKeepsItsIntakeNumber() throws Exception {
        startRoutes(Map.of());
        Referral referral = referralWithId("fl-ref-0003",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE));
        queue(referral);
        queue(referral);
        assertEquals(List.of("fl-ref-0003"), waiting(), "a redelivery replaces its own records in the batch");
        flush();
        String number = reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "first ACK").stateIntakeNumber();
        // e.g. the queue redelivers after a crash that came after the upload
        queue(referral);
        flush();
        assertEquals(2, peer.batches().size());
        List<StatusUpdate> acks = reporter.awaitCount(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, 2, "second ACK");
        assertEquals(List.of(number, number), acks.stream().map(StatusUpdate::stateIntakeNumber).toList(),
                "the state de-duplicates by referral id");
        assertEquals(1, peer.deliveries().size());
    }

    @Test
    void aReferralWithNothingForFloridaIsNotSentAndNoEmptyBatchGoesOut() throws Exception {
        startRoutes(Map.of());
        queue(referralWithId("fl-ref-0004", Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK),
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.RULED_OUT)));
        assertEquals(List.of(DeliveryStatus.NOT_SENT), reporter.updates().stream().map(StatusUpdate::status).toList());
        assertEquals(List.of(), waiting());
        flush();
        assertTrue(peer.batches().isEmpty());
        assertTrue(peer.refusedFiles().isEmpty());
    }

    // ------------------------------------------------------------------ failures: nothing is lost, nothing claimed

    @Test
    void aPeerThatIsDownLeavesTheBatchInTheDatabaseUntilItIsBack() throws Exception {
        startRoutes(Map.of());
        peer.close();
        queue(referralWithId("fl-ref-0005",
                allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE)));

        path.producer().requestBody(FloridaAdapter.FLUSH_ENDPOINT, (Object) null);
        Thread.sleep(1500); // the first try and two more (resendInterval PT0.5S)
        assertTrue(reporter.updates().stream().noneMatch(u -> u.status() == DeliveryStatus.DELIVERED));
        assertEquals(List.of(), waiting());
        assertEquals(1, unconfirmed(), "the completed batch stays in the database");

        // the server is back: the batch is sent again (resendInterval) and only then DELIVERED
        peer = startPeer();
        reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK after the outage");
        assertTrue(peer.delivery("fl-ref-0005").isPresent());
        assertEquals(List.of(DeliveryStatus.DELIVERED, DeliveryStatus.ACKNOWLEDGED),
                reporter.updates().stream().map(StatusUpdate::status).toList());
        await(() -> unconfirmed() == 0);
        assertEquals(0, unconfirmed(), "confirmed once on the server");
    }

    @Test
    void aBatchFileThePeerRefusesIsNotReportedDeliveredAndStaysInTheDatabase() throws Exception {
        // a damaged envelope (the trailer lost, as in a truncated transfer)
        startRoutes(Map.of(), camel -> AdviceWith.adviceWith(camel, FloridaAdapter.CODE + "-collect", route -> route
                .weaveByToUri("sftp:*").before().process(exchange -> {
                    String whole = exchange.getMessage().getBody(String.class);
                    exchange.getMessage().setBody(whole.substring(0, whole.lastIndexOf("\r\n", whole.length() - 3) + 2));
                })));
        queue(referralWithId("fl-ref-0006",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)));

        path.producer().requestBody(FloridaAdapter.FLUSH_ENDPOINT, (Object) null);
        await(() -> !peer.refusedFiles().isEmpty());
        assertFalse(peer.refusedFiles().isEmpty(), "the peer refused the file at the transport");
        assertTrue(peer.deliveries().isEmpty());
        assertTrue(reporter.updates().stream().noneMatch(u -> u.status() == DeliveryStatus.DELIVERED));
        assertEquals(1, unconfirmed(), "kept for the next try");
        try (Stream<Path> inbox = Files.list(peer.sftpRoot().resolve(FloridaSftpPeer.INBOX))) {
            assertEquals(0, inbox.filter(f -> !f.getFileName().toString().startsWith(".")).count(),
                    "a refused file never appears under its final name");
        }
    }

    @Test
    void aBatchSurvivesARestartOfTheAdapter() throws Exception {
        startRoutes(Map.of());
        queue(referralWithId("fl-ref-0010",
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT)));
        assertEquals(List.of("fl-ref-0010"), waiting());

        // Karaf stops (or the bundle is updated) before the interval: the open batch is in the database, not in memory
        path.close();
        adapter.deactivate();
        startRoutes(Map.of());
        assertEquals(List.of("fl-ref-0010"), waiting());
        flush();

        assertTrue(peer.delivery("fl-ref-0010").isPresent());
        reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK after the restart");
    }

    @Test
    void aReferralAnEarlierVersionLeftInItsSpoolGoesOutInTheNextBatchInTheCurrentLayout() throws Exception {
        FloridaFormat format = new FloridaFormat(FloridaCategories.PLACEHOLDERS);
        String current = format.write(referralWithId("fl-ref-0011", allegation(AllegationType.EXPLOITATION_THROUGH_PROSTITUTION,
                Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.NOT_APPLICABLE))).orElseThrow();
        format.close();
        // spooled by a version of layout FL1: the type field 24 characters wide, the former code
        String former = current.substring(0, 77) + String.format("%24s", "prostitution") + current.substring(117);
        Files.createDirectories(temp.resolve("spool"));
        Files.writeString(temp.resolve("spool").resolve("fl-ref-0011.dat"), former);

        startRoutes(Map.of());
        await(() -> !waiting().isEmpty());
        assertEquals(List.of("fl-ref-0011"), waiting());
        assertFalse(Files.exists(temp.resolve("spool").resolve("fl-ref-0011.dat")), "the former spool file is gone once in the batch");
        flush();

        assertEquals(current, peer.delivery("fl-ref-0011").orElseThrow().lines(), "sent as FL2, under the current code");
        reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK");
    }

    @Test
    void aRecordThePeerRejectsBecomesRejectedWithTheStatesReason() throws Exception {
        // the adapter uses a category code the state does not know (e.g. codes changed at DCF, config not updated)
        startRoutes(Map.of("categorySexualNonCaregiver", "ZZZ"));
        queue(referralWithId("fl-ref-0007",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)));
        queue(referralWithId("fl-ref-0008",
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)));
        flush();

        StatusUpdate rejected = reporter.await(u -> u.status() == DeliveryStatus.REJECTED, "REJECTED");
        assertEquals("fl-ref-0007", rejected.referralId().value());
        assertEquals("unknown DCF category code", rejected.reason());
        assertTrue(peer.delivery("fl-ref-0007").isEmpty());
        assertFalse(Files.exists(temp.resolve("records").resolve("fl-ref-0007.dat")), "a rejected referral is not recorded");
        // the other referral of the same batch is accepted
        assertEquals("fl-ref-0008", reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK").referralId().value());
        assertTrue(reporter.updates().stream().noneMatch(u -> u.status() == DeliveryStatus.ACKNOWLEDGED
                && u.referralId().value().equals("fl-ref-0007")));
    }
}

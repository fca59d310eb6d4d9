package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;

/** The state's later status lines, written by the peer into its outbox, become the right status updates. */
class FloridaStatusBackTest extends SftpRoutesHarness {

    @ParameterizedTest
    @EnumSource(value = DeliveryStatus.class, names = {"SCREENED_IN", "SCREENED_OUT", "INVESTIGATION_OPENED"})
    void aLaterStatusLineBecomesTheStatusUpdate(DeliveryStatus status) throws Exception {
        startRoutes(Map.of());
        queue(referralWithId("fl-sts-0001",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT)));
        flush();
        String number = reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK").stateIntakeNumber();

        peer.sendStatus("fl-sts-0001", status, "decided by the hotline");

        StatusUpdate later = reporter.await(u -> u.status() == status, status.name());
        assertEquals("fl-sts-0001", later.referralId().value());
        assertEquals(FloridaAdapter.FLORIDA, later.jurisdiction());
        assertEquals(number, later.stateIntakeNumber(), "the status names the intake it belongs to");
        assertEquals("decided by the hotline", later.reason());
        assertEquals(NOW, later.at(), "the state's own time of the decision");
        assertEquals(List.of(DeliveryStatus.DELIVERED, DeliveryStatus.ACKNOWLEDGED, status),
                reporter.updates().stream().map(StatusUpdate::status).toList());
    }

    @Test
    void statusFilesAreTakenOffTheServerOnceRead() throws Exception {
        startRoutes(Map.of());
        queue(referralWithId("fl-sts-0002",
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)));
        flush();
        reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK");
        peer.sendStatus("fl-sts-0002", DeliveryStatus.SCREENED_IN, null);
        reporter.await(u -> u.status() == DeliveryStatus.SCREENED_IN, "SCREENED_IN");
        // the consumer deletes after a successful read; once the last status is reported the outbox empties
        Path outbox = peer.sftpRoot().resolve(FloridaSftpPeer.OUTBOX);
        long until = System.nanoTime() + 30_000_000_000L;
        while (visibleFiles(outbox) > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(0, visibleFiles(outbox));
    }

    @Test
    void aStatusFileWithAnUnknownLineReportsNothingAndStaysOnTheServer() throws Exception {
        startRoutes(Map.of());
        queue(referralWithId("fl-sts-0004",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.UNKNOWN, CaregiverRole.NOT_APPLICABLE)));
        flush();
        reporter.await(u -> u.status() == DeliveryStatus.ACKNOWLEDGED, "ACK");
        // a file whose second line carries a status code the layout does not know
        Path outbox = peer.sftpRoot().resolve(FloridaSftpPeer.OUTBOX);
        String good = "S" + pad("fl-sts-0004", 64) + "SIN" + pad("FL-2026-000001", 20) + "20261121102000" + pad("", 40) + pad("", 80);
        String bad = "S" + pad("fl-sts-0004", 64) + "XYZ" + pad("FL-2026-000001", 20) + "20261121102000" + pad("", 40) + pad("", 80);
        Files.writeString(outbox.resolve(".tmp"), good + "\r\n" + bad + "\r\n");
        Files.move(outbox.resolve(".tmp"), outbox.resolve("STS-00000000000000-bad.dat"));
        // a good file written after it: by the time its status is reported, the bad one has been tried
        peer.sendStatus("fl-sts-0004", DeliveryStatus.INVESTIGATION_OPENED, null);
        reporter.await(u -> u.status() == DeliveryStatus.INVESTIGATION_OPENED, "INVESTIGATION_OPENED");

        assertTrue(Files.exists(outbox.resolve("STS-00000000000000-bad.dat")), "kept for an operator, read again at the next poll");
        assertTrue(reporter.updates().stream().noneMatch(u -> u.status() == DeliveryStatus.SCREENED_IN),
                "not even its good first line was reported");
    }

    private static String pad(String s, int width) {
        return String.format("%-" + width + "s", s);
    }

    @Test
    void thePeerSendsNoStatusForAReferralItNeverAcceptedNorOneTheStateDoesNotSend() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> peer.sendStatus("never-sent", DeliveryStatus.SCREENED_IN, null));
        startRoutes(Map.of());
        queue(referralWithId("fl-sts-0003",
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT)));
        flush();
        assertThrows(IllegalArgumentException.class, () -> peer.sendStatus("fl-sts-0003", DeliveryStatus.DELIVERED, null));
    }

    private static long visibleFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }
}

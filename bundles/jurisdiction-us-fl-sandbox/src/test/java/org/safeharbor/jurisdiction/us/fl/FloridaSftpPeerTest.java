package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.jurisdiction.us.fl.layout.BatchHeaderRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchTrailerRecord;
import org.safeharbor.jurisdiction.us.fl.layout.StatusRecord;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;

/**
 * The peer on its own, driven by a plain SFTP client (MINA SSHD's, writing files in place rather than renaming):
 * it authenticates, validates every record with the bundle's Bindy layout, and answers in its outbox.
 */
class FloridaSftpPeerTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path temp;

    FloridaSftpPeer peer;
    FloridaFormat format = new FloridaFormat(FloridaCategories.PLACEHOLDERS);
    SshClient client;

    @BeforeEach
    void start() throws IOException {
        peer = new FloridaSftpPeer(new FloridaSftpPeer.Settings("127.0.0.1", 0, "dcf", "pw", temp.resolve("server"),
                temp.resolve("records"), FloridaCategories.PLACEHOLDERS, Clock.fixed(NOW, ZoneOffset.UTC)));
        peer.start();
        client = SshClient.setUpDefaultClient();
        client.start();
    }

    @AfterEach
    void stop() throws IOException {
        client.stop();
        peer.close();
        format.close();
    }

    SftpClient sftp(String password) throws IOException {
        ClientSession session = client.connect("dcf", "127.0.0.1", peer.port()).verify(10_000).getSession();
        session.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        session.addPasswordIdentity(password);
        session.auth().verify(10_000);
        return SftpClientFactory.instance().createSftpClient(session);
    }

    static void put(SftpClient sftp, String path, String content) throws IOException {
        try (OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    String detail(String referralId, AllegationType type, PerpetratorRelation perpetrator) {
        var r = FloridaDeliveryTest.referralWithId(referralId, allegation(type, Certainty.SUSPECTED, perpetrator,
                perpetrator == PerpetratorRelation.UNKNOWN ? CaregiverRole.NOT_APPLICABLE : CaregiverRole.ACT));
        return format.write(r).orElseThrow();
    }

    /** A batch file as the adapter writes it (Bindy's header, the detail lines as given, its footer with their counts). */
    String batch(String batchId, int referrals, String... details) {
        String lines = String.join("", details);
        return format.fixedWidth().write(List.of(new BatchHeaderRecord(batchId, NOW, "TEST"))) + lines
                + format.fixedWidth().write(List.of(new BatchTrailerRecord(batchId, (int) lines.lines().count(), referrals)));
    }

    List<StatusRecord> ack(String batchId) throws IOException {
        return format.fixedWidth().readLines(StatusRecord.class,
                Files.readString(peer.sftpRoot().resolve("outbox").resolve("ACK-" + batchId + ".dat")));
    }

    @Test
    void aWrongPasswordIsRefused() {
        assertThrows(IOException.class, () -> sftp("not-the-password"));
    }

    @Test
    void aFileWrittenInPlaceIsValidatedRecordByRecordAndAnswered() throws IOException {
        String good = detail("peer-0001", AllegationType.SEX_TRAFFICKING, PerpetratorRelation.NON_FAMILY);
        String badLine = detail("peer-0002", AllegationType.LABOR_TRAFFICKING, PerpetratorRelation.UNKNOWN);
        // a record one character short: the fixed-width layout does not hold
        badLine = badLine.substring(0, badLine.length() - 3) + "\r\n";
        String wrongCategory = detail("peer-0003", AllegationType.SEX_TRAFFICKING, PerpetratorRelation.PARENT)
                .replaceFirst("SXC     ", "SXN     ");
        String batch = batch("B-1", 3, good, badLine, wrongCategory);
        try (SftpClient sftp = sftp("pw")) {
            put(sftp, "inbox/SH-FL-B-1.dat", batch);
        }

        List<StatusRecord> answer = ack("B-1");
        assertEquals(List.of("peer-0001 ACC FL-2026-000001", "peer-0002 REJ -", "peer-0003 REJ -"),
                answer.stream().map(a -> a.getReferralId() + " " + a.getStatusCode() + " "
                        + (a.getIntakeNumber() == null || a.getIntakeNumber().isBlank() ? "-" : a.getIntakeNumber())).toList());
        assertEquals("record 1 does not match the FL2 fixed-width layout", answer.get(1).getReason());
        assertEquals("DCF category does not match the allegation's type and perpetrator", answer.get(2).getReason());
        assertEquals(List.of("peer-0001"), peer.deliveries().stream().map(FloridaSftpPeer.Delivery::referralId).toList());
        assertTrue(Files.exists(temp.resolve("records").resolve("peer-0001.dat")));
        assertFalse(Files.exists(temp.resolve("records").resolve("peer-0002.dat")));
    }

    @Test
    void aFileWhoseTrailerDoesNotAddUpIsRefusedWholeAtTheTransport() throws IOException {
        String batch = batch("B-2", 1, detail("peer-0004", AllegationType.PORNOGRAPHY, PerpetratorRelation.UNKNOWN));
        String lying = batch.replace("00000010000001", "00000020000001");
        assertTrue(!lying.equals(batch));
        try (SftpClient sftp = sftp("pw")) {
            assertThrows(IOException.class, () -> put(sftp, "inbox/SH-FL-B-2.dat", lying));
        }
        assertEquals(List.of("SH-FL-B-2.dat"), peer.refusedFiles());
        assertTrue(peer.deliveries().isEmpty());
        assertFalse(Files.exists(peer.sftpRoot().resolve("outbox").resolve("ACK-B-2.dat")), "no answer for a refused file");
    }

    @Test
    void theHostKeyIsKeptOutsideWhatClientsSee() throws IOException {
        try (SftpClient sftp = sftp("pw")) {
            assertTrue(Files.exists(temp.resolve("server").resolve("hostkey.ser")), "generated on first use");
            List<String> top = new java.util.ArrayList<>();
            sftp.readDir("/").forEach(e -> top.add(e.getFilename()));
            assertFalse(top.contains("hostkey.ser"));
            assertTrue(top.containsAll(List.of("inbox", "outbox")));
        }
    }
}

package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;

/**
 * Issue 14: the batch tables hold Florida's records (the child's name, birth date and address) encrypted with the
 * message store's keys; read with plain JDBC they show none of it, and the batch still goes out after a restart.
 */
class FloridaBatchEncryptionTest extends SftpRoutesHarness {

    @Test
    void theOpenBatchIsEncryptedInTheDatabaseAndStillSentAfterARestart() throws Exception {
        startRoutes(Map.of());
        Referral referral = referralWithId("fl-ref-0042",
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.NON_FAMILY, CaregiverRole.ACT));
        queue(referral);
        assertEquals(List.of("fl-ref-0042"), waiting(), "the referral is in the open batch");

        List<String> personal = List.of(referral.child().name().family(), referral.child().name().given().get(0),
                referral.child().birthDate().toString(), DateTimeFormatter.BASIC_ISO_DATE.format(referral.child().birthDate()),
                referral.child().residence().lines().get(0));
        List<byte[]> rows = rows(FloridaTransport.REPOSITORY);
        assertEquals(1, rows.size(), "one open batch");
        assertNoneIn(rows, personal);

        // Karaf restarts before the interval: the encrypted batch is read back and sent
        path.close();
        adapter.deactivate();
        startRoutes(Map.of());
        assertEquals(List.of("fl-ref-0042"), waiting());
        flush();

        FloridaSftpPeer.Delivery sent = peer.delivery("fl-ref-0042").orElseThrow();
        assertEquals(referral.child().name().family(), sent.records().get(0).getChildFamilyName(), "the state gets the records as they were");
        assertEquals(referral.child().birthDate(), sent.records().get(0).getChildBirthDate());
        reporter.await(u -> u.status() == DeliveryStatus.DELIVERED, "DELIVERED after the restart");
    }

    @Test
    void aCompletedBatchWaitingForTheServerIsEncryptedToo() throws Exception {
        startRoutes(Map.of());
        peer.close();
        Referral referral = referralWithId("fl-ref-0043",
                allegation(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED, PerpetratorRelation.PARENT, CaregiverRole.ACT));
        queue(referral);
        path.producer().requestBody(FloridaAdapter.FLUSH_ENDPOINT, (Object) null);
        await(() -> unconfirmed() == 1);
        assertEquals(1, unconfirmed(), "the batch waits in batch_us_fl_completed while the server is down");

        assertNoneIn(rows(FloridaTransport.REPOSITORY + "_completed"), List.of(referral.child().name().family(),
                DateTimeFormatter.BASIC_ISO_DATE.format(referral.child().birthDate()), referral.child().residence().lines().get(0)));

        peer = startPeer();
        reporter.await(u -> u.status() == DeliveryStatus.DELIVERED, "DELIVERED once the server is back");
        assertTrue(peer.delivery("fl-ref-0043").isPresent());
    }

    private static void assertNoneIn(List<byte[]> rows, List<String> personal) {
        for (byte[] row : rows) {
            assertTrue(row.length > 0);
            // Java serialization writes these ASCII strings as they are: in UTF-8 and Latin-1 alike
            String bytes = new String(row, StandardCharsets.ISO_8859_1);
            for (String value : personal) {
                assertFalse(bytes.contains(value), "the stored batch shows a personal value in plain text");
            }
        }
    }

    /** The exchange column of every row of this table, read with plain JDBC. */
    private List<byte[]> rows(String table) throws SQLException {
        List<byte[]> rows = new ArrayList<>();
        try (Connection c = database.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT exchange FROM " + table)) {
            while (r.next()) {
                rows.add(r.getBytes(1));
            }
        }
        return rows;
    }
}

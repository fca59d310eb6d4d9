package org.safeharbor.jurisdiction.us.fl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSftpPeer;
import org.safeharbor.tck.DeliveryContractTest;

/**
 * The kit's delivery contract for Florida, whose transport is a batch: each attempt takes the referral into the open
 * batch (in the database), and a batch file carries the batch to DCF's SFTP server (here the sandbox peer) when it is
 * full or at the next interval; the kit flushes it after each queue message ({@link #sendCollected}). Three checks are about a transport that reaches the state at the
 * attempt and do not apply (see {@link #notApplicable}); the same queue message delivered once and the attempt numbers
 * rising across replays do.
 */
class FloridaDeliveryContractTest extends DeliveryContractTest {

    @TempDir
    Path temp;

    private FloridaSftpPeer peer;
    private DataSource database;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        port = SftpRoutesHarness.freePort();
        peer = SftpRoutesHarness.startPeer(temp, port);
    }

    @AfterEach
    void stopServer() throws Exception {
        peer.close();
    }

    @Override
    protected Map<Check, String> notApplicable() {
        return Map.of(
                Check.TRANSPORT_HEADERS, "SFTP carries batch files, not one request per attempt with headers: each record"
                        + " names its referral id, and DCF's fixed-width layout has no field for the attempt number (DCF"
                        + " de-duplicates by referral id)",
                Check.REFUSAL_QUARANTINED, "DCF refuses a record in the acknowledgement file it writes after the batch,"
                        + " not at the attempt: a REJECTED status, not the quarantine (FloridaDeliveryTest"
                        + ".aRecordThePeerRejectsBecomesRejectedWithTheStatesReason)",
                Check.PASSING_FAILURE_RETRIED, "an attempt takes the referral into the batch in the database, which succeeds"
                        + " whether DCF's server is up or not; a batch the server does not take stays in the database and is"
                        + " sent again (FloridaDeliveryTest.aPeerThatIsDownLeavesTheBatchInTheDatabaseUntilItIsBack)");
    }

    @Override
    protected JurisdictionAdapter adapter(StatusReporter reporter) {
        database = TestDatabase.withBatchTables();
        return new FloridaAdapter(SftpRoutesHarness.config(temp, port, Map.of()), reporter, database, clock(), true);
    }

    @Override
    protected void close(JurisdictionAdapter adapter) {
        ((FloridaAdapter) adapter).deactivate();
    }

    @Override
    protected void sendCollected() throws InterruptedException {
        // the batch interval, now: what the attempts collected goes to the server as one file (sent on the Aggregator's
        // thread: on the server once the database holds no batch)
        camel().createProducerTemplate().requestBody(FloridaAdapter.FLUSH_ENDPOINT, (Object) null);
        SftpRoutesHarness.await(() -> TestDatabase.batches(database) == 0);
    }

    @Override
    protected void peer(Peer behaviour) {
        if (behaviour != Peer.ACCEPTS) {
            unsupported(behaviour, "only the checks Florida opts out of ask for it");
        }
    }

    @Override
    protected List<Map<String, String>> requestsSeen() {
        return List.of(); // no per-request headers over SFTP: TRANSPORT_HEADERS does not apply
    }

    @Override
    protected long deliveriesSeen(ReferralId referralId) {
        return peer.timesReceived(referralId.value());
    }

    @Override
    protected Clock clock() {
        return Clock.fixed(SftpRoutesHarness.NOW, ZoneOffset.UTC);
    }
}

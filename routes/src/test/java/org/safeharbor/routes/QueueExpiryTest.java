package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.ExpiredMessage;
import org.safeharbor.store.MessageStore;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Dead letters and quarantined referrals leave a real broker after a (here: short) expiry for the message store's
 * records: the queue no longer holds them, the store says which referral each carried, the referral stays readable
 * there for a replay, younger messages stay, and the sweep is audited with counts only.
 */
class QueueExpiryTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");

    @TempDir
    Path data;
    private TestArtemis broker;
    private JmsConnectionFactory connections;
    private MessageStore store;

    @BeforeEach
    void start() throws Exception {
        broker = TestArtemis.start(data);
        connections = new JmsConnectionFactory(broker.url);
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void oldDeadLettersAndQuarantinedReferralsLeaveTheBrokerForTheStoreAndStayReplayable() throws Exception {
        accept("r-dead", DeliveryStatus.FAILED);
        accept("r-refused", DeliveryStatus.REJECTED);
        send(DeliveryContract.deadLetters(ZZ), "r-dead");
        send(DeliveryContract.quarantine(ZZ), "r-refused");
        send(DeliveryContract.deadLetters(ZZ), "r-deleted-by-retention");
        Thread.sleep(1_500);
        accept("r-young", DeliveryStatus.FAILED);
        send(DeliveryContract.deadLetters(ZZ), "r-young");

        QueueExpiry expiry = expiry(Duration.ofSeconds(1));
        assertEquals(new QueueExpiry.Swept(2, 1), expiry.sweep());

        // off the broker, except what is younger than the expiry
        assertEquals(List.of("r-young"), referralIds(DeliveryContract.deadLetters(ZZ)));
        assertEquals(List.of(), referralIds(DeliveryContract.quarantine(ZZ)));
        // in the store's records: the dead letter is still one (harbor:dead-letters lists it, --dead-letters replays it)
        List<ExpiredMessage> expired = store.expiredDeadLetters(ZZ);
        assertEquals(List.of(new ReferralId("r-dead")), expired.stream().map(ExpiredMessage::referralId).toList());
        assertEquals(DeliveryContract.deadLetters(ZZ), expired.get(0).queue());
        assertTrue(store.events(new ReferralId("r-refused")).stream().anyMatch(e -> e.contains("expired-from-broker")
                && e.contains(DeliveryContract.quarantine(ZZ))), store.events(new ReferralId("r-refused")).toString());
        // a replay needs the referral and its submission, which the store keeps (encrypted)
        assertTrue(store.rawSubmission(new ReferralId("r-dead")).isPresent());
        assertEquals(DeliveryStatus.FAILED, store.find(new ReferralId("r-dead")).orElseThrow().deliveries().get(0).status());
        store.recordReplay(new ReferralId("r-dead"), ZZ, "submission", null, "alice");
        assertTrue(store.expiredDeadLetters(ZZ).isEmpty(), "replayed: no longer waiting");

        List<AuditRecord> sweeps = store.auditRecords(AuditQuery.ALL, 0, 100).stream().filter(r -> r.eventCode().equals("queue-expiry")).toList();
        assertEquals(1, sweeps.size());
        assertTrue(sweeps.get(0).json().contains("recorded-in-store"), sweeps.get(0).json());
        assertFalse(sweeps.get(0).json().contains("r-dead"), "counts only: " + sweeps.get(0).json());

        assertEquals(new QueueExpiry.Swept(0, 0), expiry(Duration.ofHours(1)).sweep(), "nothing past an hour");
        assertEquals(List.of("r-young"), referralIds(DeliveryContract.deadLetters(ZZ)));
    }

    @Test
    void theSameMessageRecordedTwiceIsRecordedOnce() {
        accept("r-dead", DeliveryStatus.FAILED);
        Instant at = Instant.now();
        assertTrue(store.recordExpired("ID:1", new ReferralId("r-dead"), ZZ, DeliveryContract.deadLetters(ZZ), at));
        assertTrue(store.recordExpired("ID:1", new ReferralId("r-dead"), ZZ, DeliveryContract.deadLetters(ZZ), at));
        assertEquals(1, store.expiredDeadLetters(ZZ).size());
        assertFalse(store.recordExpired("ID:2", new ReferralId("r-unknown"), ZZ, DeliveryContract.deadLetters(ZZ), at));
    }

    private QueueExpiry expiry(Duration after) {
        CachingConnectionFactory shared = new CachingConnectionFactory(connections);
        return new QueueExpiry(connections, new BrokerQueues(shared, 5_000)::parked, store, after, Clock.systemUTC());
    }

    private void accept(String id, DeliveryStatus status) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "ZZ", null, "US"));
        store.accept("ehr|" + id, new Referral(new ReferralId(id), child, null, null, Instant.now(), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{\"resourceType\":\"Bundle\"}",
                "application/fhir+json", Map.of(ZZ, status));
    }

    private void send(String queue, String referralId) throws Exception {
        try (Connection connection = connections.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            TextMessage message = session.createTextMessage("{\"id\":\"" + referralId + "\"}");
            message.setStringProperty(DeliveryContract.REFERRAL_ID, referralId);
            producer.send(message);
        }
    }

    private List<String> referralIds(String queue) throws Exception {
        try (Connection connection = connections.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            connection.start();
            List<String> ids = new ArrayList<>();
            try (QueueBrowser browser = session.createBrowser(session.createQueue(queue))) {
                for (Object m : Collections.list(browser.getEnumeration())) {
                    ids.add(((Message) m).getStringProperty(DeliveryContract.REFERRAL_ID));
                }
            }
            return ids;
        }
    }
}

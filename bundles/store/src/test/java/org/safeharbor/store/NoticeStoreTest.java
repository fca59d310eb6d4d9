package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PendingNotice;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;

/**
 * Notices a state's law requires besides the report (Massachusetts' s.51B(k) notices): each recorded
 * durably with its payload and every attempt, with a status of its own that never touches the report's delivery.
 */
class NoticeStoreTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private static final ReferralId ID = new ReferralId("r-ma");
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final String DA = "district-attorney";
    private static final String POLICE = "law-enforcement";

    private MessageStore store;

    @BeforeEach
    void deliveredAndScreenedIn() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "MA", null, "US"));
        store.accept("ehr|msg-ma", new Referral(ID, child, null, null, NOW.minusSeconds(60), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{}", "application/fhir+json",
                Map.of(MA, DeliveryStatus.QUEUED));
        store.recordAttempt(ID, MA, "{\"report\":1}");
        store.recordAttemptFailed(ID, MA, 1, "ConnectException");
        store.recordAttempt(ID, MA, "{\"report\":2}");
        store.report(new StatusUpdate(ID, MA, DeliveryStatus.ACKNOWLEDGED, "MA-1", NOW, null));
    }

    private void screenedIn() {
        store.report(new StatusUpdate(ID, MA, DeliveryStatus.SCREENED_IN, "MA-1", NOW, null));
    }

    private Notice notice(String recipient) {
        return store.notices(ID).stream().filter(n -> n.recipient().equals(recipient)).findFirst().orElseThrow();
    }

    private DeliveryStatus delivery() {
        return store.find(ID).orElseThrow().deliveries().get(0).status();
    }

    @Test
    void theDeliveredOutputIsTheLatestAttemptThatDidNotFail() {
        assertEquals(Optional.of("{\"report\":2}"), store.deliveredOutput(ID, MA));
        assertEquals(Optional.empty(), store.deliveredOutput(ID, Jurisdiction.of("US-IL")));
    }

    @Test
    void aNoticeIsRecordedOnlyAtItsTriggerAndOnlyOnce() {
        assertFalse(store.recordNotice(ID, MA, DA, DeliveryStatus.SCREENED_IN, "{}"), "the delivery is only acknowledged");
        assertEquals(List.of(), store.notices(ID));

        screenedIn();
        assertTrue(store.recordNotice(ID, MA, DA, DeliveryStatus.SCREENED_IN, "{\"to\":\"da\"}"));
        assertFalse(store.recordNotice(ID, MA, DA, DeliveryStatus.SCREENED_IN, "{\"to\":\"da\"}"), "once per recipient");
        assertTrue(store.recordNotice(ID, MA, POLICE, DeliveryStatus.SCREENED_IN, "{\"to\":\"police\"}"));

        Notice da = notice(DA);
        assertEquals(Notice.Status.PENDING, da.status());
        assertEquals(DeliveryStatus.SCREENED_IN, da.trigger());
        assertEquals(0, da.attempts());
        assertTrue(store.events(ID).contains("notice-due US-MA: district-attorney on SCREENED_IN"), store.events(ID).toString());
        assertThrows(NoSuchElementException.class,
                () -> store.recordNotice(new ReferralId("nobody"), MA, DA, DeliveryStatus.SCREENED_IN, "{}"));
        assertThrows(IllegalArgumentException.class, () -> store.recordNotice(ID, MA, "The DA's office", DeliveryStatus.SCREENED_IN, "{}"),
                "a recipient is a code, never free text");
    }

    @Test
    void aNoticeNeverQueuedIsHandedBackForTheSweepUntilQueued() {
        screenedIn();
        store.recordNotice(ID, MA, DA, DeliveryStatus.SCREENED_IN, "{\"to\":\"da\"}");
        store.recordNotice(ID, MA, POLICE, DeliveryStatus.SCREENED_IN, "{\"to\":\"police\"}");
        store.noticeQueued(ID, MA, POLICE);

        assertEquals(List.of(), store.unqueuedNotices(MA, NOW, 10), "recorded just now: not yet left behind");
        assertEquals(List.of(new PendingNotice(ID, MA, DA, "{\"to\":\"da\"}")), store.unqueuedNotices(MA, NOW.plusSeconds(60), 10));
        assertEquals(List.of(), store.unqueuedNotices(Jurisdiction.of("US-TX"), NOW.plusSeconds(60), 10));
        assertEquals(Notice.Status.QUEUED, notice(POLICE).status());
    }

    @Test
    void eachAttemptIsRecordedWithItsPayloadAndOutcomeAndTheDeliveryIsNotTouched() {
        screenedIn();
        store.recordNotice(ID, MA, DA, DeliveryStatus.SCREENED_IN, "{\"to\":\"da\"}");
        store.noticeQueued(ID, MA, DA);

        assertEquals(1, store.recordNoticeAttempt(ID, MA, DA, "{\"to\":\"da\"}"));
        store.recordNoticeAttemptFailed(ID, MA, DA, 1, "ConnectException");
        assertEquals(2, store.recordNoticeAttempt(ID, MA, DA, "{\"to\":\"da\"}"));
        store.noticeSent(ID, MA, DA, 2);

        Notice da = notice(DA);
        assertEquals(Notice.Status.SENT, da.status());
        assertEquals(2, da.attempts());
        List<NoticeAttempt> attempts = store.noticeAttempts(ID);
        assertEquals(List.of(1, 2), attempts.stream().map(NoticeAttempt::attempt).toList());
        assertEquals("FAILED", attempts.get(0).outcome());
        assertEquals("ConnectException", attempts.get(0).detail());
        assertEquals("SENT", attempts.get(1).outcome());
        assertEquals(Optional.of("{\"to\":\"da\"}"), store.noticePayload(ID, MA, DA, 2));
        assertEquals(0, store.recordNoticeAttempt(ID, MA, DA, "{\"to\":\"da\"}"), "sent: a second copy is dropped");
        assertEquals(0, store.recordNoticeAttempt(ID, MA, POLICE, "{}"), "never recorded: nothing to send");

        assertEquals(DeliveryStatus.SCREENED_IN, delivery(), "a notice never moves the report's delivery");
        assertEquals(2, store.lastAttempt(ID, MA), "and never adds a delivery attempt");
        assertTrue(store.events(ID).contains("notice-sent US-MA: district-attorney attempt 2"), store.events(ID).toString());
    }

    @Test
    void aNoticeThatGaveUpIsFailedWhileTheDeliveryStaysAsItWasAndASentOneStaysSent() {
        screenedIn();
        store.recordNotice(ID, MA, DA, DeliveryStatus.SCREENED_IN, "{}");
        store.recordNotice(ID, MA, POLICE, DeliveryStatus.SCREENED_IN, "{}");
        store.recordNoticeAttempt(ID, MA, DA, "{}");
        store.recordNoticeAttemptFailed(ID, MA, DA, 1, "HttpOperationFailedException");
        store.noticeFailed(ID, MA, DA, "gave up after 1 attempts (HttpOperationFailedException)");
        store.noticeSent(ID, MA, POLICE, store.recordNoticeAttempt(ID, MA, POLICE, "{}"));
        store.noticeFailed(ID, MA, POLICE, "a stale copy gave up");

        assertEquals(Notice.Status.FAILED, notice(DA).status());
        assertEquals("gave up after 1 attempts (HttpOperationFailedException)", notice(DA).reason());
        assertEquals(Notice.Status.SENT, notice(POLICE).status());
        assertEquals(DeliveryStatus.SCREENED_IN, delivery());
        assertEquals(2, store.recordNoticeAttempt(ID, MA, DA, "{}"), "an operator's resend from the dead-letter queue is attempt 2");
    }

    @Test
    void retentionKeepsAReferralWhileANoticeIsStillToBeSent() {
        store.report(new StatusUpdate(ID, MA, DeliveryStatus.INVESTIGATION_OPENED, "MA-1", NOW, null));
        store.recordNotice(ID, MA, DA, DeliveryStatus.INVESTIGATION_OPENED, "{}");
        Instant later = NOW.plusSeconds(86_400);

        assertEquals(new MessageStore.Purged(0, 0), store.purge(later, later, later), "a notice still to be sent keeps its referral");
        store.noticeFailed(ID, MA, DA, "gave up");
        assertEquals(new MessageStore.Purged(0, 0), store.purge(later, NOW.minusSeconds(3_600), later), "a failed notice is kept as long as a failed delivery");
        assertEquals(new MessageStore.Purged(1, 0), store.purge(later, later, later));
        assertEquals(List.of(), store.notices(ID));
        assertEquals(List.of(), store.noticeAttempts(ID));
    }
}

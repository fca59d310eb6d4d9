package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;

/** The console's read-only queries on a real store (H2): counts per jurisdiction, clocks that alerted, the search. */
class ConsoleQueriesTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Jurisdiction TX = Jurisdiction.of("US-TX");
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private MessageStore store;

    @BeforeEach
    void freshDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Referral referral(String id) {
        Child child = new Child(null, LocalDate.of(2012, 1, 1), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
        return new Referral(new ReferralId(id), child, null, null, NOW.minusSeconds(60), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
    }

    private void accept(String id, Jurisdiction... to) {
        Referral referral = referral(id);
        Map<Jurisdiction, DeliveryStatus> first = new LinkedHashMap<>();
        for (Jurisdiction j : to) {
            first.put(j, DeliveryStatus.QUEUED);
        }
        store.accept("ehr|" + id, referral, true, "raw", "application/fhir+json", first);
    }

    @Test
    void countsPerJurisdictionDeliveredInTheLastHourAndTheOldestWaiting() {
        accept("r-1", IL, TX);
        accept("r-2", IL);
        store.recordAttempt(new ReferralId("r-1"), IL, "<report/>");
        store.update(new StatusUpdate(new ReferralId("r-1"), IL, DeliveryStatus.ACKNOWLEDGED, "IL-1", NOW, null));
        var counts = store.consoleQueries().counts(NOW);
        assertEquals(List.of("US-IL", "US-TX"), counts.stream().map(c -> c.jurisdiction().code()).toList());
        var il = counts.get(0);
        assertEquals(Map.of(DeliveryStatus.ACKNOWLEDGED, 1, DeliveryStatus.QUEUED, 1), il.byStatus());
        assertEquals(1, il.deliveredHour());
        assertEquals(1, il.deliveredDay());
        assertEquals(NOW.minusSeconds(60), il.oldestWaiting(), "r-2's receipt");
        assertEquals(0, counts.get(1).deliveredHour());
        assertEquals(0, store.consoleQueries().counts(NOW.plusSeconds(7200)).get(0).deliveredHour(), "an hour later");
    }

    @Test
    void clockAlertsNearestFirstAtTheirLatestLevelAndOnlyWhileTheDeliveryIsNotFinal() {
        accept("r-1", IL);
        accept("r-2", IL);
        accept("r-3", IL);
        store.raiseDeadlineAlert(new ReferralId("r-1"), IL, "us-il-investigation", "50%", NOW.plusSeconds(3600));
        store.raiseDeadlineAlert(new ReferralId("r-1"), IL, "us-il-investigation", "90%", NOW.plusSeconds(3600));
        store.raiseDeadlineAlert(new ReferralId("r-2"), IL, "us-il-report", "breached", NOW.minusSeconds(60));
        store.raiseDeadlineAlert(new ReferralId("r-3"), IL, "us-il-report", "50%", NOW.plusSeconds(60));
        store.update(new StatusUpdate(new ReferralId("r-3"), IL, DeliveryStatus.REJECTED, null, NOW, "invalid"));
        var alerts = store.consoleQueries().clockAlerts(10);
        assertEquals(List.of("r-2 breached", "r-1 90%"), alerts.stream().map(a -> a.referralId().value() + " " + a.level()).toList());
        assertEquals(1, store.consoleQueries().clockAlerts(1).size());
    }

    @Test
    void searchByIdPrefixHospitalStatusJurisdictionAndDate() {
        accept("abc-1", IL, TX);
        accept("abd-2", IL);
        store.update(new StatusUpdate(new ReferralId("abc-1"), TX, DeliveryStatus.FAILED, null, NOW, "gave up"));
        ConsoleQueries q = store.consoleQueries();
        assertEquals(2, q.search("abc", null, null, null, null, null, 50).size());
        assertEquals(1, q.search("abc", null, DeliveryStatus.FAILED, null, null, null, 50).size());
        assertEquals(2, q.search(null, null, null, IL, null, null, 50).size());
        assertEquals(0, q.search("ab_", null, null, null, null, null, 50).size(), "_ is no wildcard");
        assertEquals(3, q.search(null, null, null, null, NOW.minusSeconds(61), NOW.minusSeconds(59), 50).size());
        assertEquals(0, q.search(null, null, null, null, NOW.minusSeconds(59), null, 50).size());
        // by the hospital that submitted it (its SMART client id)
        store.accept("st-marys", "st-marys|m-9", referral("by-st-marys"), true, "raw", "application/fhir+json", Map.of(IL, DeliveryStatus.QUEUED));
        assertEquals(List.of("by-st-marys"), q.search(null, "st-marys", null, null, null, null, 50).stream()
                .map(d -> d.referralId().value()).toList());
        assertEquals(0, q.search("abc", "st-marys", null, null, null, null, 50).size());
    }
}

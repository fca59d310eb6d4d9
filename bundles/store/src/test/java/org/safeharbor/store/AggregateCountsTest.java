package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CareStatus;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.ReportSource;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;
import org.springframework.jdbc.core.JdbcTemplate;

/** The de-identified aggregate counts (schema version 7): counted at acceptance, moved on outcome, suppressed, kept. */
class AggregateCountsTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Jurisdiction MO = Jurisdiction.of("US-MO");
    /** Thursday of ISO week 47 of 2026. */
    private static final Instant RECEIVED = Instant.parse("2026-11-19T10:00:00Z");

    private MessageStore store;
    private JdbcTemplate jdbc;

    /** A fresh database (H2 here; PostgreSQL in {@link AggregateCountsOnPostgresTest}). */
    javax.sql.DataSource database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @BeforeEach
    void freshDatabase() {
        javax.sql.DataSource database = database();
        store = new MessageStore(database, Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        store.aggregateMinimumCell(1);
        jdbc = new JdbcTemplate(database);
    }

    private ReferralId accept(String id, ReportSource source, Map<Jurisdiction, DeliveryStatus> statuses, Allegation... allegations) {
        return accept(id, RECEIVED, source, statuses, allegations);
    }

    private ReferralId accept(String id, Instant received, ReportSource source, Map<Jurisdiction, DeliveryStatus> statuses,
                              Allegation... allegations) {
        Child child = new Child(null, LocalDate.of(2011, 3, 4), Sex.FEMALE, new Address(null, null, "IL", null, "US"));
        Referral referral = new Referral(new ReferralId(id), child, null, null, received, null, List.of(allegations), source,
                CareStatus.UNKNOWN, false);
        store.accept("ehr|" + id, referral, true, "{}", "application/fhir+json", statuses);
        return referral.id();
    }

    private static AggregateCell cell(String jurisdiction, String type, String form, String certainty, String source, String outcome, Integer n) {
        return new AggregateCell(jurisdiction, type, form, certainty, source, outcome, "2026-W47", n);
    }

    @Test
    void aReferralCountsOnceInEachCellOfItsJurisdictionsAndDistinctAllegations() {
        accept("r-1", ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED, MO, DeliveryStatus.ON_HOLD),
                Allegation.of(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED),
                Allegation.of(AllegationType.SURVIVAL_SEX, Certainty.SUSPECTED), // the same cell: counted once
                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.AT_RISK));
        accept("r-2", ReportSource.LAW_ENFORCEMENT, Map.of(IL, DeliveryStatus.QUEUED), Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.CONFIRMED));
        assertEquals(List.of(
                cell("US-IL", "labor-trafficking", "unspecified", "at-risk", "health-care", "queued", 1),
                cell("US-IL", "sex-trafficking", "survival-sex", "suspected", "health-care", "queued", 1),
                cell("US-IL", "sex-trafficking", "unspecified", "confirmed", "law-enforcement", "queued", 1),
                cell("US-MO", "labor-trafficking", "unspecified", "at-risk", "health-care", "on-hold", 1),
                cell("US-MO", "sex-trafficking", "survival-sex", "suspected", "health-care", "on-hold", 1)), store.aggregateCounts());
    }

    @Test
    void aChangeOfStatusMovesTheCountsToTheNewOutcomeOfThatJurisdictionOnly() {
        ReferralId r1 = accept("r-1", ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.RECEIVED, MO, DeliveryStatus.ON_HOLD),
                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        accept("r-2", ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.RECEIVED), Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        store.markQueued(new StatusUpdate(r1, IL, DeliveryStatus.QUEUED, null, RECEIVED, null));
        store.update(new StatusUpdate(r1, IL, DeliveryStatus.DELIVERED, null, RECEIVED, null));
        store.update(new StatusUpdate(r1, IL, DeliveryStatus.SCREENED_IN, "IL-1", RECEIVED, null));
        store.update(new StatusUpdate(r1, IL, DeliveryStatus.QUEUED, null, RECEIVED, null)); // backwards: not applied, not counted
        assertEquals(List.of(
                cell("US-IL", "sex-trafficking", "unspecified", "suspected", "health-care", "received", 1),
                cell("US-IL", "sex-trafficking", "unspecified", "suspected", "health-care", "screened-in", 1),
                cell("US-MO", "sex-trafficking", "unspecified", "suspected", "health-care", "on-hold", 1)), store.aggregateCounts());
        store.recordReplay(r1, IL, "store", null, "operator");
        assertEquals(List.of(
                cell("US-IL", "sex-trafficking", "unspecified", "suspected", "health-care", "queued", 1),
                cell("US-IL", "sex-trafficking", "unspecified", "suspected", "health-care", "received", 1),
                cell("US-MO", "sex-trafficking", "unspecified", "suspected", "health-care", "on-hold", 1)), store.aggregateCounts(),
                "a replay queues it again");
    }

    @Test
    void aCellBelowTheMinimumIsSuppressedTenHiddenElevenShown() {
        assertEquals(MessageStore.DEFAULT_MINIMUM_CELL, 11);
        for (int i = 0; i < 10; i++) {
            accept("ten-" + i, ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED), Allegation.of(AllegationType.PORNOGRAPHY, Certainty.SUSPECTED));
        }
        for (int i = 0; i < 11; i++) {
            accept("eleven-" + i, ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED),
                    Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED));
        }
        store.aggregateMinimumCell(MessageStore.DEFAULT_MINIMUM_CELL);
        List<AggregateCell> cells = store.aggregateCounts();
        assertEquals(List.of(cell("US-IL", "labor-trafficking", "unspecified", "suspected", "health-care", "queued", 11),
                cell("US-IL", "sex-trafficking", "pornography", "suspected", "health-care", "queued", null)), cells);
        assertTrue(cells.get(1).suppressed());
        assertEquals(AggregateCell.CSV_HEADER + "\r\n"
                + "US-IL,labor-trafficking,unspecified,suspected,health-care,queued,2026-W47,11,false\r\n"
                + "US-IL,sex-trafficking,pornography,suspected,health-care,queued,2026-W47,,true\r\n", AggregateCell.csv(cells));
        store.aggregateMinimumCell(10);
        assertEquals(10, store.aggregateCounts().get(1).count(), "configurable: from 10, ten is shown");
        assertThrows(IllegalArgumentException.class, () -> store.aggregateMinimumCell(0));
    }

    @Test
    void theCountsOutliveTheReferralsRetentionAndNothingLinksThemToAReferralAfterIt() {
        ReferralId r1 = accept("r-1", ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED), Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        store.update(new StatusUpdate(r1, IL, DeliveryStatus.SCREENED_OUT, null, RECEIVED, null));
        List<AggregateCell> before = store.aggregateCounts();
        assertEquals(1, jdbc.queryForObject("SELECT COUNT(*) FROM aggregate_member", Integer.class));
        Instant later = Instant.parse("2030-01-01T00:00:00Z");
        assertEquals(new MessageStore.Purged(1, 0), store.purge(later, later, later));
        assertTrue(store.find(r1).isEmpty(), "the referral is gone");
        assertEquals(before, store.aggregateCounts(), "its counts are not");
        assertEquals(List.of(cell("US-IL", "sex-trafficking", "unspecified", "suspected", "health-care", "screened-out", 1)), before);
        assertEquals(0, jdbc.queryForObject("SELECT COUNT(*) FROM aggregate_member", Integer.class), "the link went with the referral");
    }

    @Test
    void concurrentAcceptancesIntoOneNewCellAreEachCountedOnce() throws Exception {
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int c = 0; c < 6; c++) {
                int caller = c;
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        // each referral in two cells (two allegations), each cell new to every caller at first
                        accept("c" + caller + "-" + i, ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED),
                                Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED),
                                Allegation.of(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(List.of(cell("US-IL", "labor-trafficking", "unspecified", "confirmed", "health-care", "queued", 90),
                cell("US-IL", "sex-trafficking", "unspecified", "suspected", "health-care", "queued", 90)), store.aggregateCounts());
    }

    @Test
    void aPeriodReadsTheCellsOfItsWeeksBothEndsIncludedAndADayStandsForItsWeek() {
        Allegation sex = Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED);
        accept("w40", Instant.parse("2026-10-01T10:00:00Z"), ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED), sex);
        accept("w47", RECEIVED, ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED), sex);
        accept("w53", Instant.parse("2027-01-01T10:00:00Z"), ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED), sex);
        assertEquals(List.of("2026-W40", "2026-W47", "2026-W53"), weeks(AggregatePeriod.ALL));
        assertEquals(List.of("2026-W40", "2026-W47"), weeks(AggregatePeriod.parse("2026-09-30", "2026-W47")), "a Wednesday of W40; W47 included");
        assertEquals(List.of("2026-W47", "2026-W53"), weeks(AggregatePeriod.parse("2026-W41", null)), "open at its end");
        assertEquals(List.of("2026-W53"), weeks(AggregatePeriod.parse("2027-01-03", null)), "the ISO week-based year: 3 January 2027 is 2026-W53");
        assertEquals(List.of(), weeks(AggregatePeriod.parse("2026-W41", "2026-W46")));
        assertEquals("from is neither an ISO week (2026-W40) nor a day (2026-10-01)",
                assertThrows(IllegalArgumentException.class, () -> AggregatePeriod.parse("last quarter", null)).getMessage());
        assertEquals("the period ends before it begins",
                assertThrows(IllegalArgumentException.class, () -> AggregatePeriod.parse("2026-W47", "2026-W40")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AggregatePeriod.parse("2026-W54", null));
    }

    private List<String> weeks(AggregatePeriod period) {
        return store.aggregateCounts(period).stream().map(AggregateCell::isoWeek).toList();
    }

    @Test
    void theIsoWeekIsTheWeekBasedYearsWeek() {
        assertEquals("2026-W53", AggregateCounts.isoWeek(Instant.parse("2027-01-01T12:00:00Z")));
        assertEquals("2026-W01", AggregateCounts.isoWeek(Instant.parse("2025-12-29T00:00:00Z")));
        assertNull(new AggregateCell("a", "b", "c", "d", "e", "f", "g", null).count());
    }

    @Test
    void receivedBetweenIsTheHalfOpenPeriodOldestFirst() {
        accept("r-1", ReportSource.HEALTH_CARE, Map.of(IL, DeliveryStatus.QUEUED), Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        assertEquals(1, store.receivedBetween(RECEIVED, RECEIVED.plusSeconds(1)).size());
        assertEquals(0, store.receivedBetween(RECEIVED.minusSeconds(10), RECEIVED).size());
        assertEquals(List.of(IL), store.receivedBetween(RECEIVED, RECEIVED.plusSeconds(1)).get(0).deliveries().stream()
                .map(Delivery::jurisdiction).toList());
    }
}

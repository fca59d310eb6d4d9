package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.DeliverySummary;
import org.safeharbor.store.MessageStore;

/**
 * harbor:purge-on-hold and harbor:referrals -s ON_HOLD on a real message store and a real broker: the held referrals of a
 * state that never installed a bundle are listed with their age, and leave the queue and the store only when an
 * authenticated operator confirms, recorded with the operator and counts only.
 */
class PurgeOnHoldCommandTest {

    private static final Jurisdiction ZZ = Jurisdiction.of("US-ZZ");
    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

    @TempDir
    Path data;
    private TestBroker broker;
    private MessageStore store;
    private ReferralId onlyZz;
    private ReferralId zzAndIl;
    private ReferralId young;

    @BeforeEach
    void heldReferrals() throws Exception {
        broker = new TestBroker(data);
        store = TestStore.fresh();
        onlyZz = TestStore.accept(store, "r-old", NOW.minus(Duration.ofDays(120)), Map.of(ZZ, DeliveryStatus.ON_HOLD));
        Map<Jurisdiction, DeliveryStatus> both = new LinkedHashMap<>();
        both.put(IL, DeliveryStatus.DELIVERED);
        both.put(ZZ, DeliveryStatus.ON_HOLD);
        zzAndIl = TestStore.accept(store, "r-both", NOW.minus(Duration.ofDays(100)), both);
        young = TestStore.accept(store, "r-young", NOW.minus(Duration.ofDays(3)), Map.of(ZZ, DeliveryStatus.ON_HOLD));
        for (ReferralId id : List.of(onlyZz, zzAndIl, young)) {
            broker.send(ZZ.queueName(), id.value());
        }
        broker.send(IL.queueName(), "r-il");
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void onHoldReferralsAreListedWithTheirAge() {
        List<DeliverySummary> held = store.deliveries(DeliveryStatus.ON_HOLD, null, 50);
        String table = ReferralsCommand.table(held, NOW);
        assertTrue(table.lines().findFirst().orElseThrow().contains("AGE"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("r-old") && l.contains("120d 0h") && l.contains("ON_HOLD")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("r-young") && l.contains("3d 0h")), table);
        assertEquals("2h 5m", Shell.age(NOW.minusSeconds(2 * 3600 + 300), NOW));
    }

    @Test
    void withoutConfirmationNothingIsPurged() throws Exception {
        String out = run(command("P90D", false));
        assertTrue(out.contains("2 referral(s) on hold for US-ZZ received more than P90D ago would be purged"), out);
        assertTrue(out.contains("Nothing was purged"), out);
        assertEquals(List.of("r-old", "r-both", "r-young"), broker.referralIds(ZZ.queueName()));
        assertEquals(3, store.onHold(ZZ, NOW).size());
        assertTrue(purges().isEmpty());
    }

    @Test
    void confirmedPurgeRemovesTheHeldMessagesAndPersonalDataAndIsAudited() throws Exception {
        String out = run(command("P90D", true));
        assertTrue(out.contains("Purged for US-ZZ: 2 queue message(s) removed, 1 referral(s) deleted, 1 delivery(ies) closed"), out);

        // off the queue: the two older ones; the young one and the other state's queue untouched
        assertEquals(List.of("r-young"), broker.referralIds(ZZ.queueName()));
        assertEquals(List.of("r-il"), broker.referralIds(IL.queueName()));
        // the referral only US-ZZ concerned is gone with its raw submission; the one Illinois received stays for Illinois
        assertTrue(store.find(onlyZz).isEmpty());
        assertTrue(store.rawSubmission(onlyZz).isEmpty());
        assertEquals(DeliveryStatus.NOT_SENT, store.find(zzAndIl).orElseThrow().deliveries().stream()
                .filter(d -> d.jurisdiction().equals(ZZ)).findFirst().orElseThrow().status());
        assertEquals(DeliveryStatus.DELIVERED, store.find(zzAndIl).orElseThrow().deliveries().stream()
                .filter(d -> d.jurisdiction().equals(IL)).findFirst().orElseThrow().status());
        assertEquals(List.of(young), store.onHold(ZZ, NOW));

        List<AuditRecord> purges = purges();
        assertEquals(1, purges.size());
        String json = purges.get(0).json();
        assertTrue(json.contains("alice"), json);
        assertTrue(json.contains("queue-messages-removed") && json.contains("referrals-deleted"), json);
        assertFalse(json.contains("r-old") || json.contains("r-both"), "counts only, no referral id: " + json);
    }

    @Test
    void nobodyLoggedInPurgesNothing() throws Exception {
        PurgeOnHoldCommand command = command("P0D", true);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            command.execute();
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains("No authenticated Karaf user"));
        assertEquals(3, broker.referralIds(ZZ.queueName()).size());
        assertEquals(3, store.onHold(ZZ, NOW).size());
    }

    @Test
    void theAgeIsAnIsoPeriodOrDuration() {
        assertEquals(NOW.minus(Duration.ofDays(90)), PurgeOnHoldCommand.receivedBefore("P90D", NOW));
        assertEquals(NOW.minus(Duration.ofHours(12)), PurgeOnHoldCommand.receivedBefore("PT12H", NOW));
        assertEquals(NOW.atOffset(ZoneOffset.UTC).minusYears(1).toInstant(), PurgeOnHoldCommand.receivedBefore("P1Y", NOW));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PurgeOnHoldCommand.receivedBefore("90 days", NOW));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> PurgeOnHoldCommand.receivedBefore("-P1D", NOW));
    }

    private List<AuditRecord> purges() {
        return store.auditRecords(AuditQuery.ALL, 0, 100).stream().filter(r -> r.eventCode().equals("on-hold-purge")).toList();
    }

    private PurgeOnHoldCommand command(String olderThan, boolean confirm) {
        PurgeOnHoldCommand command = new PurgeOnHoldCommand();
        command.jurisdiction = "US-ZZ";
        command.olderThan = olderThan;
        command.confirm = confirm;
        command.store = store;
        command.connectionFactory = broker.connections;
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return command;
    }

    /** Runs the command as Karaf does: as the JAAS subject of the operator who logged in. */
    @SuppressWarnings("removal")
    private static String run(PurgeOnHoldCommand command) throws Exception {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("alice"));
        subject.getPrincipals().add(new RolePrincipal("operator"));
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) command::execute);
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}

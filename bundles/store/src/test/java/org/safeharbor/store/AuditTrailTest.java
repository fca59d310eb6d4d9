package org.safeharbor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import ca.uhn.fhir.context.FhirContext;
import org.apache.commons.dbcp2.BasicDataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.api.v1.StatusUpdate;
import org.springframework.jdbc.core.JdbcTemplate;

/** The audit trail: what each part of the store records, the chain and its verification, and its own retention. */
class AuditTrailTest {

    private static final Jurisdiction MA = Jurisdiction.of("US-MA");
    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    /** The child's personal data in the test referral: none of it may reach the audit trail. */
    private static final List<String> PERSONAL = List.of("Roe-Audit", "Janelle", "2013-04-05", "17 Elm Street", "Springfield");

    private JdbcDataSource h2;
    private MessageStore store;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));

    @BeforeEach
    void freshDatabase() {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2, clock);
    }

    private static Referral referral(String id) {
        Child child = new Child(new PersonName("Roe-Audit", List.of("Janelle")), LocalDate.of(2013, 4, 5), Sex.FEMALE,
                new Address(List.of("17 Elm Street"), "Springfield", "MA", "01101", "US"));
        return new Referral(new ReferralId(id), child, null, null, Instant.parse("2026-11-21T11:59:00Z"), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED)));
    }

    private void accepted(String id, Jurisdiction j) {
        store.accept("hospital-a", "hospital-a|" + id, referral(id), true, "{}", "application/fhir+json", Map.of(j, DeliveryStatus.QUEUED));
    }

    private AuditEvent event(AuditRecord record) {
        return FhirContext.forR4Cached().newJsonParser().parseResource(AuditEvent.class, record.json());
    }

    private List<AuditRecord> all() {
        return store.auditRecords(AuditQuery.ALL, 0, 1_000);
    }

    private void assertNoPersonalData() {
        for (AuditRecord record : all()) {
            for (String personal : PERSONAL) {
                assertFalse(record.json().contains(personal), "audit record " + record.seq() + " holds " + personal + ": " + record.json());
            }
        }
    }

    @Test
    void eachDeliveryAttemptIsADisclosureNamingTheStateAndTheFieldsNotTheirValues() {
        accepted("r-1", MA);
        String payload = "{\"child\":{\"name\":{\"family\":\"Roe-Audit\",\"given\":[\"Janelle\"]},\"birthDate\":\"2013-04-05\","
                + "\"address\":{\"line\":[\"17 Elm Street\"],\"city\":\"Springfield\"}},\"allegation\":\"sex-trafficking\"}";
        assertEquals(1, store.recordAttempt(new ReferralId("r-1"), MA, payload));
        assertEquals(2, store.recordAttempt(new ReferralId("r-1"), MA, payload));

        List<AuditRecord> disclosures = all().stream().filter(r -> r.eventCode().equals("disclosure")).toList();
        assertEquals(2, disclosures.size(), "one per attempt");
        AuditRecord first = disclosures.get(0);
        assertEquals("r-1", first.entity());
        assertEquals("US-MA", first.jurisdiction());
        assertEquals("safeharbor-bridge", first.agent());
        AuditEvent event = event(first);
        assertEquals("110106", event.getType().getCode(), "DICOM Export");
        assertEquals("R", event.getAction().toCode());
        assertEquals("0", event.getOutcome().toCode());
        assertEquals("Task/r-1", event.getEntityFirstRep().getWhat().getReference());
        assertEquals("safeharbor-bridge", event.getSource().getObserver().getIdentifier().getValue());
        assertTrue(event.getAgent().stream().anyMatch(a -> !a.getRequestor() && "US-MA".equals(a.getWho().getIdentifier().getValue())),
                "the state is the destination agent");
        assertEquals("child.name.family, child.name.given[], child.birthDate, child.address.line[], child.address.city, allegation",
                detail(event, "disclosed-fields"));
        assertEquals("1", detail(event, "attempt"));
        assertEquals("2", detail(event(disclosures.get(1)), "attempt"));
        assertNoPersonalData();
    }

    @Test
    void anXmlPayloadNamesItsElementsAndAFixedWidthOneTheCanonicalFields() {
        accepted("r-2", IL);
        store.recordAttempt(new ReferralId("r-2"), IL, "<Report xmlns=\"urn:x\"><Child id=\"7\"><Family>Roe-Audit</Family>"
                + "<BirthDate>2013-04-05</BirthDate></Child></Report>");
        store.recordAttempt(new ReferralId("r-2"), IL, "HDR0001Roe-Audit            Janelle   20130405");
        List<AuditRecord> disclosures = all().stream().filter(r -> r.eventCode().equals("disclosure")).toList();
        assertEquals("Report/Child@id, Report/Child/Family, Report/Child/BirthDate", detail(event(disclosures.get(0)), "disclosed-fields"));
        AuditEvent fixed = event(disclosures.get(1));
        assertTrue(detail(fixed, "disclosed-fields").contains("child.name.family"), detail(fixed, "disclosed-fields"));
        assertTrue(detail(fixed, "fields-from").startsWith("the canonical referral"));
        assertNoPersonalData();
    }

    @Test
    void noticesStatusesReplaysAndDeadLetterMovesAreRecordedWithTheirActor() {
        accepted("r-3", MA);
        ReferralId id = new ReferralId("r-3");
        store.recordAttempt(id, MA, "{\"a\":1}");
        store.report(new StatusUpdate(id, MA, DeliveryStatus.DELIVERED, null, clock.instant(), "Roe-Audit was here"));
        store.report(new StatusUpdate(id, MA, DeliveryStatus.SCREENED_IN, "MA-1", clock.instant(), null));
        assertTrue(store.recordNotice(id, MA, "district-attorney", DeliveryStatus.SCREENED_IN, "{\"da\":{\"child\":\"Roe-Audit\"}}"));
        assertEquals(1, store.recordNoticeAttempt(id, MA, "district-attorney", "{\"da\":{\"child\":\"Roe-Audit\"}}"));
        store.recordReplay(id, MA, "submission", null, "alice");
        store.recordReplay(id, MA, "dead-letter", null, "bob");
        // a status for a referral the state never got: refused, and the refusal recorded
        assertThrows(java.util.NoSuchElementException.class,
                () -> store.report(new StatusUpdate(new ReferralId("r-unknown"), MA, DeliveryStatus.SCREENED_OUT, null, clock.instant(), null)));

        List<String> codes = all().stream().map(AuditRecord::eventCode).toList();
        assertEquals(List.of("disclosure", "status-received", "status-received", "notice", "replay", "dead-letter-move", "status-received"), codes);
        List<AuditRecord> records = all();
        assertEquals("US-MA", records.get(1).agent(), "a state's status: the state is the actor");
        assertEquals("DELIVERED", detail(event(records.get(1)), "status"));
        AuditEvent notice = event(records.get(3));
        assertEquals("district-attorney", detail(notice, "recipient"));
        assertEquals("da.child", detail(notice, "disclosed-fields"));
        assertTrue(notice.getAgent().stream().anyMatch(a -> "US-MA district-attorney".equals(a.getName())));
        assertEquals("alice", records.get(4).agent());
        assertEquals("U", records.get(4).action());
        assertEquals("bob", records.get(5).agent());
        assertEquals("4", records.get(6).outcome(), "refused: minor failure");
        assertEquals("r-unknown", records.get(6).entity());
        assertNoPersonalData();
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void theVerificationFindsTheFirstEditedRow() {
        for (int i = 1; i <= 5; i++) {
            store.audit(AuditEntry.of(AuditEntry.Kind.TASK_READ, AuditEntry.Actor.client("hospital-a", "10.0.0.1"))
                    .referral(new ReferralId("r-" + i)).build());
        }
        AuditVerification intact = store.verifyAudit();
        assertTrue(intact.intact(), intact.problem());
        assertEquals(5, intact.checked());
        assertEquals(5, intact.lastSeq());

        JdbcTemplate sql = new JdbcTemplate(h2);
        // someone with database access changes where a read came from
        sql.update("UPDATE audit_event SET resource_json = REPLACE(resource_json, '10.0.0.1', '10.0.0.9') WHERE seq = 3");
        AuditVerification broken = store.verifyAudit();
        assertFalse(broken.intact());
        assertEquals(3L, broken.brokenAt());
        assertEquals(2, broken.checked());
        assertTrue(broken.problem().contains("does not match its hash"), broken.problem());

        // the same edit with the row's hash recomputed: the next row no longer chains to it
        String previous = sql.queryForObject("SELECT previous_hash FROM audit_event WHERE seq = 3", String.class);
        String json = sql.queryForObject("SELECT resource_json FROM audit_event WHERE seq = 3", String.class);
        sql.update("UPDATE audit_event SET hash = ? WHERE seq = 3", AuditTrail.hash(previous, 3, json));
        broken = store.verifyAudit();
        assertEquals(4L, broken.brokenAt());
        assertTrue(broken.problem().contains("does not chain"), broken.problem());

        // who read it, changed in the AuditEvent and its hash: the searchable column no longer agrees
        sql.update("UPDATE audit_event SET resource_json = REPLACE(resource_json, 'hospital-a', 'hospital-b') WHERE seq = 2");
        json = sql.queryForObject("SELECT resource_json FROM audit_event WHERE seq = 2", String.class);
        previous = sql.queryForObject("SELECT previous_hash FROM audit_event WHERE seq = 2", String.class);
        sql.update("UPDATE audit_event SET hash = ? WHERE seq = 2", AuditTrail.hash(previous, 2, json));
        broken = store.verifyAudit();
        assertEquals(2L, broken.brokenAt());
        assertTrue(broken.problem().contains("column agent"), broken.problem());
    }

    @Test
    void theVerificationFindsAnEditedColumnAndADeletedRow() {
        for (int i = 1; i <= 4; i++) {
            store.audit(AuditEntry.of(AuditEntry.Kind.TASK_READ, AuditEntry.Actor.client("hospital-a", null))
                    .referral(new ReferralId("r-" + i)).build());
        }
        JdbcTemplate sql = new JdbcTemplate(h2);
        sql.update("UPDATE audit_event SET entity = 'r-other' WHERE seq = 2");
        AuditVerification column = store.verifyAudit();
        assertEquals(2L, column.brokenAt());
        assertTrue(column.problem().contains("entity"), column.problem());
        sql.update("UPDATE audit_event SET entity = 'r-2' WHERE seq = 2");
        assertTrue(store.verifyAudit().intact());

        sql.update("DELETE FROM audit_event WHERE seq = 3");
        AuditVerification deleted = store.verifyAudit();
        assertEquals(3L, deleted.brokenAt());
        assertTrue(deleted.problem().contains("missing"), deleted.problem());

        sql.update("DELETE FROM audit_event WHERE seq = 4");
        assertEquals(3L, store.verifyAudit().brokenAt(), "the head still names row 4");
    }

    @Test
    void concurrentAppendsAreNumberedAndChainedOneAtATime() throws Exception {
        BasicDataSource pool = new BasicDataSource();
        pool.setUrl("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        pool.setMaxTotal(8);
        try {
            MessageStore pooled = new MessageStore(pool, Clock.systemUTC());
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String client = "client-" + t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        pooled.audit(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.client(client, null)).build());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
            AuditVerification verified = pooled.verifyAudit();
            assertTrue(verified.intact(), verified.problem());
            assertEquals(200, verified.checked());
            assertEquals(200, pooled.countAudit(AuditQuery.ALL));
            assertEquals(25, pooled.countAudit(new AuditQuery(null, "client-3", null, null)));
        } finally {
            pool.close();
        }
    }

    @Test
    void purgingReferralsKeepsTheirAuditRecordsWhichGoOnlyByTheirOwnRetention() {
        accepted("r-old", MA);
        ReferralId id = new ReferralId("r-old");
        store.recordAttempt(id, MA, "{\"a\":1}");
        store.report(new StatusUpdate(id, MA, DeliveryStatus.DELIVERED, null, clock.instant(), null));
        int before = store.countAudit(AuditQuery.ofEntity("r-old"));
        assertEquals(2, before);

        clock.set(Instant.parse("2027-06-01T00:00:00Z"));
        MessageStore.Purged purged = store.purge(clock.instant(), clock.instant(), clock.instant());
        assertEquals(1, purged.referrals());
        assertTrue(store.find(id).isEmpty(), "the referral is gone");
        assertEquals(before, store.countAudit(AuditQuery.ofEntity("r-old")), "its audit records are not");
        AuditRecord sweep = store.auditRecords(AuditQuery.ALL, 0, 100).stream().filter(r -> r.eventCode().equals("retention-purge"))
                .findFirst().orElseThrow();
        AuditEvent sweepEvent = event(sweep);
        assertEquals("1", detail(sweepEvent, "referrals"));
        assertEquals("0", detail(sweepEvent, "audit-records"));
        assertEquals("D", sweep.action());

        // six years later the audit trail's own retention takes them, and the chain still verifies from the new start
        clock.set(Instant.parse("2033-06-02T00:00:00Z"));
        store.purge(clock.instant(), clock.instant(), clock.instant());
        assertEquals(0, store.countAudit(AuditQuery.ofEntity("r-old")));
        AuditVerification verified = store.verifyAudit();
        assertTrue(verified.intact(), verified.problem());
        assertEquals(4, verified.firstSeq(), "rows 1-3 went (two of the referral's and the first sweep)");
        assertEquals("3", detail(event(store.auditRecords(AuditQuery.ALL, 0, 100).get(0)), "audit-records"));
    }

    @Test
    void theAuditRetentionIsConfigurable() {
        store.audit(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.client("hospital-a", null)).build());
        clock.set(Instant.parse("2027-11-22T00:00:00Z"));
        store.purge(clock.instant(), clock.instant(), clock.instant());
        assertEquals(1, store.countAudit(new AuditQuery(null, "hospital-a", null, null)), "kept: younger than six years");
        store.auditRetention(Period.ofYears(1));
        store.purge(clock.instant(), clock.instant(), clock.instant());
        assertEquals(0, store.countAudit(new AuditQuery(null, "hospital-a", null, null)), "gone: older than one year");
        assertTrue(store.verifyAudit().intact());
    }

    @Test
    void searchesByEntityAgentAndDate() {
        store.audit(AuditEntry.of(AuditEntry.Kind.TASK_READ, AuditEntry.Actor.client("hospital-a", null)).referral(new ReferralId("r-1")).build());
        clock.set(Instant.parse("2026-11-22T12:00:00Z"));
        store.audit(AuditEntry.of(AuditEntry.Kind.TASK_READ, AuditEntry.Actor.client("hospital-b", null)).referral(new ReferralId("r-1")).build());
        store.audit(AuditEntry.of(AuditEntry.Kind.TASK_READ, AuditEntry.Actor.client("hospital-b", null)).referral(new ReferralId("r-2")).build());
        assertEquals(2, store.countAudit(AuditQuery.ofEntity("r-1")));
        assertEquals(1, store.countAudit(new AuditQuery("r-1", "hospital-b", null, null)));
        assertEquals(2, store.countAudit(new AuditQuery(null, null, Instant.parse("2026-11-22T00:00:00Z"), null)));
        assertEquals(1, store.countAudit(new AuditQuery(null, null, null, Instant.parse("2026-11-22T00:00:00Z"))));
        List<AuditRecord> page = store.auditRecords(AuditQuery.ALL, 1, 1);
        assertEquals(1, page.size());
        assertEquals(2, page.get(0).seq());
    }

    @Test
    void configurationChangesNameTheKeysNeverTheValues() {
        ConfigurationAudit config = new ConfigurationAudit(store);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("service.pid", "org.safeharbor.jurisdiction.us.il");
        props.put("endpoint", "https://dcfs.example/intake");
        props.put("password", "s3cret-value");
        config.updated("org.safeharbor.jurisdiction.us.il", props);
        props.put("password", "an0ther-value");
        config.updated("org.safeharbor.jurisdiction.us.il", props);
        config.updated("org.safeharbor.jurisdiction.us.il", props);
        config.deleted("org.safeharbor.jurisdiction.us.il");
        List<AuditRecord> records = all();
        assertEquals(3, records.size(), "an update that changes nothing is not a change");
        assertEquals("US-IL", records.get(1).jurisdiction());
        assertEquals("org.safeharbor.jurisdiction.us.il", records.get(1).entity());
        assertEquals("password", detail(event(records.get(1)), "keys"));
        assertEquals("endpoint, password", detail(event(records.get(0)), "keys"));
        assertEquals("deleted", detail(event(records.get(2)), "change"));
        for (AuditRecord r : records) {
            assertFalse(r.json().contains("s3cret") || r.json().contains("an0ther") || r.json().contains("dcfs.example"), r.json());
        }
        assertNull(ConfigurationAudit.jurisdiction("org.safeharbor.fhir"));
    }

    private static String detail(AuditEvent event, String type) {
        return event.getEntityFirstRep().getDetail().stream().filter(d -> type.equals(d.getType()))
                .map(d -> d.getValue().primitiveValue()).findFirst().orElse(null);
    }
}

package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.MessageStore;

/** harbor:export-ncands on a sample of known counts, and its codes against ConceptMap/ht-allegation-to-ncands. */
class NcandsExportTest {

    private static final Jurisdiction IL = Jurisdiction.of("US-IL");
    private static final Jurisdiction MO = Jurisdiction.of("US-MO");

    private static void accept(MessageStore store, String id, String received, ReportSource source, Sex sex,
                               Map<Jurisdiction, DeliveryStatus> statuses, Allegation... allegations) {
        Child child = new Child(null, LocalDate.of(2011, 3, 4), sex, new Address(null, null, "IL", null, "US"));
        store.accept("ehr|" + id, new Referral(new ReferralId(id), child, null, null, Instant.parse(received), null, List.of(allegations),
                source, CareStatus.UNKNOWN, false), true, "{}", "application/fhir+json", statuses);
    }

    private static Allegation a(AllegationType type, Certainty certainty) {
        return Allegation.of(type, certainty);
    }

    /**
     * Nine referrals, eight received in the period, of mixed types, certainties, sources and statuses; five records: a
     * report the state took up (screened in, investigation opened) with a suspected or confirmed allegation, once per state.
     */
    static MessageStore sample() {
        MessageStore store = TestStore.fresh();
        String in = "2026-10-15T09:30:00Z";
        accept(store, "r1", in, ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.SCREENED_IN),
                a(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        accept(store, "r2", in, ReportSource.HEALTH_CARE, Sex.MALE, Map.of(IL, DeliveryStatus.INVESTIGATION_OPENED),
                a(AllegationType.SURVIVAL_SEX, Certainty.CONFIRMED), a(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED));
        accept(store, "r3", "2026-11-02T23:59:00Z", ReportSource.LAW_ENFORCEMENT, Sex.UNKNOWN,
                Map.of(IL, DeliveryStatus.SCREENED_IN, MO, DeliveryStatus.SCREENED_IN), a(AllegationType.LABOR_TRAFFICKING, Certainty.CONFIRMED));
        accept(store, "r4", in, ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.NOT_SENT),
                a(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK));
        accept(store, "r5", in, ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.SCREENED_OUT),
                a(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        accept(store, "r6", in, ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.DELIVERED),
                a(AllegationType.PORNOGRAPHY, Certainty.SUSPECTED));
        accept(store, "r7", in, ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.NOT_SENT),
                a(AllegationType.SEX_TRAFFICKING, Certainty.RULED_OUT), a(AllegationType.LABOR_TRAFFICKING, Certainty.HISTORICAL));
        accept(store, "r8", "2026-09-30T23:59:59Z", ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.SCREENED_IN),
                a(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));
        accept(store, "r9", "2026-12-31T12:00:00Z", ReportSource.HEALTH_CARE, Sex.FEMALE, Map.of(IL, DeliveryStatus.SCREENED_IN),
                a(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK), a(AllegationType.LABOR_TRAFFICKING, Certainty.SUSPECTED));
        return store;
    }

    /** The sample's export, as the README shows it. */
    static final String SAMPLE_EXPORT = String.join("\r\n",
            "SUBYR,STATERR,RPTID,CHID,RPTDT,RPTSRC,RPTDISP,CHAGE,CHSEX,CHMAL1,MAL1LEV,CHMAL2,MAL2LEV,CHMAL3,MAL3LEV,CHMAL4,MAL4LEV",
            "2027,IL,R00000000001,C00000000001,10152026,2,99,15,2,7,99,,,,,,",
            "2027,IL,R00000000002,C00000000002,10152026,2,99,15,1,7,99,8,99,,,,",
            "2027,IL,R00000000003,C00000000003,11022026,4,99,15,9,8,99,,,,,,",
            "2027,MO,R00000000004,C00000000003,11022026,4,99,15,9,8,99,,,,,,",
            "2027,IL,R00000000005,C00000000004,12312026,2,99,15,2,8,99,,,,,,") + "\r\n";

    @Test
    void theSampleGivesFiveRecordsWithTheExpectedCodesWrittenOwnerOnlyAndAudited(@TempDir Path dir) throws Exception {
        MessageStore store = sample();
        Path file = dir.resolve("child-file.csv");
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        String said = ExportNcandsCommand.export(store, LocalDate.of(2026, 10, 1), LocalDate.of(2026, 12, 31), file,
                new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("5 record(s) from 8 referral(s) received 2026-10-01 to 2026-12-31 written to " + file
                + " (maltreatment types {7=2, 8=4})", said);
        assertEquals(List.of("read 30 of 92 day(s)", "read 60 of 92 day(s)", "read 90 of 92 day(s)", "read 92 of 92 day(s)"),
                progress.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList());
        org.safeharbor.store.Operations.Operation op = store.operations().recent().get(0);
        assertEquals(org.safeharbor.store.Operations.Kind.NCANDS_EXPORT, op.kind());
        assertEquals("2026-10-01 to 2026-12-31", op.subject());
        assertEquals("5 record(s) from 8 referral(s) received 2026-10-01 to 2026-12-31", op.outcome(), "counts, not the file's path");
        assertEquals(SAMPLE_EXPORT, Files.readString(file));
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        List<AuditRecord> audit = store.auditRecords(new AuditQuery("ncands-export", null, null, null), 0, 10);
        assertEquals(1, audit.size());
        String json = audit.get(0).json();
        assertTrue(json.contains("\"records\"") && json.contains("CHMAL1") && json.contains("unauthenticated"), json);
        assertTrue(!json.contains("r1") && !json.contains("2011"), "no referral id, no birth date in the audit record: " + json);
        assertTrue(!SAMPLE_EXPORT.contains("r1") && !SAMPLE_EXPORT.contains("2011"), "nor in the export");
    }

    @Test
    void anEmptyPeriodIsAHeaderOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("none.csv");
        ExportNcandsCommand.export(sample(), LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 31), file);
        assertEquals(String.join(",", NcandsExport.FIELDS) + "\r\n", Files.readString(file));
        assertEquals(2027, NcandsExport.federalFiscalYear(LocalDate.of(2026, 10, 1)));
        assertEquals(2026, NcandsExport.federalFiscalYear(LocalDate.of(2026, 9, 30)));
    }

    /** The export's Java codes are the map's rows, each type and status, and the certainties that are no allegation unmatched. */
    @Test
    void theCodesAreConceptMapHtAllegationToNcands() throws Exception {
        JsonNode map = new ObjectMapper().readTree(Path.of(System.getProperty("basedir", "."))
                .resolve("../../mappings/fhir/ConceptMap-ht-allegation-to-ncands.json").toFile());
        Map<String, Optional<String>> types = rows(map.get("group").get(0));
        Map<String, Optional<String>> levels = rows(map.get("group").get(1));
        for (AllegationType type : AllegationType.values()) {
            assertEquals(Optional.of(NcandsExport.maltreatmentType(type)), types.get(type.code()), type.code());
        }
        for (Certainty certainty : Certainty.values()) {
            assertEquals(certainty.isAllegation() ? null : Optional.empty(), types.get(certainty.code()), certainty.code());
        }
        assertEquals(AllegationType.values().length + 3, types.size());
        for (DeliveryStatus status : DeliveryStatus.values()) {
            String code = status.name().toLowerCase(Locale.ROOT).replace('_', '-');
            assertEquals(NcandsExport.dispositionLevel(status), levels.get(code), code);
        }
        // and not-reportable, the intake's answer to a message without an allegation, which is no delivery
        assertEquals(Optional.empty(), levels.get("not-reportable"));
        assertEquals(DeliveryStatus.values().length + 1, levels.size());
    }

    private static Map<String, Optional<String>> rows(JsonNode group) {
        Map<String, Optional<String>> rows = new HashMap<>();
        for (JsonNode element : group.get("element")) {
            JsonNode target = element.get("target").get(0);
            rows.put(element.get("code").asText(), "unmatched".equals(target.get("equivalence").asText())
                    ? Optional.empty() : Optional.of(target.get("code").asText()));
        }
        return rows;
    }
}

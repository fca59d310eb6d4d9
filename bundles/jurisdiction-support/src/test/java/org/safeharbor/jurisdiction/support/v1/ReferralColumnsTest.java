package org.safeharbor.jurisdiction.support.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Organization;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Reporter;
import org.safeharbor.api.v1.Sex;

/** The referral's own fields as a fixed-width record's columns, by name: written, put on the line, read back. */
class ReferralColumnsTest {

    private static final FixedWidth FIXED_WIDTH = new FixedWidth("kit-test-bindy");
    private static final List<Allegation> ALLEGATIONS = List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED));

    @AfterAll
    static void close() {
        FIXED_WIDTH.close();
    }

    @Test
    void theColumnsTheRecordDeclaresReadBackAndNoOthers() {
        Referral referral = new Referral(new ReferralId("r-0001"),
                new Child(new PersonName("Zyxquor", List.of("Ann", "Lee")), LocalDate.of(2011, 7, 29), Sex.FEMALE,
                        new Address(List.of("42 Fictional Ter"), "Xylobridge", "FL", "98765", "US")),
                new Organization("urn:oid:1.2.3", "Vexmoor Zenith", new Address(List.of("1 Care Way"), "Xylobridge", "FL", "98765", "US")),
                new Reporter(new PersonName("Quill", List.of("Ori")), "nurse", "+1-555-0199", null),
                Instant.parse("2026-11-21T10:15:30.250Z"), Instant.parse("2026-11-20T00:00:00Z"), ALLEGATIONS);

        String line = FIXED_WIDTH.writeLine(ReferralColumns.write(referral, new ColumnsRecord()));
        assertEquals(168, line.length());
        assertEquals("r-0001", line.substring(1, 21).trim());
        assertEquals("20261121101530", line.substring(21, 35), "UTC, whole seconds");
        assertEquals("20110729F", line.substring(55, 64));

        Referral back = ReferralColumns.read(FIXED_WIDTH.readLine(ColumnsRecord.class, line), ALLEGATIONS);
        assertEquals(new Child(new PersonName("Zyxquor", List.of("Ann", "Lee")), LocalDate.of(2011, 7, 29), Sex.FEMALE,
                new Address(List.of("42 Fictional Ter"), "Xylobridge", "FL", "98765", null)), back.child());
        assertEquals(new Organization(null, "Vexmoor Zenith", new Address(List.of(), "Xylobridge", null, null, null)), back.placeOfCare());
        assertEquals(new Reporter(new PersonName("Quill", List.of("Ori")), "nurse", "+1-555-0199", null), back.reporter());
        assertEquals(Instant.parse("2026-11-21T10:15:30Z"), back.receivedAt());
        assertEquals(new Referral(new ReferralId("r-0001"),
                new Child(new PersonName("Zyxquor", List.of("Ann", "Lee")), LocalDate.of(2011, 7, 29), Sex.FEMALE,
                        new Address(List.of("42 Fictional Ter"), "Xylobridge", "FL", "98765", null)),
                new Organization(null, "Vexmoor Zenith", new Address(List.of(), "Xylobridge", null, null, null)),
                new Reporter(new PersonName("Quill", List.of("Ori")), "nurse", "+1-555-0199", null),
                Instant.parse("2026-11-21T10:15:30Z"), null, ALLEGATIONS), back,
                "no country, no care street: not declared; no facility identifier, occurred-at or evidence: never columns");
    }

    @Test
    void textCannotSplitTheLineAndIsClippedToItsColumn() {
        Referral referral = new Referral(new ReferralId("r-2"), new Child(new PersonName("Line\r\nBreak", List.of("A".repeat(40))),
                LocalDate.of(2012, 1, 2), Sex.UNKNOWN, new Address(List.of("1 Main St", "Apt\n4"), "Tallahassee", "FL", "32301", "US")),
                null, null, Instant.EPOCH, null, ALLEGATIONS);
        String text = FIXED_WIDTH.write(List.of(ReferralColumns.write(referral, new ColumnsRecord())));
        assertEquals(1, text.lines().count());
        Referral back = ReferralColumns.read(FIXED_WIDTH.readLines(ColumnsRecord.class, text).get(0), ALLEGATIONS);
        assertEquals("Line  Brea", back.child().name().family(), "control characters are spaces; 10 characters");
        assertEquals(List.of("A".repeat(10)), back.child().name().given());
        assertEquals(List.of("1 Main St, Apt 4"), back.child().residence().lines());
        assertEquals("Tallahasse", back.child().residence().city());
        assertNull(back.placeOfCare(), "neither a name nor a city");
        assertEquals(new Reporter(null, null, null, null), back.reporter());
    }

    @ParameterizedTest
    @EnumSource(Sex.class)
    void sexIsOneLetterOfHl7Table0001(Sex sex) {
        Referral referral = new Referral(new ReferralId("r-3"), new Child(null, LocalDate.of(2012, 1, 2), sex, null), null, null,
                Instant.EPOCH, null, ALLEGATIONS);
        ColumnsRecord record = ReferralColumns.write(referral, new ColumnsRecord());
        assertEquals(sex.name().substring(0, 1), record.childSex());
        assertEquals(sex, ReferralColumns.read(record, ALLEGATIONS).child().sex());
        record.childSex("X");
        assertEquals(Sex.UNKNOWN, ReferralColumns.read(record, ALLEGATIONS).child().sex(), "an unknown letter reads as unknown");
    }
}

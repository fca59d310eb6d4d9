package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.store.AggregateCell;
import org.safeharbor.store.AggregatePeriod;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.MessageStore;

/** harbor:export-counts: the aggregate counts' CSV, small cells suppressed, owner-only, audited. */
class ExportCountsCommandTest {

    @Test
    void theSamplesCountsAreAllBelowElevenAndSoSuppressedThenShownFromOne(@TempDir Path dir) throws Exception {
        MessageStore store = NcandsExportTest.sample();
        Path file = dir.resolve("counts.csv");
        // nine referrals: r2, r3 (two states), r7 and r9 count in two cells each, r1 and r8 in different weeks
        assertEquals("13 cell(s), 13 suppressed (fewer than 11), written to " + file, ExportCountsCommand.export(store, AggregatePeriod.ALL, file));
        String csv = Files.readString(file);
        assertEquals(14, csv.split("\r\n").length);
        assertEquals(AggregateCell.CSV_HEADER, csv.split("\r\n")[0]);
        assertEquals(13, csv.split(",,true\r\n", -1).length - 1, "every count hidden");
        store.aggregateMinimumCell(1);
        ExportCountsCommand.export(store, AggregatePeriod.ALL, file);
        assertEquals(0, Files.readString(file).split(",true\r\n", -1).length - 1, "none hidden from 1");
        assertEquals(2, store.countAudit(new AuditQuery("aggregate-counts", null, null, null)));
        // r8 was received on 30 September 2026 (ISO week 40), the others from 1 October on (week 40 too) to 31 December (week 53)
        assertEquals("0 cell(s), 0 suppressed (fewer than 1), written to " + file,
                ExportCountsCommand.export(store, AggregatePeriod.parse("2027-01-04", null), file), "nothing from 2027-W01");
        assertEquals(AggregateCell.CSV_HEADER + "\r\n", Files.readString(file));
    }
}

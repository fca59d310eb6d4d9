package org.safeharbor.shell;

import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.store.AggregateCell;
import org.safeharbor.store.AggregatePeriod;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.OwnerOnly;

/**
 * {@code harbor:export-counts [--from 2026-W40] [--to 2026-W53] --out counts.csv}: the de-identified aggregate counts as CSV (the same as
 * {@code GET /fhir/$aggregate-counts}), every cell below the minimum cell size suppressed, written owner-only. Recorded
 * in the audit trail with the operator and the counts of cells.
 */
@Service
@Command(scope = "harbor", name = "export-counts", description = "Write the de-identified aggregate counts as CSV, small cells suppressed")
public class ExportCountsCommand implements Action {

    @Option(name = "--out", required = true, description = "The file to write (owner-only; replaced if it exists)")
    String out;

    @Option(name = "--from", description = "The first ISO week of receipt (2026-W40) or a day in it (2026-10-01); all weeks before it if left out")
    String from;

    @Option(name = "--to", description = "The last ISO week of receipt (2026-W53) or a day in it (2026-12-31), included; all weeks since if left out")
    String to;

    @Reference
    MessageStore store;

    @Override
    public Object execute() throws Exception {
        AggregatePeriod period;
        try {
            period = AggregatePeriod.parse(from, to);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return null;
        }
        System.out.println(export(store, period, Path.of(out)));
        return null;
    }

    static String export(MessageStore store, AggregatePeriod period, Path file) throws java.io.IOException {
        List<AggregateCell> cells = store.aggregateCounts(period);
        long suppressed = cells.stream().filter(AggregateCell::suppressed).count();
        OwnerOnly.write(file, AggregateCell.csv(cells));
        store.audit(AuditEntry.of(AuditEntry.Kind.DISCLOSURE, Shell.operator()).object("aggregate-counts")
                .detail("period", (period.fromWeek() == null ? "" : period.fromWeek()) + ".." + (period.toWeek() == null ? "" : period.toWeek()))
                .detail("cells", cells.size())
                .detail("suppressed", suppressed).detail("minimum-cell", store.aggregateMinimumCell()).build());
        return cells.size() + " cell(s), " + suppressed + " suppressed (fewer than " + store.aggregateMinimumCell() + "), written to " + file;
    }
}

package org.safeharbor.shell;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Operations;
import org.safeharbor.store.OwnerOnly;

/**
 * {@code harbor:export-ncands --from 2026-10-01 --to 2027-09-30 --out child-file.csv}: the NCANDS-style records of the
 * referrals received in those days (UTC, both included), one per report-child pair ({@link NcandsExport}), written
 * owner-only (0600). A disclosure: recorded in the audit trail with the operator, the period, the fields and the counts.
 */
@Service
@Command(scope = "harbor", name = "export-ncands", description = "Write the NCANDS Child File records of the referrals received in a period")
public class ExportNcandsCommand implements Action {

    @Option(name = "--from", required = true, description = "First day of the period (UTC), e.g. 2026-10-01")
    String from;

    @Option(name = "--to", required = true, description = "Last day of the period (UTC, included), e.g. 2027-09-30")
    String to;

    @Option(name = "--out", required = true, description = "The file to write (owner-only; replaced if it exists)")
    String out;

    @Reference
    MessageStore store;

    @Override
    public Object execute() throws Exception {
        LocalDate first;
        LocalDate last;
        try {
            first = LocalDate.parse(from.trim());
            last = LocalDate.parse(to.trim());
        } catch (DateTimeParseException e) {
            System.err.println("--from and --to are days, e.g. 2026-10-01");
            return null;
        }
        if (last.isBefore(first)) {
            System.err.println("--to is before --from");
            return null;
        }
        System.out.println(export(store, first, last, Path.of(out), System.out));
        return null;
    }

    static String export(MessageStore store, LocalDate first, LocalDate last, Path file) throws java.io.IOException {
        return export(store, first, last, file, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    /**
     * Writes the export, records the disclosure and says what it wrote. The period is read a day at a time: a year of
     * referrals takes a while, so "read 30 of 365 day(s)" goes to {@code progress} every {@value #PROGRESS_DAYS} days and
     * at the end, and the export is listed for {@code harbor:operations} and the console as it goes.
     */
    static String export(MessageStore store, LocalDate first, LocalDate last, Path file, java.io.PrintStream progress)
            throws java.io.IOException {
        long days = java.time.temporal.ChronoUnit.DAYS.between(first, last) + 1;
        Operations.Operation op = store.operations().start(Operations.Kind.NCANDS_EXPORT, first + " to " + last,
                Shell.user().orElse("unauthenticated"));
        try {
            String said = write(store, first, last, file, days, (done, total) -> {
                op.progress(done, total);
                if (done % PROGRESS_DAYS == 0 || done == total) {
                    progress.println("read " + done + " of " + total + " day(s)");
                }
            });
            op.done(said.substring(0, said.indexOf(" written to ")));
            return said;
        } catch (java.io.IOException | RuntimeException e) {
            op.failed(e.getClass().getSimpleName());
            throw e;
        }
    }

    /** Progress is shown every this many days read. */
    static final int PROGRESS_DAYS = 30;

    private static String write(MessageStore store, LocalDate first, LocalDate last, Path file, long days, MessageStore.Progress progress)
            throws java.io.IOException {
        java.util.List<org.safeharbor.store.StoredReferral> received = new java.util.ArrayList<>();
        long read = 0;
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            // in order of receipt, as one query over the period would give them (the record numbers depend on it)
            received.addAll(store.receivedBetween(day.atStartOfDay(ZoneOffset.UTC).toInstant(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
            progress.progress(++read, days);
        }
        NcandsExport.Result result = NcandsExport.write(received, NcandsExport.federalFiscalYear(last));
        AuditEntry.Builder entry = AuditEntry.of(AuditEntry.Kind.DISCLOSURE, Shell.operator()).object("ncands-export")
                .fields(NcandsExport.FIELDS).detail("from", first).detail("to", last).detail("records", result.records())
                .detail("referrals-read", result.referralsRead());
        result.byMaltreatmentType().forEach((type, n) -> entry.detail("chmal-" + type, n));
        try {
            OwnerOnly.write(file, result.text());
        } catch (java.io.IOException e) {
            store.audit(entry.outcome(AuditEntry.Outcome.MINOR_FAILURE, "not written: " + e.getClass().getSimpleName()).build());
            throw e;
        }
        store.audit(entry.build());
        return result.records() + " record(s) from " + result.referralsRead() + " referral(s) received " + first + " to " + last
                + " written to " + file + " (maltreatment types " + result.byMaltreatmentType() + ")";
    }
}

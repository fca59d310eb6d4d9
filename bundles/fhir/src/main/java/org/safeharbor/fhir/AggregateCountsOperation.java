package org.safeharbor.fhir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.safeharbor.auth.Caller;
import org.hl7.fhir.r4.model.StringType;
import org.safeharbor.store.AggregateCell;
import org.safeharbor.store.AggregatePeriod;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.MessageStore;

/**
 * {@code GET /fhir/$aggregate-counts}: the de-identified aggregate counts (README "Federal and aggregate data") as CSV
 * ({@code text/csv; charset=utf-8}, a header line, one line per cell, a cell below the minimum cell size with its count
 * empty and {@code suppressed} true), the same bytes as {@code harbor:export-counts}. CSV rather than a FHIR
 * Parameters or MeasureReport: the auditor's and the analyst's tools (a spreadsheet, R, Stata, SAS) read it as it
 * comes, and a MeasureReport would need a Measure the project does not define. For an auditor client with the
 * auditor's scope {@code system/AuditEvent.rs} only ({@link IntakeAuthorization}); every read is recorded in the audit
 * trail with the client and the counts of cells.
 */
public class AggregateCountsOperation {

    /** The operation's name. */
    static final String NAME = "$aggregate-counts";

    private final MessageStore store;

    AggregateCountsOperation(MessageStore store) {
        this.store = store;
    }

    /**
     * {@code from} and {@code to}: the first and last ISO week of receipt, both included, each an ISO week
     * ({@code 2026-W40}) or a day standing for its week ({@code 2026-10-01}); either may be left out (open).
     */
    @Operation(name = NAME, idempotent = true, manualResponse = true)
    public void aggregateCounts(@OperationParam(name = "from", max = 1) StringType from, @OperationParam(name = "to", max = 1) StringType to,
                                ServletRequestDetails request, HttpServletResponse response) throws IOException {
        AggregatePeriod period;
        try {
            period = AggregatePeriod.parse(from == null ? null : from.getValue(), to == null ? null : to.getValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage()); // an OperationOutcome (400); the message quotes no value
        }
        List<AggregateCell> cells = store.aggregateCounts(period);
        Caller caller = BearerAuthentication.caller(request);
        store.audit(AuditEntry.of(AuditEntry.Kind.DISCLOSURE, AuditEntry.Actor.client(caller == null ? "unknown" : caller.clientId(),
                        request.getServletRequest().getRemoteAddr())).object("aggregate-counts").detail("period", period(period)).detail("cells", cells.size())
                .detail("suppressed", cells.stream().filter(AggregateCell::suppressed).count())
                .detail("minimum-cell", store.aggregateMinimumCell()).build());
        byte[] csv = AggregateCell.csv(cells).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(csv.length);
        response.getOutputStream().write(csv);
        response.getOutputStream().flush();
    }

    /** The period as the audit trail records it, e.g. {@code 2026-W40..2026-W53} ({@code ..} on an open side). */
    static String period(AggregatePeriod period) {
        return (period.fromWeek() == null ? "" : period.fromWeek()) + ".." + (period.toWeek() == null ? "" : period.toWeek());
    }
}

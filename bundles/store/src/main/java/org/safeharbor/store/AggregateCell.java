package org.safeharbor.store;

import java.util.List;

/**
 * One cell of the de-identified aggregate counts (README "Federal and aggregate data"): how many referrals of one
 * jurisdiction, allegation type and form, certainty, report source and outcome were received in one ISO week. Codes
 * only; {@code count} is null where the cell is suppressed, i.e. below the minimum cell size (small-cell rule).
 *
 * @param jurisdiction   the state, e.g. {@code US-IL}
 * @param allegationType {@code sex-trafficking} or {@code labor-trafficking}
 * @param allegationForm the form of CSEC (e.g. {@code survival-sex}), or {@code unspecified}
 * @param certainty      the shared code's certainty, e.g. {@code suspected}
 * @param source         who reported: {@code health-care} or {@code law-enforcement}
 * @param outcome        the delivery's status with that state now, as the delivery-status CodeSystem codes it
 * @param isoWeek        the ISO week of receipt, e.g. {@code 2026-W49}
 * @param count          the number of referrals, or null when suppressed
 */
public record AggregateCell(String jurisdiction, String allegationType, String allegationForm, String certainty, String source,
                            String outcome, String isoWeek, Integer count) {

    /** The CSV's header: one line, the columns in this order. */
    public static final String CSV_HEADER = "jurisdiction,allegation_type,allegation_form,certainty,source,outcome,iso_week,count,suppressed";

    /** True when the count is hidden (below the minimum cell size). */
    public boolean suppressed() {
        return count == null;
    }

    /**
     * The cells as CSV (RFC 4180, CRLF line ends, a header line): a suppressed cell has an empty {@code count} and
     * {@code suppressed} {@code true}. Every value is a code, none needs quoting.
     */
    public static String csv(List<AggregateCell> cells) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
        for (AggregateCell c : cells) {
            out.append(String.join(",", c.jurisdiction, c.allegationType, c.allegationForm, c.certainty, c.source, c.outcome, c.isoWeek,
                    c.count == null ? "" : c.count.toString(), Boolean.toString(c.suppressed()))).append("\r\n");
        }
        return out.toString();
    }
}

package org.safeharbor.store;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The weeks the aggregate counts are read for: from one ISO week to another, both included, either end open. The counts
 * are kept per ISO week of receipt ({@link AggregateCell#isoWeek()}), so a period is given in weeks, or in days that
 * stand for the week they fall in ({@code 2026-10-01} is {@code 2026-W40}): a period never cuts a week in two, which
 * would need counts the table does not keep.
 *
 * @param fromWeek the first week, e.g. {@code 2026-W40}, or null for the first one counted
 * @param toWeek   the last week, or null for the latest
 */
public record AggregatePeriod(String fromWeek, String toWeek) {

    /** Every week counted. */
    public static final AggregatePeriod ALL = new AggregatePeriod(null, null);

    private static final Pattern WEEK = Pattern.compile("\\d{4}-W(0[1-9]|[1-4]\\d|5[0-3])");

    public AggregatePeriod {
        if (fromWeek != null && !WEEK.matcher(fromWeek).matches() || toWeek != null && !WEEK.matcher(toWeek).matches()) {
            throw new IllegalArgumentException("a week is written like 2026-W40");
        }
        if (fromWeek != null && toWeek != null && fromWeek.compareTo(toWeek) > 0) {
            throw new IllegalArgumentException("the period ends before it begins");
        }
    }

    /**
     * A period from two ends as an operator or a client writes them: an ISO week ({@code 2026-W40}), a day
     * ({@code 2026-10-01}, its week) or empty/null (open). The message of a refusal quotes no value.
     */
    public static AggregatePeriod parse(String from, String to) {
        return new AggregatePeriod(week(from, "from"), week(to, "to"));
    }

    /** True when the week is in the period. */
    public boolean includes(String isoWeek) {
        return (fromWeek == null || fromWeek.compareTo(isoWeek) <= 0) && (toWeek == null || isoWeek.compareTo(toWeek) <= 0);
    }

    private static String week(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (WEEK.matcher(v).matches()) {
            return v;
        }
        try {
            LocalDate day = LocalDate.parse(v);
            return String.format(Locale.ROOT, "%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is neither an ISO week (2026-W40) nor a day (2026-10-01)");
        }
    }
}

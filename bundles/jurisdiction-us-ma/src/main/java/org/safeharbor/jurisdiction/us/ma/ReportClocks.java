package org.safeharbor.jurisdiction.us.ma;

import java.time.Duration;
import java.util.List;

import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;

/**
 * G.L. c.119 s.51A: the mandated reporter reports orally to DCF immediately, then in writing within 48 hours. The
 * adapter carries the written report (its delivery deadline); the oral report is the hospital's own duty, which no
 * adapter can discharge: told to the hospital when it submits, never watched.
 */
record ReportClocks(DeadlineRule writtenReport) {

    private static final MassachusettsFormat FORMAT = new MassachusettsFormat();

    static final DeadlineRule ORAL_REPORT = DeadlineRule.reporter("us-ma-oral-report", "Massachusetts: the mandated reporter's oral report "
            + "to DCF (by telephone) is due immediately; this adapter carries only the written report, due within 48 hours", Duration.ZERO,
            "G.L. c.119 s.51A");

    /** {@code writtenReport}: the configured time allowed ({@code writtenReportDeadline}). */
    ReportClocks(Duration writtenReport) {
        this(DeadlineRule.delivery("us-ma-written-report", "mandated reporter's written report to DCF (after the immediate oral report)",
                writtenReport, "G.L. c.119 s.51A"));
    }

    List<DeadlineRule> rules() {
        return List.of(writtenReport, ORAL_REPORT, ChildInCare.LAW_ENFORCEMENT);
    }

    /**
     * Both clocks, where a report is due: when Massachusetts receives an allegation; and DCF's 24 hours to tell law
     * enforcement about a child in its care (the kit's {@link ChildInCare#LAW_ENFORCEMENT}), only for such a child.
     */
    List<Deadline> deadlinesFor(Referral referral) {
        return ChildInCare.deadlines(MassachusettsFormat.allegationsFor(referral).isEmpty() ? List.of()
                : List.of(writtenReport.startingAt(referral.receivedAt()), ORAL_REPORT.startingAt(referral.receivedAt())),
                FORMAT, referral);
    }
}

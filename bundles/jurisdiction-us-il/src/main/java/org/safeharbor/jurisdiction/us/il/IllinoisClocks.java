package org.safeharbor.jurisdiction.us.il;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.support.v1.Durations;

/** Illinois' two clocks (docs/domain.md, "Illinois"), their lengths from the configuration, and a child in care's. */
final class IllinoisClocks {

    /** 325 ILCS 5/4: the reporter "shall immediately report"; carrying the report to the SCR is ours. */
    static final DeadlineRule REPORT = DeadlineRule.delivery("us-il-report",
            "the report reaches the State Central Register (the reporter's duty to report immediately)", Duration.ofHours(1), "325 ILCS 5/4");

    /** 325 ILCS 5/7.4: the state's clock, from the SCR's acknowledgement until DCFS opens the investigation or screens out. */
    static final DeadlineRule INVESTIGATION = DeadlineRule.state("us-il-investigation",
            "DCFS begins the investigation of the report (from the SCR's acknowledgement to the start of the investigation)",
            Duration.ofHours(24), "325 ILCS 5/7.4", Set.of(DeliveryStatus.INVESTIGATION_OPENED, DeliveryStatus.SCREENED_OUT));

    private IllinoisClocks() {
    }

    /**
     * Both clocks, as long as {@code reportDeadline} and {@code investigationClock} say (a bad value names its key), and
     * DCFS' 24 hours to tell law enforcement about a child in its care (the kit's {@link ChildInCare#LAW_ENFORCEMENT}).
     */
    static List<DeadlineRule> of(IllinoisAdapter.Config config) {
        return List.of(REPORT.withLength(Durations.positive(IllinoisAdapter.PID, "reportDeadline", config.reportDeadline())),
                INVESTIGATION.withLength(Durations.positive(IllinoisAdapter.PID, "investigationClock", config.investigationClock())),
                ChildInCare.LAW_ENFORCEMENT);
    }

    /** The report's two clocks for every referral sent; the law-enforcement clock only for a child in DCFS' care. */
    static List<Deadline> deadlinesFor(List<DeadlineRule> rules, StateFormat format, Referral referral) {
        return ChildInCare.deadlines(rules.stream().filter(rule -> rule != ChildInCare.LAW_ENFORCEMENT)
                .map(rule -> rule.startingAt(referral.receivedAt())).toList(), format, referral);
    }
}

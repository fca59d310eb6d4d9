package org.safeharbor.jurisdiction.support.v1;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;

/**
 * A child in the state agency's care (foster care or its supervision, {@code CareStatus.isInCare()}), the same for every
 * state (docs/domain.md, "Children in state care"): P.L. 113-183 makes the agency identify and document a child in its
 * care who is at risk of sex trafficking (42 U.S.C. 671(a)(9)(C), (a)(34)), so such a child's at-risk signal goes to
 * the agency under {@link StateFormat#childInCareAtRiskRule()} ({@link #RULE}), written as a risk signal and never as
 * an allegation of abuse; and the agency reports a child in its care identified as a sex-trafficking victim to law
 * enforcement within 24 hours (42 U.S.C. 671(a)(34)(A)): {@link #LAW_ENFORCEMENT}, a state's clock the core watches.
 * A format asks {@link #allegationsWritten} what it writes; an adapter adds {@link #deadlines} to its own clocks.
 */
public final class ChildInCare {

    /** The law, short enough for a wire format's rule field. */
    public static final String CITATION = "42 U.S.C. 671(a)(9)(C), (a)(34)";

    /** The rule a state's format names in {@link StateFormat#childInCareAtRiskRule()}. */
    public static final String RULE = CITATION + " (P.L. 113-183): the agency identifies and documents"
            + " a child in its care (foster care or its supervision) at risk of sex trafficking";

    /**
     * 42 U.S.C. 671(a)(34)(A): the agency reports a child in its care identified as a sex-trafficking victim to law
     * enforcement immediately, and in no case later than 24 hours. The state's clock: from its acknowledgement until its
     * decision on the report (screened in or out, investigation opened). No state's status says that law enforcement
     * was told: an alert says the agency has not decided within 24 hours, and the duty stays the agency's.
     */
    public static final DeadlineRule LAW_ENFORCEMENT = DeadlineRule.state("child-in-care-law-enforcement",
            "the agency decides on a report about a child in its care, and reports a child it identifies as a sex-trafficking"
                    + " victim to law enforcement (within 24 hours)", Duration.ofHours(24), "42 U.S.C. 671(a)(34)(A)",
            Set.of(DeliveryStatus.SCREENED_IN, DeliveryStatus.SCREENED_OUT, DeliveryStatus.INVESTIGATION_OPENED));

    private ChildInCare() {
    }

    /** Whether the format sends this referral's at-risk signals: under its at-risk rule, or for a child in care under its child-in-care rule. */
    public static boolean sendsRiskSignals(StateFormat format, Referral referral) {
        return format.atRiskRule().isPresent()
                || referral.careStatus().isInCare() && format.childInCareAtRiskRule().isPresent();
    }

    /**
     * What the format writes, in the referral's order: its allegations (suspected, confirmed) and, where
     * {@link #sendsRiskSignals}, its at-risk signals; never a ruled-out or historical finding.
     */
    public static List<Allegation> allegationsWritten(StateFormat format, Referral referral) {
        boolean signals = sendsRiskSignals(format, referral);
        List<Allegation> written = new ArrayList<>();
        for (Allegation allegation : referral.allegations()) {
            if (allegation.isReportable() || signals && allegation.certainty() == Certainty.AT_RISK) {
                written.add(allegation);
            }
        }
        return written;
    }

    /**
     * The adapter's own clocks plus, for a child in care about whom the format writes a sex-trafficking allegation or
     * signal, {@link #LAW_ENFORCEMENT} (the core starts a state's clock at the state's acknowledgement).
     */
    public static List<Deadline> deadlines(List<Deadline> own, StateFormat format, Referral referral) {
        boolean sexTrafficking = referral.careStatus().isInCare() && format.childInCareAtRiskRule().isPresent()
                && allegationsWritten(format, referral).stream().anyMatch(a -> a.type().isSexual());
        if (!sexTrafficking) {
            return own;
        }
        List<Deadline> all = new ArrayList<>(own);
        all.add(LAW_ENFORCEMENT.startingAt(referral.receivedAt()));
        return List.copyOf(all);
    }
}

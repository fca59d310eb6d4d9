package org.safeharbor.jurisdiction.us.fl;

import java.util.List;

import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;

/**
 * Florida's clocks. docs/domain.md gives no Florida statutory clock for a hospital's report, and a clock without a citable
 * basis is not declared; the one clock is DCF's 24 hours to tell law enforcement about a child in its care identified as
 * a sex-trafficking victim (42 U.S.C. 671(a)(34)(A), P.L. 113-183; docs/domain.md "Children in state care"): the kit's
 * {@link ChildInCare#LAW_ENFORCEMENT}, a state clock the core watches from DCF's acknowledgement until its decision.
 */
final class FloridaClocks {

    /** The clocks the adapter declares. */
    static final List<DeadlineRule> RULES = List.of(ChildInCare.LAW_ENFORCEMENT);

    private FloridaClocks() {
    }

    /** DCF's law-enforcement clock, only for a child in its care about whom a sex-trafficking allegation or signal is written. */
    static List<Deadline> deadlinesFor(FloridaFormat format, Referral referral) {
        return ChildInCare.deadlines(List.of(), format, referral);
    }
}

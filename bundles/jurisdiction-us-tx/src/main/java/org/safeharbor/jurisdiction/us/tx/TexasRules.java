package org.safeharbor.jurisdiction.us.tx;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.jurisdiction.support.v1.ChildInCare;
import org.safeharbor.jurisdiction.us.tx.wire.Agency;
import org.safeharbor.jurisdiction.us.tx.wire.IntakeRoute;

/**
 * Texas' rules, apart from any format or transport (45 CFR 1355.53: business rules separate from core code).
 *
 * <p>CPS Handbook §2380 (docs/domain.md "Texas"): CPS investigates trafficking only where the alleged trafficker
 * is a person responsible for the child's care; otherwise the report goes to law enforcement within 24 hours. The route
 * of each allegation is the bundle's ConceptMap's (its perpetrator group, {@link TexasNiemFormat#route}):
 * <ul>
 *   <li>caregiver trafficker (the act itself): CPS investigates;</li>
 *   <li>caregiver who failed to protect: CPS for the caregiver, and law enforcement because the
 *       trafficker is then someone else, not that caregiver;</li>
 *   <li>non-caregiver: law enforcement within 24 hours;</li>
 *   <li>undetermined (other family member, multiple, unknown): law enforcement within 24 hours AND CPS,
 *       so that no case falls between the two while the relation is being established.</li>
 * </ul>
 * A child in DFPS' care (foster care or its supervision) at risk of sex trafficking is the agency's to identify and
 * document (42 U.S.C. 671(a)(34), P.L. 113-183; docs/domain.md "Children in state care"): that child's at-risk signal
 * goes to CPS intake ({@link #withSignals}), and DFPS' 24 hours to tell law enforcement about a child in its care
 * identified as a sex-trafficking victim (671(a)(34)(A)) is the kit's {@link ChildInCare#LAW_ENFORCEMENT}, a state clock.
 */
public final class TexasRules {

    /** Id of the law-enforcement clock. */
    public static final String LAW_ENFORCEMENT_CLOCK_ID = "us-tx-law-enforcement";
    /** Its statutory length. */
    public static final Duration LAW_ENFORCEMENT_CLOCK = Duration.ofHours(24);
    /** Its public source. */
    public static final String LEGAL_BASIS = "Texas DFPS CPS Handbook §2380 (trafficker not responsible for the child's care:"
            + " report to law enforcement within 24 hours)";

    private TexasRules() {
    }

    /**
     * The law-enforcement clock with the given length (configuration may shorten it, e.g. in tests). §2380 gives
     * the duty to DFPS; in this reference design the adapter itself sends the notice to the law-enforcement
     * endpoint, so the clock is the adapter's delivery deadline: from receipt until that endpoint acknowledges.
     */
    public static DeadlineRule lawEnforcementClock(Duration length) {
        return DeadlineRule.delivery(LAW_ENFORCEMENT_CLOCK_ID,
                "Notify law enforcement of a trafficking report whose alleged trafficker is not (or not known to be)"
                        + " a person responsible for the child's care",
                length, LEGAL_BASIS);
    }

    /**
     * Whether Texas counts the relation as a "person responsible for the child's care". Texas takes the
     * shared code's defaults as they are: parents, step or foster parents and other caregivers (childcare,
     * healthcare, teachers: responsible for the child in a setting) are; a non-family member with no care
     * role is not; another family member, several perpetrators or an unknown one stay undetermined, because
     * the relation alone does not say whether that person had the child in their care.
     */
    public static CaregiverStatus caregiverStatus(PerpetratorRelation relation) {
        return relation.defaultCaregiverStatus();
    }

    /** True when law enforcement receives a report on this route, and its clock runs. */
    public static boolean toLawEnforcement(IntakeRoute route) {
        return route == IntakeRoute.LAW_ENFORCEMENT_NOTICE || route == IntakeRoute.LAW_ENFORCEMENT_NOTICE_AND_CPS;
    }

    /**
     * A report's route with a child in DFPS' care's at-risk signals (42 U.S.C. 671(a)(34)): they are the agency's, so a
     * report carrying them reaches CPS intake. Signals alone go to CPS only ({@code cps-child-in-care}, never to law
     * enforcement: telling it is the agency's duty, on its own clock); beside allegations for law enforcement alone, the
     * report goes to both; otherwise the allegations' route stands.
     */
    static Optional<IntakeRoute> withSignals(Optional<IntakeRoute> allegations, boolean signals) {
        if (!signals) {
            return allegations;
        }
        return Optional.of(allegations.map(route -> route == IntakeRoute.LAW_ENFORCEMENT_NOTICE
                ? IntakeRoute.LAW_ENFORCEMENT_NOTICE_AND_CPS : route).orElse(IntakeRoute.CPS_CHILD_IN_CARE));
    }

    /** Texas' clocks: the law-enforcement notice (§2380) and DFPS' own for a child in its care (the kit's). */
    static List<DeadlineRule> clocks(DeadlineRule lawEnforcement) {
        return List.of(lawEnforcement, ChildInCare.LAW_ENFORCEMENT);
    }

    /**
     * The law-enforcement notice's clock only for a report that goes to law enforcement; DFPS' law-enforcement clock only
     * for a child in its care about whom a sex-trafficking allegation or signal is written ({@link ChildInCare#deadlines}).
     */
    static List<Deadline> deadlinesFor(DeadlineRule lawEnforcement, TexasNiemFormat format, Referral referral) {
        List<Deadline> own = format.route(referral).filter(TexasRules::toLawEnforcement)
                .map(route -> List.of(lawEnforcement.startingAt(referral.receivedAt()))).orElse(List.of());
        return ChildInCare.deadlines(own, format, referral);
    }

    /** The agency's name in status texts; no personal data. */
    public static String displayName(Agency agency) {
        return agency == Agency.CPS_INTAKE ? "Texas CPS intake" : "Texas law-enforcement notification";
    }
}

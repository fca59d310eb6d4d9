package org.safeharbor.jurisdiction.us.tx;

import java.time.Duration;

import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.PerpetratorRelation;
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
        return route != IntakeRoute.CPS_INVESTIGATION;
    }

    /** The agency's name in status texts; no personal data. */
    public static String displayName(Agency agency) {
        return agency == Agency.CPS_INTAKE ? "Texas CPS intake" : "Texas law-enforcement notification";
    }
}

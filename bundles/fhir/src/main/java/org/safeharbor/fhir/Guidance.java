package org.safeharbor.fhir;

import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.store.StoredReferral;

/**
 * What the clinician is told when nothing is sent to a state, in the Task and in the answer to the
 * submission: the words matter, because a risk signal is not an allegation and a child's history of
 * exploitation may never have been reported (docs/domain.md, "Risk signals").
 */
final class Guidance {

    /** A positive screen or a safety flag, and no state receives risk signals. */
    static final String RISK_SIGNAL = "A risk signal (a positive screen or a safety flag) is not a report of abuse: recorded,"
            + " no state notified, no clock started. A positive screen calls for further assessment by a clinician trained"
            + " to recognize exploitation (e.g. a social worker or child-abuse pediatrician). If you then suspect the child"
            + " is being exploited or trafficked, report it: submit the suspected finding (a Condition coded ICD-10-CM T76.52XA"
            + " for sexual exploitation or T76.62XA for forced labor) or call the state's child abuse hotline.";

    /** Historical findings (and perhaps ruled-out ones) only. */
    static final String HISTORY = "A history of exploitation or trafficking was recorded; no state is notified for a history"
            + " code. If this exploitation was never reported to child welfare or law enforcement, report it now: submit it as"
            + " a suspected finding, or call the state's child abuse hotline.";

    /** Ruled-out findings only. */
    static final String RULED_OUT = "Nothing to report: only ruled-out findings. Recorded; no state is notified.";

    private Guidance() {
    }

    /** The Task's title: a report only where one is made. */
    static String title(StoredReferral stored) {
        if (stored.referral().allegations().stream().anyMatch(Allegation::isReportable)) {
            return "Report of suspected child trafficking to child welfare";
        }
        if (stored.referral().allegations().stream().anyMatch(a -> a.certainty() == Certainty.AT_RISK)) {
            return "Risk signal of child trafficking (a screening result, not a report)";
        }
        return "Screening findings recorded (not a report)";
    }

    /** Only a risk signal, and no state took it: every delivery is not-sent. */
    static boolean riskSignalOnly(StoredReferral stored) {
        return stored.actionable() && stored.referral().allegations().stream().noneMatch(Allegation::isReportable)
                && !stored.deliveries().isEmpty()
                && stored.deliveries().stream().allMatch(d -> d.status() == DeliveryStatus.NOT_SENT);
    }

    /** The text for a submission with nothing reportable: a history prompts a report, ruled-out findings do not. */
    static String notReportable(Referral referral) {
        return referral.allegations().stream().anyMatch(a -> a.certainty() == Certainty.HISTORICAL) ? HISTORY : RULED_OUT;
    }
}

package org.safeharbor.fhir;

import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.DeadlineAlert;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.StoredReferral;

/**
 * The hospital's view of a referral: a FHIR Task with no personal data. {@code Task.focus} names
 * the hospital's own submission; {@code businessStatus} and one {@code output} per jurisdiction
 * say where it stands, with the state's intake number once known.
 *
 * <p>{@code Task.status} is the least advanced of the jurisdictions' statuses, except that a
 * failure anywhere shows as failed, so the hospital sees what still needs attention.
 */
final class TaskView {

    private TaskView() {
    }

    /**
     * The Task with its statutory clock alerts: the latest alert of each clock is named in
     * {@code businessStatus.text} and listed as an output, so the hospital knows a deadline is near.
     */
    static Task of(StoredReferral stored, List<DeadlineAlert> alerts) {
        Task task = new Task();
        task.setId(stored.referral().id().value());
        task.setIntent(Task.TaskIntent.ORDER);
        task.setPriority(Task.TaskPriority.URGENT);
        task.setCode(new CodeableConcept().setText(Guidance.title(stored)));
        task.setAuthoredOn(Date.from(stored.receivedAt()));
        // client|sender|id since authentication (sender|id before): the focus is the sender's own identifier
        String[] parts = stored.submissionKey().split("\\|");
        String[] key = parts.length >= 3 ? stored.submissionKey().substring(parts[0].length() + 1).split("\\|", 2)
                : stored.submissionKey().split("\\|", 2);
        task.setFocus(new Reference().setIdentifier(new Identifier().setSystem(key[0]).setValue(key.length > 1 ? key[1] : null))
                .setDisplay("the hospital's submission"));

        List<Delivery> deliveries = stored.deliveries();
        if (!stored.actionable()) {
            task.setStatus(TaskStatus.COMPLETED);
            task.setBusinessStatus(status("not-reportable", Guidance.notReportable(stored.referral())));
            task.setLastModified(Date.from(stored.receivedAt()));
            return task;
        }
        if (Guidance.riskSignalOnly(stored)) {
            task.setStatus(TaskStatus.COMPLETED);
            task.setBusinessStatus(status(code(DeliveryStatus.NOT_SENT), Guidance.RISK_SIGNAL));
            task.setLastModified(Date.from(stored.receivedAt()));
            return task;
        }
        task.setStatus(deliveries.stream().anyMatch(d -> taskStatus(d.status()) == TaskStatus.FAILED) ? TaskStatus.FAILED
                : deliveries.stream().map(d -> taskStatus(d.status())).min(Comparator.comparingInt(TaskView::progress))
                        .orElse(TaskStatus.RECEIVED));
        java.util.Map<String, DeadlineAlert> latest = new java.util.LinkedHashMap<>();
        for (DeadlineAlert alert : alerts) {
            latest.put(alert.jurisdiction().code() + " " + alert.ruleId(), alert);
        }
        String summary = deliveries.stream().map(d -> d.jurisdiction().code() + ": " + code(d.status()))
                .collect(Collectors.joining("; "))
                + latest.values().stream().map(a -> (a.isStatesClock() ? "; state's clock " : "; clock ") + a.ruleId()
                        + " (" + a.jurisdiction().code() + ") "
                        + (a.level().equals("breached") ? "BREACHED" : a.level() + " used") + ", due " + a.due())
                .collect(Collectors.joining());
        DeliveryStatus least = deliveries.stream().map(Delivery::status)
                .min(Comparator.comparingInt(s -> progress(taskStatus(s)))).orElse(DeliveryStatus.RECEIVED);
        task.setBusinessStatus(status(code(least), summary));
        deliveries.stream().map(Delivery::updatedAt).max(Comparator.naturalOrder())
                .ifPresent(t -> task.setLastModified(Date.from(t)));
        for (DeadlineAlert a : latest.values()) {
            task.addOutput().setType(new CodeableConcept().setText("deadline " + a.ruleId() + " " + a.jurisdiction().code()))
                    .setValue(new org.hl7.fhir.r4.model.StringType(a.level() + ", due " + a.due()
                            + (a.isStatesClock() ? " (the state's own clock, after delivery: the state's duty)" : "")));
        }
        for (Delivery d : deliveries) {
            task.addOutput().setType(new CodeableConcept().setText("delivery-status " + d.jurisdiction().code()))
                    .setValue(new CodeableConcept(new Coding(FhirSystems.DELIVERY_STATUS, code(d.status()), null))
                            .setText(d.jurisdiction().code() + ": " + code(d.status()) + (d.reason() == null ? "" : " (" + stateText(d.reason(), MAX_REASON) + ")")));
            if (d.stateIntakeNumber() != null) {
                task.addOutput().setType(new CodeableConcept().setText("state-intake-number " + d.jurisdiction().code()))
                        .setValue(new Identifier().setSystem(FhirSystems.STATE_INTAKE_NUMBER + d.jurisdiction().code())
                                .setValue(stateText(d.stateIntakeNumber(), MAX_INTAKE_NUMBER)));
            }
        }
        return task;
    }

    /**
     * The notices a state's law requires after its own decision (e.g. Massachusetts DCF's to the District Attorney
     * and law enforcement, G.L. c.119 s.51B(k)), one output each: disclosures of the hospital's report, so the
     * hospital sees them. They never change {@code Task.status}: the report's delivery is what the hospital owes.
     */
    static Task withNotices(Task task, List<org.safeharbor.store.Notice> notices) {
        for (org.safeharbor.store.Notice n : notices) {
            task.addOutput().setType(new CodeableConcept().setText("notice " + n.recipient() + " " + n.jurisdiction().code()))
                    .setValue(new org.hl7.fhir.r4.model.StringType(n.status().code() + " (the state's notice, on its status "
                            + code(n.trigger()) + ")" + (n.reason() == null ? "" : ": " + stateText(n.reason(), MAX_REASON))));
        }
        return task;
    }

    /**
     * The services referrals made of the referral (issue 15: the HL7 SDOH Clinical Care IG's referral to a services
     * provider), one output each: {@code services-referral <provider>}, valued with the send's status, the trigger and
     * the provider's own Task.status once read back (received, accepted, rejected, in-progress, completed). Like the
     * notices, they never change {@code Task.status}.
     */
    static Task withServices(Task task, List<org.safeharbor.fhir.services.ServicesReferrals.Status> referrals) {
        for (org.safeharbor.fhir.services.ServicesReferrals.Status s : referrals) {
            task.addOutput().setType(new CodeableConcept().setText("services-referral " + s.provider()))
                    .setValue(new org.hl7.fhir.r4.model.StringType(s.status() + " (" + s.trigger() + ")"
                            + (s.providerStatus() == null ? "" : "; the provider's Task: " + stateText(s.providerStatus(), 32))));
        }
        return task;
    }

    /**
     * The Task of a young adult's report the intake refused (18 or older: not a child-welfare report) and referred to
     * services instead (the submission recorded consent): completed, not reportable, nothing sent to a state, one output
     * per services referral with the provider's status as it comes back. Nothing of the report was stored, so no focus.
     */
    static Task youngAdult(ReferralId id, org.safeharbor.fhir.services.ServicesReferrals.YoungAdult adult,
                           List<org.safeharbor.fhir.services.ServicesReferrals.Status> referrals) {
        Task task = new Task();
        task.setId(id.value());
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept().setText("Services referral of a young adult (not a child-welfare report)"));
        task.setAuthoredOn(Date.from(adult.recordedAt()));
        task.setStatus(TaskStatus.COMPLETED);
        task.setBusinessStatus(status("not-reportable", "18 or older: not sent to any state; referred to services instead, with the"
                + " consent the submission recorded"));
        task.setLastModified(Date.from(referrals.stream().map(org.safeharbor.fhir.services.ServicesReferrals.Status::updatedAt)
                .max(java.util.Comparator.naturalOrder()).orElse(adult.recordedAt())));
        return withServices(task, referrals);
    }

    /** The longest reason shown, in characters; a longer one is cut and ends with an ellipsis. */
    static final int MAX_REASON = 200;
    /** The longest state intake number shown. */
    static final int MAX_INTAKE_NUMBER = 64;

    /**
     * Free text a state sent (a reason, an intake number) as the Task shows it: control and format characters
     * (line breaks, right-to-left overrides, zero-width characters) become spaces, runs of spaces one, and the text
     * is cut at {@code max} characters. A state's text reaches the hospital only next to a status code, never alone.
     */
    static String stateText(String text, int max) {
        StringBuilder clean = new StringBuilder();
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean invisible = type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE || Character.isWhitespace(c);
            if (!invisible) {
                clean.appendCodePoint(c);
            } else if (clean.length() > 0 && clean.charAt(clean.length() - 1) != ' ') {
                clean.append(' ');
            }
        });
        String result = clean.toString().strip();
        if (result.codePointCount(0, result.length()) > max) {
            result = result.substring(0, result.offsetByCodePoints(0, max - 1)) + "\u2026";
        }
        return result;
    }

    /** The delivery-status code of a status, e.g. {@code screened-in}. */
    static String code(DeliveryStatus status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static TaskStatus taskStatus(DeliveryStatus status) {
        return switch (status) {
            case RECEIVED -> TaskStatus.RECEIVED;
            case QUEUED -> TaskStatus.READY;
            case ON_HOLD -> TaskStatus.ONHOLD;
            case DELIVERED -> TaskStatus.INPROGRESS;
            case ACKNOWLEDGED, SCREENED_IN -> TaskStatus.ACCEPTED;
            case INVESTIGATION_OPENED, NOT_SENT -> TaskStatus.COMPLETED;
            case SCREENED_OUT -> TaskStatus.REJECTED;
            case REJECTED, FAILED -> TaskStatus.FAILED;
        };
    }

    private static int progress(TaskStatus status) {
        return switch (status) {
            case ONHOLD -> 0;
            case RECEIVED -> 1;
            case READY -> 2;
            case INPROGRESS -> 3;
            case ACCEPTED -> 4;
            case REJECTED, COMPLETED -> 5;
            default -> 6;
        };
    }

    private static CodeableConcept status(String code, String text) {
        return new CodeableConcept(new Coding(FhirSystems.DELIVERY_STATUS, code, null)).setText(text);
    }
}

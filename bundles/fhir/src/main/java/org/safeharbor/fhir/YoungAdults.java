package org.safeharbor.fhir;

import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.fhir.services.ServicesReferrals;

/**
 * The intake's refusal of a person 18 or older (a child-welfare report is about a minor), and what it offers a young
 * adult instead of a dead end: when the person is 18 to 24 and the submission records consent to a services referral
 * ({@link ServicesConsent}), the refusal carries what a services referral needs, and the intake hands it to the
 * services-referral bundle ({@link ServicesReferrals#referYoungAdult}), which keeps it durably before the answer. The
 * answer is still 422, nothing goes to a state, and its OperationOutcome says, in an information issue, for which
 * providers a services referral was recorded and under which reference (no personal data): the Task of that id, which
 * the submitting client alone reads, shows the providers' statuses ({@link TaskView#youngAdult}).
 */
final class YoungAdults {

    /** The oldest age a services referral is offered at (young adults, 18 to 24). */
    static final int OLDEST = 24;
    static final String MESSAGE = "the child was 18 or older on the day of the encounter: SafeHarbor Bridge only carries reports about minors";

    /** A refusal of a consented young adult, carrying the person's services referral (never shown, never logged). */
    static final class Refused extends UnprocessableEntityException {
        private final transient Referral person;

        Refused(UnprocessableEntityException refusal, Referral person) {
            super(refusal.getMessage(), refusal.getOperationOutcome());
            this.person = person;
        }
    }

    private YoungAdults() {
    }

    /**
     * The refusal of an adult; for a consented young adult one that carries {@code person} (read only then: the
     * findings of an older adult are never read).
     */
    static UnprocessableEntityException refusal(Child child, LocalDate dayOfCare, String birthDate, boolean consent, Supplier<Referral> person) {
        UnprocessableEntityException refusal = Refusals.unprocessable(IssueType.BUSINESSRULE, birthDate, MESSAGE);
        if (!consent || child.ageOn(dayOfCare) > OLDEST) {
            return refusal;
        }
        try {
            return new Refused(refusal, person.get());
        } catch (RuntimeException unreadable) {
            return refusal; // its findings do not read: refused as an adult, as before
        }
    }

    /** The answer to a refusal: for a consented young adult, the services referral recorded first and said in the outcome. */
    static UnprocessableEntityException answer(UnprocessableEntityException refusal, ServicesReferrals services, String clientId) {
        if (!(refusal instanceof Refused refused) || services == null) {
            return refusal;
        }
        List<String> providers = services.referYoungAdult(refused.person, clientId);
        if (providers.isEmpty()) {
            return refusal;
        }
        UnprocessableEntityException answer = Refusals.unprocessable(IssueType.BUSINESSRULE, Refusals.element(refusal), MESSAGE);
        ((OperationOutcome) answer.getOperationOutcome()).addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(IssueType.INFORMATIONAL).setDiagnostics("not sent to any state; a services referral was recorded instead,"
                        + " with the consent the submission records, for " + String.join(", ", providers) + " (services referral "
                        + refused.person.id().value() + "; its status at Task/" + refused.person.id().value() + ")");
        return answer;
    }
}

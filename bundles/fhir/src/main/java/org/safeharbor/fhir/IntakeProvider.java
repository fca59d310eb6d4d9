package org.safeharbor.fhir;


import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * The two ways a hospital submits: {@code POST /fhir/$process-message} with a message Bundle (as
 * electronic case reporting does), or {@code POST /fhir} with a transaction or collection Bundle
 * carrying the same resources. Both answer 202 Accepted with the referral's Task.
 */
public class IntakeProvider {

    /** Request user-data key: the Task id of an accepted submission (read by {@link AcceptedInterceptor}). */
    static final String ACCEPTED_TASK = "safeharbor.acceptedTask";
    /** Request user-data key: the raw body as read, for the quarantine. */
    static final String RAW_BODY = "safeharbor.rawBody";

    private final BundleParser parser;
    private final IntakeService intake;
    private final int maxPayloadBytes;
    /** The FHIR package's profiles (mappings/ig): built once per bundle start, on a thread of its own. */
    private final ProfileValidation profiles = ProfileValidation.shared();

    IntakeProvider(FhirContext fhir, IntakeService intake, int maxPayloadBytes) {
        this.parser = new BundleParser(fhir);
        this.intake = intake;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * FHIR messaging: the body is a Bundle of type message whose first entry is a MessageHeader
     * with event {@code screening-report}. Read by hand (manualRequest) so that every way a body can
     * be wrong gets its own clear answer.
     */
    @Operation(name = "$process-message", manualRequest = true, idempotent = false)
    public OperationOutcome processMessage(RequestDetails request) {
        byte[] raw = request.loadRequestContents();
        request.getUserData().put(RAW_BODY, raw);
        if (raw.length > maxPayloadBytes) {
            throw new ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException(
                    "the submission is larger than " + maxPayloadBytes + " bytes");
        }
        Bundle bundle = parser.parse(raw, request.getHeader("Content-Type"));
        IntakeAuthorization.mayCarry(BearerAuthentication.caller(request), bundle);
        ProfileValidation.Outcome conformance = profiles.check(bundle);
        return accepted(request, intake.accept(bundle, true, raw, mediaType(request), BearerAuthentication.caller(request)), conformance);
    }

    /**
     * {@code POST /fhir}: a transaction (or batch, or collection) Bundle with the same resources.
     * HAPI parses this body itself; {@link IntakeInterceptors.TransactionBody} has already checked it
     * with the same {@link BundleParser} rules as {@code $process-message}.
     */
    @Transaction
    public Bundle transaction(@TransactionParam Bundle bundle, RequestDetails request) {
        byte[] raw = request.loadRequestContents();
        IntakeAuthorization.mayCarry(BearerAuthentication.caller(request), bundle);
        ProfileValidation.Outcome conformance = profiles.check(bundle);
        OperationOutcome outcome = accepted(request, intake.accept(bundle, false, raw, mediaType(request),
                BearerAuthentication.caller(request)), conformance);
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        response.addEntry().getResponse().setStatus("202 Accepted")
                .setLocation("Task/" + request.getUserData().get(ACCEPTED_TASK)).setOutcome(outcome);
        return response;
    }

    private OperationOutcome accepted(RequestDetails request, IntakeService.Accepted accepted, ProfileValidation.Outcome conformance) {
        String taskId = accepted.stored().referral().id().value();
        request.getUserData().put(ACCEPTED_TASK, taskId);
        request.getUserData().put(IntakeMetrics.CREATED, accepted.created());
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                .setDiagnostics((accepted.created() ? "Accepted" : "Already accepted earlier; nothing new was created")
                        + ": follow the referral at Task/" + taskId);
        if (!accepted.stored().actionable()) {
            outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics(Guidance.notReportable(accepted.stored().referral()));
        } else if (accepted.riskSignalNotSent()) {
            outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics(Guidance.RISK_SIGNAL);
        }
        for (org.safeharbor.api.v1.DeadlineRule duty : accepted.reminders()) {
            // the reporter's own duty, which this adapter cannot discharge (e.g. an oral report due immediately)
            outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics("Your duty as the reporter: " + duty.description() + " (" + duty.legalBasis() + ")");
        }
        for (String warning : accepted.warnings()) {
            outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.CODEINVALID).setDiagnostics(warning);
        }
        for (ProfileValidation.Issue warning : conformance.warnings()) {
            // the profiles' warnings, rewritten without the submission's values (ProfileValidation)
            outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(warning.type())
                    .setDiagnostics("Profile warning: " + warning.rule()).addExpression(warning.expression());
        }
        for (Jurisdiction j : accepted.onHold()) {
            outcome.addIssue().setSeverity(IssueSeverity.WARNING).setCode(IssueType.INCOMPLETE)
                    .setDiagnostics("No SafeHarbor Bridge bundle is installed for " + j.code() + ": the referral is held safely"
                            + " on its queue and will be delivered once one is, but call that state's child abuse hotline now.");
        }
        return outcome;
    }

    private static String mediaType(RequestDetails request) {
        String type = request.getHeader("Content-Type");
        return type == null ? "application/fhir+json" : type.split(";")[0].trim();
    }
}

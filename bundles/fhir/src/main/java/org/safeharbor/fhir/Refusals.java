package org.safeharbor.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The intake's refusals: a HAPI exception carrying an OperationOutcome that names the failing
 * element (FHIRPath). Messages never contain personal data: they are logged and stored.
 */
final class Refusals {

    private Refusals() {
    }

    /** 400: the request is not a well-formed submission (wrong resource, wrong Bundle type). */
    static InvalidRequestException badRequest(String element, String message) {
        return new InvalidRequestException(message, outcome(IssueType.STRUCTURE, element, message));
    }

    /** 422: a well-formed submission this adapter cannot accept (adult, no reportable code, ...). */
    static UnprocessableEntityException unprocessable(IssueType type, String element, String message) {
        return new UnprocessableEntityException(message, outcome(type, element, message));
    }

    /** 415: the body's declared media type is not FHIR JSON or XML. */
    static ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException unsupportedMediaType(String message) {
        return new ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException(415, message,
                outcome(IssueType.NOTSUPPORTED, "Bundle", message));
    }

        static OperationOutcome outcome(IssueType type, String element, String message) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
        if (element != null) {
            issue.addExpression(element);
        }
        return outcome;
    }

    /** The failing element of a refusal, if it names one. */
    static String element(BaseServerResponseException e) {
        if (e.getOperationOutcome() instanceof OperationOutcome outcome && outcome.hasIssue()
                && outcome.getIssueFirstRep().hasExpression()) {
            return outcome.getIssueFirstRep().getExpression().get(0).getValue();
        }
        return null;
    }
}

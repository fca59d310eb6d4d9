package org.safeharbor.fhir;

import java.util.Map;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.auth.Caller;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in the audit trail every submission (accepted, or refused with its HTTP status and the failing element),
 * every read or search of a Task, and every search of the audit trail itself, with the client that made it (or, for
 * a caller without a valid token, that it did not authenticate) and its network address. A submission refused for its
 * rate (429) is not recorded: that is the work the limit spares. A read whose record cannot be written is answered 500
 * with nothing read: no access goes unrecorded.
 */
@Interceptor
final class RequestAudit {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAudit.class);
    private final AuditLog audit;

    RequestAudit(AuditLog audit) {
        this.audit = audit;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public void answered(RequestDetails request, ResponseDetails response) {
        AuditEntry.Kind kind = kind(request, response.getResponseResource());
        if (kind == null) {
            return;
        }
        AuditEntry.Builder entry = entry(kind, request);
        if (kind == AuditEntry.Kind.SUBMISSION) {
            Object task = request.getUserData().get(IntakeProvider.ACCEPTED_TASK);
            entry.referral(task == null ? null : new ReferralId(task.toString()));
        } else if (response.getResponseResource() instanceof Bundle bundle && bundle.hasTotal()) {
            entry.detail("results", bundle.getTotal());
        }
        try {
            audit.audit(entry.build());
        } catch (RuntimeException e) {
            LOG.error("FHIR {} answered but not recorded in the audit trail: {}", kind.code(), e.getClass().getSimpleName());
            if (kind != AuditEntry.Kind.SUBMISSION) {
                // a read that cannot be recorded is not answered; an accepted submission is (it is stored and queued)
                throw new InternalErrorException("internal error: the request was not processed; retry later");
            }
        }
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean refused(RequestDetails request, BaseServerResponseException exception) {
        AuditEntry.Kind kind = kind(request, null);
        if (kind == null || exception.getStatusCode() == IntakeInterceptors.TOO_MANY_REQUESTS) {
            return true;
        }
        AuditEntry.Builder entry = entry(kind, request).outcome(exception.getStatusCode() >= 500 ? AuditEntry.Outcome.SERIOUS_FAILURE
                : AuditEntry.Outcome.MINOR_FAILURE, "HTTP " + exception.getStatusCode());
        // the failing element (a FHIRPath, never a value)
        entry.detail("element", Refusals.element(exception));
        try {
            audit.audit(entry.build());
        } catch (RuntimeException e) {
            LOG.error("FHIR {} refused (HTTP {}) but not recorded in the audit trail: {}", kind.code(), exception.getStatusCode(),
                    e.getClass().getSimpleName());
        }
        return true;
    }

    /** What kind of request this is for the audit trail; null for one that is not recorded (the public conformance requests). */
    private static AuditEntry.Kind kind(RequestDetails request, IBaseResource response) {
        RestOperationTypeEnum operation = request.getRestOperationType();
        if (PublicConformance.isPublic(request)) {
            // the CapabilityStatement and the FHIR package: nobody's data is read
            return null;
        }
        if (request.getRequestType() == RequestTypeEnum.POST) {
            return AuditEntry.Kind.SUBMISSION;
        }
        String type = request.getResourceName();
        if ("Task".equals(type)) {
            return operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD ? AuditEntry.Kind.TASK_READ
                    : AuditEntry.Kind.TASK_SEARCH;
        }
        if ("AuditEvent".equals(type)) {
            return AuditEntry.Kind.AUDIT_SEARCH;
        }
        if (operation == RestOperationTypeEnum.GET_PAGE && response instanceof Bundle bundle && !bundle.getEntry().isEmpty()
                && bundle.getEntryFirstRep().getResource() instanceof AuditEvent) {
            return AuditEntry.Kind.AUDIT_SEARCH;
        }
        return null;
    }

    /** The entry's actor, the Task read, and a search's criteria (ids, codes and dates: no personal data). */
    private static AuditEntry.Builder entry(AuditEntry.Kind kind, RequestDetails request) {
        Caller caller = BearerAuthentication.caller(request);
        String address = request instanceof ServletRequestDetails servlet ? servlet.getServletRequest().getRemoteAddr() : null;
        AuditEntry.Builder entry = AuditEntry.of(kind, caller == null ? AuditEntry.Actor.anonymous(null, address)
                : AuditEntry.Actor.client(caller.clientId(), address));
        if (kind == AuditEntry.Kind.TASK_READ && request.getId() != null && request.getId().hasIdPart()) {
            entry.referral(new ReferralId(request.getId().getIdPart()));
        }
        if (kind == AuditEntry.Kind.AUDIT_SEARCH || kind == AuditEntry.Kind.TASK_SEARCH) {
            for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
                String name = parameter.getKey();
                if (name.equals("entity") || name.equals("agent") || name.equals("date") || name.equals("_count")
                        || name.equals("_getpagesoffset")) {
                    entry.detail("query " + name, String.join(" & ", parameter.getValue()));
                }
            }
        }
        return entry;
    }
}

package org.safeharbor.fhir;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Task;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.auth.Caller;
import org.safeharbor.auth.Scopes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each authenticated client may do, as HAPI's AuthorizationInterceptor rules built from its
 * token's scopes: submit with {@code system/Bundle.c} (a hospital's screening report) or
 * {@code system/Bundle.c?event=custody-notice} (a law-enforcement custody notice; which message is checked on the
 * message, {@link #mayCarry}); read with {@code system/Task.rs} only the Tasks
 * of referrals it submitted itself (an auditor client: every Task); search the audit trail with
 * {@code system/AuditEvent.rs}, the auditor's scope, and with the same scope a client of kind auditor (only) reads the
 * de-identified counts, {@code GET /fhir/$aggregate-counts} ({@link AggregateCountsOperation}). Everything else is
 * denied (403 with an OperationOutcome). A Task
 * of another client is answered 404, exactly like one that does not exist, so ids cannot be probed.
 */
final class IntakeAuthorization extends AuthorizationInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeAuthorization.class);
    private final java.util.function.Function<ReferralId, Optional<String>> submittedBy;

    /** @param submittedBy the client that submitted a referral (or asked for a young adult's services referral) */
    IntakeAuthorization(java.util.function.Function<ReferralId, Optional<String>> submittedBy) {
        super(PolicyEnum.DENY);
        this.submittedBy = submittedBy;
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        Caller caller = BearerAuthentication.caller(request);
        RuleBuilder rules = new RuleBuilder();
        rules.allow("capability statement").metadata();
        // the FHIR package's conformance resources and their terminology operations: public (PublicConformance)
        for (Class<? extends IBaseResource> type : List.of(org.hl7.fhir.r4.model.StructureDefinition.class,
                org.hl7.fhir.r4.model.ValueSet.class, org.hl7.fhir.r4.model.CodeSystem.class, org.hl7.fhir.r4.model.ConceptMap.class,
                org.hl7.fhir.r4.model.Questionnaire.class)) {
            rules.allow("read the FHIR package").read().resourcesOfType(type).withAnyId();
        }
        rules.allow("check a code").operation().named(PublicConformance.VALIDATE_CODE).onType(org.hl7.fhir.r4.model.ValueSet.class)
                .andAllowAllResponses();
        rules.allow("check a code").operation().named(PublicConformance.VALIDATE_CODE).onInstancesOfType(org.hl7.fhir.r4.model.ValueSet.class)
                .andAllowAllResponses();
        rules.allow("translate a code").operation().named(PublicConformance.TRANSLATE).onType(org.hl7.fhir.r4.model.ConceptMap.class)
                .andAllowAllResponses();
        rules.allow("translate a code").operation().named(PublicConformance.TRANSLATE).onInstancesOfType(org.hl7.fhir.r4.model.ConceptMap.class)
                .andAllowAllResponses();
        if (caller == null) {
            return rules.denyAll("not authenticated").build();
        }
        if (caller.has(Scopes.SUBMIT) || caller.has(Scopes.SUBMIT_CUSTODY_NOTICE)) {
            // which message the scope allows is checked on the message itself (mayCarry)
            rules.allow("submit a message").operation().named("$process-message").onServer().andAllowAllResponses();
        }
        if (caller.has(Scopes.READ_TASKS)) {
            rules.allow("read own Tasks").read().resourcesOfType(Task.class).withAnyId().withTester(new OwnTasks(caller));
        }
        if (caller.has(Scopes.READ_AUDIT)) {
            rules.allow("search the audit trail").read().resourcesOfType(AuditEvent.class).withAnyId();
        }
        if (caller.auditor() && caller.has(Scopes.READ_AUDIT)) {
            // de-identified counts (AggregateCountsOperation): an auditor's, never a hospital's
            rules.allow("read the aggregate counts").operation().named(AggregateCountsOperation.NAME).onServer().andAllowAllResponses();
        }
        List<IAuthRule> list = new java.util.ArrayList<>(rules.build());
        if (caller.has(Scopes.SUBMIT)) {
            list.add(new SubmitTransaction());
        }
        list.addAll(new RuleBuilder().denyAll("not within the token's scopes").build());
        return list;
    }

    /**
     * Whether this client may submit this message: a custody notice only a law-enforcement client with
     * {@link Scopes#SUBMIT_CUSTODY_NOTICE}; anything else (a hospital's screening report) only a client with
     * {@link Scopes#SUBMIT} that is not a law-enforcement one. Checked before the profiles, so a client learns that the
     * message is not its to send, not how it should be shaped. 403 otherwise, naming the event and the scope.
     */
    static void mayCarry(Caller caller, org.hl7.fhir.r4.model.Bundle bundle) {
        if (caller == null) {
            return; // refused before the body (not authenticated)
        }
        if (CustodyNoticeReader.isCustodyNotice(bundle)) {
            if (!caller.lawEnforcement() || !caller.has(Scopes.SUBMIT_CUSTODY_NOTICE)) {
                LOG.warn("Custody notice refused for client {} (kind {}): not a law-enforcement client with its scope",
                        caller.clientId(), caller.kind());
                throw new ForbiddenOperationException("a custody notice (event " + FhirSystems.CUSTODY_NOTICE_EVENT + ") is submitted"
                        + " by a law-enforcement client with the scope " + Scopes.SUBMIT_CUSTODY_NOTICE + "; this client's token does"
                        + " not allow it");
            }
        } else if (caller.lawEnforcement() || !caller.has(Scopes.SUBMIT)) {
            LOG.warn("Submission refused for client {} (kind {}): only custody notices are within its scopes", caller.clientId(),
                    caller.kind());
            throw new ForbiddenOperationException("this client submits custody notices only (event " + FhirSystems.CUSTODY_NOTICE_EVENT
                    + "); a screening report needs the scope " + Scopes.SUBMIT + " of a hospital client");
        }
    }

    @Override
    protected void handleDeny(RequestDetails request, Verdict verdict) {
        Caller caller = BearerAuthentication.caller(request);
        LOG.warn("FHIR {} refused for client {}: not within its scopes or not its own", request.getRestOperationType(),
                caller == null ? "(none)" : caller.clientId());
        if (request.getRestOperationType() == RestOperationTypeEnum.READ && "Task".equals(request.getResourceName())) {
            throw new ResourceNotFoundException(request.getId());
        }
        ForbiddenOperationException denied = new ForbiddenOperationException("the access token's scopes do not allow this request");
        // a $process-message body is read by the operation, after this check: the refusal leaves it unread
        throw request.getRequestType() == ca.uhn.fhir.rest.api.RequestTypeEnum.GET ? denied : IntakeInterceptors.bodyLeftUnread(denied);
    }

    /** A Task is its client's: the one that submitted the referral, or an auditor. */
    private final class OwnTasks implements IAuthRuleTester {
        private final Caller caller;

        OwnTasks(Caller caller) {
            this.caller = caller;
        }

        @Override
        public boolean matches(RuleTestRequest test) {
            return owns(test.resourceId != null ? test.resourceId : test.resource == null ? null : test.resource.getIdElement());
        }

        @Override
        public boolean matchesOutput(RuleTestRequest test) {
            return test.resource == null || owns(test.resource.getIdElement());
        }

        private boolean owns(IIdType id) {
            if (caller.auditor()) {
                return true;
            }
            if (id == null || !id.hasIdPart()) {
                return false;
            }
            Optional<String> owner = submittedBy.apply(new ReferralId(id.getIdPart()));
            return owner.isPresent() && owner.get().equals(caller.clientId());
        }
    }

    /**
     * {@code POST /fhir} with a transaction, batch or collection Bundle is one submission, not a set
     * of writes: the intake never stores its resources, so it is allowed as a whole for a client with
     * the submit scope (HAPI's transaction rule would ask for a write permission per entry).
     */
    private static final class SubmitTransaction implements IAuthRule {
        @Override
        public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource input, IIdType inputId,
                                 IBaseResource output, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags, Pointcut pointcut) {
            return operation == RestOperationTypeEnum.TRANSACTION ? new Verdict(PolicyEnum.ALLOW, this) : null;
        }

        @Override
        public String getName() {
            return "submit a transaction";
        }
    }
}

package org.safeharbor.auth;

import java.util.List;

/** The scopes the adapter knows, SMART v2 style ({@code system/<Resource>.<c|r|u|d|s>}). */
public final class Scopes {

    /**
     * Submit a hospital's screening report: {@code POST /fhir/$process-message} (event {@code screening-report}) and
     * {@code POST /fhir}. It does not allow a law-enforcement custody notice.
     */
    public static final String SUBMIT = "system/Bundle.c";
    /**
     * Submit a law-enforcement custody notice, and nothing else: {@code POST /fhir/$process-message} with a message whose
     * event is {@code custody-notice} (1.3). A SMART v2 granular scope (the create permission on Bundle narrowed by a
     * parameter, as {@code ?category=} narrows an Observation scope); granted only to a client of kind
     * {@value Caller#LAW_ENFORCEMENT}.
     */
    public static final String SUBMIT_CUSTODY_NOTICE = "system/Bundle.c?event=custody-notice";
    /** Read and search the Tasks of one's own referrals. */
    public static final String READ_TASKS = "system/Task.rs";
    /** Read and search the audit trail ({@code GET /fhir/AuditEvent}): an auditor's scope (1.2). */
    public static final String READ_AUDIT = "system/AuditEvent.rs";

    /** Every scope, as {@code .well-known/smart-configuration} advertises them. */
    public static final List<String> ALL = List.of(SUBMIT, SUBMIT_CUSTODY_NOTICE, READ_TASKS, READ_AUDIT);

    private Scopes() {
    }
}

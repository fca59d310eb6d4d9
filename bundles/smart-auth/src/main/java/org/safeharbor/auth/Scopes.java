package org.safeharbor.auth;

import java.util.List;

/** The scopes the adapter knows, SMART v2 style ({@code system/<Resource>.<c|r|u|d|s>}). */
public final class Scopes {

    /** Submit a referral: {@code POST /fhir/$process-message} and {@code POST /fhir}. */
    public static final String SUBMIT = "system/Bundle.c";
    /** Read and search the Tasks of one's own referrals. */
    public static final String READ_TASKS = "system/Task.rs";
    /** Read and search the audit trail ({@code GET /fhir/AuditEvent}): an auditor's scope (1.2). */
    public static final String READ_AUDIT = "system/AuditEvent.rs";

    /** Every scope, as {@code .well-known/smart-configuration} advertises them. */
    public static final List<String> ALL = List.of(SUBMIT, READ_TASKS, READ_AUDIT);

    private Scopes() {
    }
}

package org.safeharbor.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditVerification;
import org.safeharbor.store.MessageStore;

/**
 * {@code harbor:audit-verify}: walks the audit trail's hash chain from its oldest kept record to its newest and reports
 * the first broken link (a record edited, removed or put out of order), or that it is intact, with the newest record's
 * hash to note down elsewhere. The check is itself recorded, with the Karaf user.
 */
@Service
@Command(scope = "harbor", name = "audit-verify", description = "Check the audit trail's hash chain and report the first broken link")
public class AuditVerifyCommand implements Action {

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        String report = report(store);
        System.out.println(report);
        return null;
    }

    /** Verifies, records that it did (with the outcome) and says what it found. */
    static String report(MessageStore store) {
        AuditVerification result = store.verifyAudit();
        store.audit(AuditEntry.of(AuditEntry.Kind.AUDIT_VIEW, Shell.operator()).detail("verification", result.intact() ? "intact"
                        : "broken at " + result.brokenAt()).detail("checked", result.checked())
                .outcome(result.intact() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.SERIOUS_FAILURE,
                        result.intact() ? null : "audit chain broken").build());
        return report(result);
    }

    static String report(AuditVerification result) {
        if (result.intact()) {
            return "Audit trail intact: " + result.checked() + " record(s), " + result.firstSeq() + " to " + result.lastSeq()
                    + "; newest hash " + result.headHash();
        }
        return "AUDIT TRAIL BROKEN at record " + result.brokenAt() + ": " + result.problem() + " (" + result.checked()
                + " record(s) before it check out; records " + result.firstSeq() + " to " + result.lastSeq() + ")";
    }
}

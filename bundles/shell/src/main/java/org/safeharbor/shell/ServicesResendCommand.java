package org.safeharbor.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.fhir.services.ServicesReferrals;

/**
 * {@code harbor:services-resend}: every services referral on the dead-letter queue ({@code services.referrals.DLQ}) back
 * onto the services queue, attempted again with its recorded payload; each recorded in the audit trail with the user
 * who logged in (the JAAS subject, as {@code harbor:replay}).
 */
@Service
@Command(scope = "harbor", name = "services-resend", description = "Send the failed services referrals (their dead letters) again")
public class ServicesResendCommand implements Action {

    @Reference(optional = true)
    ServicesReferrals services;

    @Override
    public Object execute() {
        if (Shell.servicesMissing(services)) {
            return null;
        }
        if (Shell.user().isEmpty()) {
            System.err.println("No authenticated Karaf user: log in at the console, over SSH or with bin/client to resend");
            return null;
        }
        int moved = services.resendDeadLetters(Shell.user().get());
        System.out.println(moved + " services referral(s) moved back onto services.referrals; see harbor:services");
        return null;
    }
}

package org.safeharbor.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code harbor:sandbox [jurisdiction] [referral-id]}: what each simulated state received. With a
 * referral id, prints that delivery exactly as the state got it. Sandbox data is made up; a
 * production Karaf runs no sandbox, so this lists nothing there.
 */
@Service
@Command(scope = "harbor", name = "sandbox", description = "List what each simulated state of the sandbox received")
public class SandboxCommand implements Action {

    @Argument(index = 0, name = "jurisdiction", description = "Only this jurisdiction, e.g. US-IL", required = false)
    String jurisdiction;

    @Argument(index = 1, name = "referral-id", description = "Print this delivery's content", required = false)
    String referralId;

    @Override
    public Object execute() {
        SandboxDeliveries sandbox = SandboxDeliveries.ofKaraf();
        if (referralId != null) {
            System.out.println(sandbox.read(jurisdiction, referralId)
                    .orElse("No delivery of referral " + referralId + " to " + jurisdiction + " in " + sandbox.root()));
            return null;
        }
        List<SandboxDeliveries.Delivery> deliveries = sandbox.list(jurisdiction);
        if (deliveries.isEmpty()) {
            System.out.println("No sandbox deliveries in " + sandbox.root()
                    + " (is the safeharbor-sandbox feature installed?)");
            return null;
        }
        System.out.printf("%-8s %-48s %8s  %s%n", "STATE", "DELIVERY (named by referral id)", "BYTES", "RECEIVED");
        for (SandboxDeliveries.Delivery d : deliveries) {
            System.out.printf("%-8s %-48s %8d  %s%n", d.jurisdiction(), d.file(), d.bytes(), d.at());
        }
        return null;
    }
}

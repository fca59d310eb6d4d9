package org.safeharbor.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.Delivery;
import org.safeharbor.store.ExpiredMessage;
import org.safeharbor.store.MessageStore;

/**
 * {@code harbor:dead-letters US-XX}: the referrals on a jurisdiction's dead-letter queue (delivery
 * gave up after its retries), with why, and those that waited there past {@code deadLetterExpiry} and left the broker
 * for the message store (not replayed since); {@code harbor:replay --dead-letters US-XX} sends them all again.
 */
@Service
@Command(scope = "harbor", name = "dead-letters", description = "List the referrals on a jurisdiction's dead-letter queue")
public class DeadLettersCommand implements Action {

    @Argument(index = 0, name = "jurisdiction", required = true, description = "e.g. US-IL")
    String jurisdiction;

    @Reference
    ReferralReplay replay;

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        Jurisdiction j = Jurisdiction.of(jurisdiction.trim());
        List<ReferralReplay.DeadLetter> letters = replay.deadLetters(j);
        List<ExpiredMessage> expired = store.expiredDeadLetters(j);
        if (letters.isEmpty() && expired.isEmpty()) {
            System.out.println("No dead letters for " + j.code() + " (queue " + org.safeharbor.api.v1.DeliveryContract.deadLetters(j) + " is empty)");
            return null;
        }
        System.out.printf("%-36s  %-20s  %-10s  %-10s  %s%n", "REFERRAL", "DEAD-LETTERED", "WHERE", "STATUS", "REASON");
        for (ReferralReplay.DeadLetter letter : letters) {
            line(j, letter.referralId() == null ? "(no id) " + letter.messageId() : letter.referralId().value(), letter.referralId(),
                    letter.deadLetteredAt(), "broker");
        }
        for (ExpiredMessage e : expired) {
            line(j, e.referralId().value(), e.referralId(), e.parkedAt(), "store");
        }
        System.out.println(letters.size() + " dead letter(s) on the broker" + (expired.isEmpty() ? "" : ", " + expired.size()
                + " expired from it into the message store") + ". Send them again with: harbor:replay --dead-letters " + j.code());
        return null;
    }

    private void line(Jurisdiction j, String shown, org.safeharbor.api.v1.ReferralId id, java.time.Instant at, String where) {
        Delivery d = id == null ? null : store.find(id).flatMap(s -> s.deliveries().stream()
                .filter(x -> x.jurisdiction().equals(j)).findFirst()).orElse(null);
        System.out.printf("%-36s  %-20s  %-10s  %-10s  %s%n", shown, Shell.time(at), where, d == null ? "-" : d.status(),
                d == null || d.reason() == null ? "" : d.reason());
    }
}

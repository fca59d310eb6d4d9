package org.safeharbor.shell;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.store.MessageStore;

/**
 * {@code harbor:purge-on-hold -j US-XX [--older-than P90D] --confirm}: the referrals held for a state that never
 * installed a bundle leave the adapter, by an operator's explicit decision only (nothing else deletes a referral still
 * on hold). Their messages are taken off the state's queue, and the store deletes each one that concerns no other
 * state with everything kept of it, or closes its delivery to this state (NOT_SENT) when other states received it.
 * Without {@code --confirm} it only says what it would purge. Recorded in the audit trail with the JAAS user and
 * counts only.
 */
@Service
@Command(scope = "harbor", name = "purge-on-hold", description = "Delete the referrals held for a jurisdiction that has no bundle (asks for --confirm)")
public class PurgeOnHoldCommand implements Action {

    @Option(name = "-j", aliases = "--jurisdiction", required = true, description = "The jurisdiction whose held referrals to purge, e.g. US-ZZ")
    String jurisdiction;

    @Option(name = "--older-than", description = "Only referrals received longer ago than this ISO-8601 period (default P0D: all)")
    String olderThan = "P0D";

    @Option(name = "--confirm", description = "Really purge: without it the command only counts what it would purge")
    boolean confirm;

    @Reference
    MessageStore store;

    @Reference
    CamelContext camel;

    Clock clock = Clock.systemUTC();
    /** The broker connection; null: the core's (tests set their own). */
    ConnectionFactory connectionFactory;

    @Override
    public Object execute() throws Exception {
        java.util.Optional<String> user = Shell.user();
        if (user.isEmpty()) {
            System.err.println("No authenticated Karaf user: log in at the console, over SSH or with bin/client to purge");
            return null;
        }
        Jurisdiction j = Jurisdiction.of(jurisdiction.trim());
        Instant now = clock.instant();
        Instant before;
        try {
            before = receivedBefore(olderThan, now);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return null;
        }
        boolean all = before.equals(now);
        List<ReferralId> held = store.onHold(j, before);
        if (held.isEmpty()) {
            System.out.println("No referrals on hold for " + j.code() + (all ? "" : " received more than " + olderThan + " ago"));
            return null;
        }
        if (!confirm) {
            System.out.println(held.size() + " referral(s) on hold for " + j.code() + (all ? "" : " received more than " + olderThan
                    + " ago") + " would be purged: their messages taken off " + j.queueName() + " and their personal data deleted."
                    + " Nothing was purged. List them with harbor:referrals -s ON_HOLD -j " + j.code()
                    + "; purge them with the same command and --confirm");
            return null;
        }
        int removed = HeldMessages.remove(connections(), j.queueName(), held);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("older-than", all ? null : olderThan.trim());
        details.put("on-hold", held.size());
        details.put("queue-messages-removed", removed);
        MessageStore.OnHoldPurged purged = store.purgeOnHold(j, held, user.get(), details);
        System.out.println(report(j, removed, purged));
        return null;
    }

    static String report(Jurisdiction j, int removed, MessageStore.OnHoldPurged purged) {
        return "Purged for " + j.code() + ": " + removed + " queue message(s) removed, " + purged.deleted() + " referral(s) deleted, "
                + purged.closed() + " delivery(ies) closed as NOT_SENT (their referral went to other states too)"
                + (purged.skipped() == 0 ? "" : ", " + purged.skipped() + " skipped (no longer on hold)") + "; recorded in the audit trail";
    }

    /** {@code now} less an ISO-8601 period ({@code P90D}, {@code P1Y}) or duration ({@code PT12H}), never negative. */
    static Instant receivedBefore(String text, Instant now) {
        String t = text == null ? "" : text.trim();
        try {
            if (t.contains("T")) {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return now.minus(d);
                }
            } else {
                Period p = Period.parse(t);
                if (!p.isNegative()) {
                    return now.atOffset(ZoneOffset.UTC).minus(p).toInstant();
                }
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw new IllegalArgumentException("--older-than takes an ISO-8601 period such as P90D, not " + text);
    }

    private ConnectionFactory connections() {
        // the core's broker connection (its AMQP component), as the replay uses it
        return connectionFactory != null ? connectionFactory
                : camel.getComponent("amqp", JmsComponent.class).getConfiguration().getConnectionFactory();
    }
}

package org.safeharbor.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.ExpiredMessage;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Operations;

/**
 * {@code harbor:replay -j US-XX [--from submission|output] [--attempt N] REFERRAL-ID} sends one
 * referral to one jurisdiction again; {@code harbor:replay --dead-letters US-XX} sends every dead
 * letter of a jurisdiction again, those that expired from the broker into the message store included. Each replay is recorded, linked to the original referral.
 */
@Service
@Command(scope = "harbor", name = "replay", description = "Send a referral to a jurisdiction again, or all of a jurisdiction's dead letters")
public class ReplayCommand implements Action {

    @Argument(index = 0, name = "referral-id", required = false, description = "The referral to send again")
    String referralId;

    @Option(name = "-j", aliases = "--jurisdiction", description = "The jurisdiction to send it to, e.g. US-IL")
    String jurisdiction;

    @Option(name = "--from", description = "submission (the hospital's original, through today's mappings; default) or output (what an earlier attempt sent)")
    String from = "submission";

    @Option(name = "--attempt", description = "With --from output: the attempt whose payload to resend (default: the last)")
    Integer attempt;

    @Option(name = "--dead-letters", description = "Send every referral on this jurisdiction's dead-letter queue again, e.g. US-IL")
    String deadLetters;

    @Reference
    ReferralReplay replay;

    @Reference
    MessageStore store;

    /** Progress lines are printed every this many messages, and at the end. */
    static final int PROGRESS_EVERY = 10;

    static List<ReferralReplay.Queued> replayDeadLetters(ReferralReplay replay, MessageStore store, Jurisdiction j, String user) {
        return replayDeadLetters(replay, store, j, user, ReferralReplay.Progress.NONE);
    }

    /**
     * The dead letters still on the broker, moved back onto the queue; then those that expired from it into the message
     * store, each sent again from the store (the hospital's submission through today's mappings, as {@code harbor:replay}
     * does by default), since the broker no longer holds them. Each one is a recorded replay. {@code progress} hears
     * (done, total) over both, the total counting the expired ones from the start.
     */
    static List<ReferralReplay.Queued> replayDeadLetters(ReferralReplay replay, MessageStore store, Jurisdiction j, String user,
                                                         ReferralReplay.Progress progress) {
        // listed for harbor:operations and the console while it runs, and for an hour after
        Operations.Operation op = store.operations().start(Operations.Kind.REPLAY_DEAD_LETTERS, j.code(), user);
        try {
            List<ReferralReplay.Queued> queued = moveAll(replay, store, j, user, (done, total) -> {
                op.progress(done, (long) total);
                progress.moved(done, total);
            });
            op.done(queued.size() + " dead letter(s) queued again");
            return queued;
        } catch (RuntimeException e) {
            op.failed(e.getClass().getSimpleName());
            throw e;
        }
    }

    private static List<ReferralReplay.Queued> moveAll(ReferralReplay replay, MessageStore store, Jurisdiction j, String user,
                                                       ReferralReplay.Progress progress) {
        // read before the broker's are moved, so the total shown from the first line counts them
        List<ExpiredMessage> expired = store.expiredDeadLetters(j);
        List<ReferralReplay.Queued> queued = new java.util.ArrayList<>(replay.replayDeadLetters(j, user,
                (done, total) -> progress.moved(done, total + expired.size())));
        java.util.Set<ReferralId> done = new java.util.HashSet<>();
        queued.forEach(q -> done.add(q.referralId()));
        // one moved from the broker is not sent a second time from the store
        List<ReferralId> left = expired.stream().map(ExpiredMessage::referralId).filter(done::add).toList();
        int total = queued.size() + left.size();
        for (ReferralId id : left) {
            queued.add(replay.replay(id, j, ReferralReplay.Source.SUBMISSION, null, user));
            progress.moved(queued.size(), total);
        }
        // the true end, also when an expired one had been moved from the broker and the total shown was one too many
        progress.moved(queued.size(), queued.size());
        return queued;
    }

    /**
     * "moved 30 of 120" every {@code every} messages and at the end, on {@code out} (the command's output: a long
     * replay shows it is getting on, over SSH too); a line the same as the last one is not printed again.
     */
    static ReferralReplay.Progress progressLines(java.io.PrintStream out, int every) {
        return new ReferralReplay.Progress() {
            private String last;

            @Override
            public void moved(int done, int total) {
                if (done == 0 || done % every != 0 && done != total) {
                    return;
                }
                String line = "moved " + done + " of " + total;
                if (!line.equals(last)) {
                    last = line;
                    out.println(line);
                    out.flush();
                }
            }
        };
    }

    @Override
    public Object execute() {
        // the replay and the audit trail name the JAAS user who logged in, never a name typed at the prompt
        java.util.Optional<String> authenticated = Shell.user();
        if (authenticated.isEmpty()) {
            System.err.println("No authenticated Karaf user: log in at the console, over SSH or with bin/client to replay");
            return null;
        }
        String user = authenticated.get();
        if (deadLetters != null) {
            Jurisdiction j = Jurisdiction.of(deadLetters.trim());
            List<ReferralReplay.Queued> moved = replayDeadLetters(replay, store, j, user, progressLines(System.out, PROGRESS_EVERY));
            moved.forEach(q -> System.out.println("Replay " + q.replayId() + ": referral " + q.referralId().value() + " queued for " + q.jurisdiction().code()));
            System.out.println(moved.size() + " dead letter(s) of " + j.code() + " queued again");
            return null;
        }
        if (referralId == null || jurisdiction == null) {
            System.err.println("Give a referral id and -j JURISDICTION, or --dead-letters JURISDICTION");
            return null;
        }
        ReferralReplay.Source source;
        try {
            source = ReferralReplay.Source.valueOf(from.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("--from takes submission or output, not " + from);
            return null;
        }
        try {
            ReferralReplay.Queued q = replay.replay(new ReferralId(referralId.trim()), Jurisdiction.of(jurisdiction.trim()), source, attempt, user);
            System.out.println("Replay " + q.replayId() + ": referral " + q.referralId().value() + " queued for " + q.jurisdiction().code()
                    + " from " + source.name().toLowerCase(java.util.Locale.ROOT) + "; follow it with harbor:referral " + q.referralId().value());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
        }
        return null;
    }
}

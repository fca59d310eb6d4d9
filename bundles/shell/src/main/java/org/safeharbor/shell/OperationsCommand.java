package org.safeharbor.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.Operations;

/**
 * {@code harbor:operations}: the long operations of this process, running or ended within the last hour (a bulk replay
 * started here or in the console, an NCANDS export, the retention purge), how far each is and who started it. Ids,
 * counts and user names only.
 */
@Service
@Command(scope = "harbor", name = "operations", description = "Show the long operations (bulk replay, export, retention purge) running or ended in the last hour")
public class OperationsCommand implements Action {

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        lines(store.operations().recent(), Instant.now()).forEach(System.out::println);
        return null;
    }

    static List<String> lines(List<Operations.Operation> operations, Instant now) {
        List<String> out = new ArrayList<>();
        if (operations.isEmpty()) {
            out.add("No long operation running or ended in the last hour");
        }
        for (Operations.Operation op : operations) {
            String when = op.finished() == null ? "running for " + Shell.age(op.started(), now)
                    : "ended " + Shell.time(op.finished()) + ": " + op.outcome();
            out.add(String.format("#%d %s of %s by %s: %s, %s (%s)", op.id(), op.kind().label(), op.subject(), op.startedBy(),
                    op.progressText(), op.state().name().toLowerCase(java.util.Locale.ROOT), when));
        }
        return out;
    }
}

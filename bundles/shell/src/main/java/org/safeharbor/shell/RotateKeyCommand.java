package org.safeharbor.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.safeharbor.store.MessageStore;

/**
 * {@code harbor:rotate-key [--resume] [--batch N]}: makes a new key of the message store's key store current and
 * encrypts every stored value again under it, a batch of referrals per transaction, while the adapter goes on reading
 * and writing; {@code --resume} keeps the current key and finishes an interrupted rotation. Recorded in the audit trail
 * with the JAAS user, the key ids and the counts.
 */
@Service
@Command(scope = "harbor", name = "rotate-key", description = "Make a new encryption key current and re-encrypt every stored value under it")
public class RotateKeyCommand implements Action {

    @Option(name = "--resume", description = "Keep the current key: re-encrypt only what is still under an older key (an interrupted rotation)")
    boolean resume;

    @Option(name = "--batch", description = "Referrals (or refused submissions) re-encrypted per transaction (default 100)")
    int batch = MessageStore.ROTATION_BATCH;

    @Reference
    MessageStore store;

    @Override
    public Object execute() {
        java.util.Optional<String> user = Shell.user();
        if (user.isEmpty()) {
            System.err.println("No authenticated Karaf user: log in at the console, over SSH or with bin/client to rotate the key");
            return null;
        }
        if (batch < 1) {
            System.err.println("--batch takes a number of at least 1");
            return null;
        }
        System.out.println(report(store.rotateKey(user.get(), batch, !resume, n -> { })));
        return null;
    }

    static String report(MessageStore.KeyRotated rotated) {
        StringBuilder out = new StringBuilder();
        out.append(rotated.key().equals(rotated.previousKey()) ? "Key " + rotated.key() + " stays current"
                : "Key " + rotated.key() + " is current (was " + rotated.previousKey() + ")");
        out.append(": ").append(rotated.total()).append(" stored row(s) encrypted again in ").append(rotated.batches()).append(" batch(es)");
        rotated.reencrypted().forEach((table, n) -> out.append(System.lineSeparator()).append("  ").append(String.format("%-17s %d", table, n)));
        if (rotated.unreadable() > 0) {
            out.append(System.lineSeparator()).append(rotated.unreadable())
                    .append(" value(s) do not decrypt and were left as they are: see the log and harbor:audit");
        }
        if (rotated.remaining() > 0) {
            out.append(System.lineSeparator()).append(rotated.remaining())
                    .append(" row(s) written during the rotation are still under an older key: run harbor:rotate-key --resume");
        }
        out.append(System.lineSeparator()).append("Back up the key store now: ")
                .append(rotated.key()).append(" is in it and nowhere else");
        return out.toString();
    }
}

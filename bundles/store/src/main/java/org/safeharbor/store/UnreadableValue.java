package org.safeharbor.store;

/**
 * A stored value that does not decrypt: it was written for another row or column (copied there), altered, or
 * encrypted under a key the key store does not hold. The message names the column, the row's ids and the key id:
 * never any of the value.
 */
public final class UnreadableValue extends IllegalStateException {

    UnreadableValue(String message) {
        super(message);
    }
}

package org.safeharbor.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * {@code harbor:rotate-key}'s work: every stored value not yet under the current key is decrypted (under its own key,
 * or read as plain text if it was written before encryption) and encrypted again under the current key, table by
 * table, a batch of referrals (or refused submissions) per transaction. Each row is updated only if its key is still the
 * one it was read with, so a row another writer or rotation changed meanwhile is left to it. Reads go on during the
 * rotation: every row names its own key, and no key is removed.
 */
final class KeyRotation {

    /** A table with personal data: its rows' key columns (the associated data, in order) and its encrypted columns. */
    private record Table(String name, String group, List<String> keys, List<String> columns, List<FieldCipher.Column> sealed) {
    }

    private static final List<Table> TABLES = List.of(
            new Table("referral", "id", List.of("id"), List.of("canonical_json", "raw_submission"),
                    List.of(FieldCipher.Column.REFERRAL_CANONICAL, FieldCipher.Column.REFERRAL_RAW)),
            new Table("delivery_attempt", "referral_id", List.of("referral_id", "jurisdiction", "attempt"), List.of("state_payload"),
                    List.of(FieldCipher.Column.ATTEMPT_PAYLOAD)),
            new Table("referral_notice", "referral_id", List.of("referral_id", "jurisdiction", "recipient"), List.of("payload"),
                    List.of(FieldCipher.Column.NOTICE_PAYLOAD)),
            new Table("notice_attempt", "referral_id", List.of("referral_id", "jurisdiction", "recipient", "attempt"), List.of("payload"),
                    List.of(FieldCipher.Column.NOTICE_ATTEMPT_PAYLOAD)),
            new Table("intake_rejection", "id", List.of("id"), List.of("raw_submission"), List.of(FieldCipher.Column.REJECTION_RAW)));

    /** What a rotation did, per table in {@link #TABLES}' order: rows re-encrypted, and rows left because they do not decrypt. */
    record Counts(List<String> tables, int[] reencrypted, int unreadable, int batches, int remaining) {
        int total() {
            int sum = 0;
            for (int n : reencrypted) {
                sum += n;
            }
            return sum;
        }
    }

    private final Db db;

    KeyRotation(Db db) {
        this.db = db;
    }

    /**
     * Encrypts every value not under {@code key} again under it, {@code batchSize} referrals (or refused submissions)
     * per transaction; {@code afterBatch} is told the batch's number after each commit (tests read the store there).
     */
    Counts reencrypt(String key, int batchSize, IntConsumer afterBatch) {
        int[] done = new int[TABLES.size()];
        int unreadable = 0;
        int batches = 0;
        for (int t = 0; t < TABLES.size(); t++) {
            Table table = TABLES.get(t);
            String after = "";
            while (true) {
                List<String> groups = db.jdbc.queryForList("SELECT DISTINCT " + table.group() + " FROM " + table.name() + " WHERE "
                        + table.group() + " > ? AND (key_id IS NULL OR key_id <> ?) ORDER BY " + table.group() + " LIMIT ?",
                        String.class, after, key, batchSize);
                if (groups.isEmpty()) {
                    break;
                }
                int[] batch = db.tx.execute(status -> batch(table, groups, key));
                done[t] += batch[0];
                unreadable += batch[1];
                after = groups.get(groups.size() - 1);
                afterBatch.accept(++batches);
            }
        }
        int remaining = 0;
        for (Table table : TABLES) {
            remaining += db.jdbc.queryForObject("SELECT COUNT(*) FROM " + table.name() + " WHERE key_id IS NULL OR key_id <> ?",
                    Integer.class, key);
        }
        return new Counts(TABLES.stream().map(Table::name).toList(), done, unreadable, batches, remaining - unreadable);
    }

    /** One batch, in one transaction: returns {re-encrypted, unreadable}. */
    private int[] batch(Table table, List<String> groups, String key) {
        String in = String.join(", ", Collections.nCopies(groups.size(), "?"));
        List<Object> args = new ArrayList<>(groups);
        args.add(key);
        int width = table.keys().size();
        List<Object[]> rows = db.jdbc.query("SELECT " + String.join(", ", table.keys()) + ", key_id, " + String.join(", ", table.columns())
                        + " FROM " + table.name() + " WHERE " + table.group() + " IN (" + in + ") AND (key_id IS NULL OR key_id <> ?)",
                (rs, n) -> {
                    Object[] row = new Object[width + 1 + table.columns().size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    return row;
                }, args.toArray());
        String where = String.join(" AND ", table.keys().stream().map(k -> k + " = ?").toList());
        int reencrypted = 0;
        int unreadable = 0;
        for (Object[] row : rows) {
            Object[] rowKey = java.util.Arrays.copyOf(row, width);
            String oldKey = (String) row[width];
            List<Object> update = new ArrayList<>();
            try {
                for (int c = 0; c < table.columns().size(); c++) {
                    FieldCipher.Column column = table.sealed().get(c);
                    String plain = db.cipher.open(oldKey, (String) row[width + 1 + c], column, rowKey);
                    update.add(db.cipher.seal(key, plain, column, rowKey));
                }
            } catch (UnreadableValue e) {
                // left as it is (and counted): a value that does not decrypt is evidence, not something to overwrite
                unreadable++;
                continue;
            }
            update.add(key);
            update.addAll(java.util.Arrays.asList(rowKey));
            if (oldKey != null) {
                update.add(oldKey);
            }
            reencrypted += db.jdbc.update("UPDATE " + table.name() + " SET "
                    + String.join(", ", table.columns().stream().map(c -> c + " = ?").toList()) + ", key_id = ? WHERE " + where
                    + (oldKey == null ? " AND key_id IS NULL" : " AND key_id = ?"), update.toArray());
        }
        return new int[] {reencrypted, unreadable};
    }
}

package org.safeharbor.jurisdiction.us.fl;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.safeharbor.jurisdiction.us.fl.layout.AllegationRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchHeaderRecord;
import org.safeharbor.jurisdiction.us.fl.layout.BatchTrailerRecord;
import org.safeharbor.jurisdiction.us.fl.layout.FixedWidth;

/**
 * The Florida batch file: a header {@code H}, the detail records {@code D} of every referral collected during one
 * interval, and a trailer {@code T} with the counts. REFERENCE DESIGN (Florida publishes no intake interface).
 *
 * <pre>
 * H FL2 &lt;batch id&gt; &lt;created, UTC&gt; &lt;sender&gt;
 * D &lt;referral id&gt; 01 02 SXN sex-trafficking suspected unknown not-applicable ...
 * D &lt;referral id&gt; 02 02 LAB labor-trafficking confirmed non-family act ...
 * T &lt;batch id&gt; 0000002 0000001
 * </pre>
 * File name: {@code SH-FL-<batch id>.dat}.
 */
public final class BatchFile {

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** One referral's detail records (its spool file), as written by {@link FloridaFormat#write}. */
    public record Entry(String referralId, String records) {
    }

    /** A batch file split into its envelope and its detail lines (not yet validated one by one). */
    public record Parsed(BatchHeaderRecord header, BatchTrailerRecord trailer, List<String> detailLines) {
    }

    private BatchFile() {
    }

    /** A new batch id: UTC time plus a random part, unique across restarts. */
    public static String newBatchId(Instant now) {
        return ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String fileName(String batchId) {
        return "SH-FL-" + batchId + ".dat";
    }

    /** The batch file's text: header, every entry's detail lines, trailer; CRLF line ends. */
    public static String write(FixedWidth fixedWidth, String batchId, Instant createdAt, String senderId, List<Entry> entries) {
        BatchHeaderRecord header = new BatchHeaderRecord();
        header.setBatchId(batchId);
        header.setCreatedAt(LocalDateTime.ofInstant(createdAt.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC));
        header.setSenderId(senderId);
        StringBuilder text = new StringBuilder(fixedWidth.write(List.of(header)));
        int records = 0;
        for (Entry entry : entries) {
            for (String line : FixedWidth.lines(entry.records())) {
                // a spool file may predate the current layout
                text.append(AllegationRecord.fromFormerLayout(line, fixedWidth)).append("\r\n");
                records++;
            }
        }
        BatchTrailerRecord trailer = new BatchTrailerRecord();
        trailer.setBatchId(batchId);
        trailer.setRecordCount(records);
        trailer.setReferralCount(entries.size());
        text.append(fixedWidth.write(List.of(trailer)));
        return text.toString();
    }

    /**
     * Checks the envelope: a header of a known layout version first, a trailer last with the same batch id and the
     * right counts. A file that fails here was truncated or is not a batch at all: the receiver refuses it whole.
     *
     * @throws IllegalArgumentException naming what is wrong (no record content, no personal data)
     */
    public static Parsed parse(FixedWidth fixedWidth, String content) {
        List<String> lines = FixedWidth.lines(content);
        if (lines.size() < 2 || !lines.get(0).startsWith(BatchHeaderRecord.TYPE)
                || !lines.get(lines.size() - 1).startsWith(BatchTrailerRecord.TYPE)) {
            throw new IllegalArgumentException("not a batch file: header or trailer missing");
        }
        BatchHeaderRecord header = fixedWidth.readLine(BatchHeaderRecord.class, lines.get(0));
        if (!BatchHeaderRecord.LAYOUT_VERSION.equals(header.getLayoutVersion())) {
            throw new IllegalArgumentException("unknown layout version");
        }
        BatchTrailerRecord trailer = fixedWidth.readLine(BatchTrailerRecord.class, lines.get(lines.size() - 1));
        if (!header.getBatchId().equals(trailer.getBatchId())) {
            throw new IllegalArgumentException("trailer names another batch");
        }
        List<String> details = lines.subList(1, lines.size() - 1);
        if (trailer.getRecordCount() != details.size()) {
            throw new IllegalArgumentException("trailer counts " + trailer.getRecordCount() + " records, file has " + details.size());
        }
        Set<String> referrals = new LinkedHashSet<>();
        details.forEach(line -> referrals.add(referralIdOf(line)));
        if (trailer.getReferralCount() != referrals.size()) {
            throw new IllegalArgumentException("trailer counts " + trailer.getReferralCount() + " referrals, file has " + referrals.size());
        }
        return new Parsed(header, trailer, List.copyOf(details));
    }

    /** The referral id at its fixed position (2 to 65) of a detail line, even of a malformed one; blank if absent. */
    public static String referralIdOf(String detailLine) {
        if (detailLine.length() <= 1) {
            return "";
        }
        return detailLine.substring(1, Math.min(detailLine.length(), 1 + 64)).trim();
    }
}

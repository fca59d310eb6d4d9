package org.safeharbor.jurisdiction.us.fl;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusUpdate;
import org.safeharbor.jurisdiction.us.fl.layout.FixedWidth;
import org.safeharbor.jurisdiction.us.fl.layout.StatusCode;
import org.safeharbor.jurisdiction.us.fl.layout.StatusRecord;

/**
 * An acknowledgement or status file the state leaves in the SFTP outbox, read into status updates: every line a
 * {@link StatusRecord}. REFERENCE DESIGN, see {@link StatusRecord}.
 */
public final class StatusFile {

    private StatusFile() {
    }

    /**
     * The status updates of a file, in line order.
     *
     * @throws IllegalArgumentException when a line does not match the layout (the whole file is refused: it stays on
     *                                  the server, and nothing of it is reported)
     */
    public static List<StatusUpdate> read(FixedWidth fixedWidth, String text) {
        List<StatusUpdate> updates = new ArrayList<>();
        for (StatusRecord record : fixedWidth.readLines(StatusRecord.class, text)) {
            StatusCode code = StatusCode.parse(record.getStatusCode());
            if (record.getReferralId() == null || record.getReferralId().isBlank() || record.getStatusAt() == null) {
                throw new IllegalArgumentException("a status line without a referral id or a time");
            }
            updates.add(new StatusUpdate(new ReferralId(record.getReferralId()), FloridaAdapter.FLORIDA, code.status(),
                    blankToNull(record.getIntakeNumber()), record.getStatusAt().toInstant(ZoneOffset.UTC),
                    blankToNull(record.getReason())));
        }
        return updates;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

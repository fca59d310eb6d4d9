package org.safeharbor.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.safeharbor.store.Operations;

class OperationsCommandTest {

    @Test
    void eachOperationSaysWhatItIsHowFarAndWhoStartedIt() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        Operations operations = new Operations(Clock.fixed(now, ZoneOffset.UTC));
        assertEquals(List.of("No long operation running or ended in the last hour"), OperationsCommand.lines(operations.recent(), now));

        Operations.Operation export = operations.start(Operations.Kind.NCANDS_EXPORT, "2026-10-01 to 2026-12-31", "olu");
        export.progress(92, 92L);
        export.done("5 record(s) from 8 referral(s) received 2026-10-01 to 2026-12-31");
        Operations.Operation replay = operations.start(Operations.Kind.REPLAY_DEAD_LETTERS, "US-IL", "olu");
        replay.progress(10, 26L);

        assertEquals(List.of(
                "#2 bulk replay of US-IL by olu: 10 of 26, running (running for 1m 5s)",
                "#1 NCANDS export of 2026-10-01 to 2026-12-31 by olu: 92 of 92, done (ended 2026-12-06 10:00:00Z: 5 record(s) from 8 referral(s) received 2026-10-01 to 2026-12-31)"),
                OperationsCommand.lines(operations.recent(), now.plusSeconds(65)));
    }
}

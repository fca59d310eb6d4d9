package org.safeharbor.resilience;

import java.util.HashMap;
import java.util.Map;

/** The etc/*.cfg edits every test makes before Karaf starts. */
final class Cfg {

    private Cfg() {
    }

    /**
     * US-IL delivers to the peer in the test JVM, retrying every 0.5 s (backoff capped at 2 s) for as long
     * as the tests need; the other states (which get nothing here, and have no peer) retry little, so
     * that nothing of theirs fills the log.
     */
    static void pointAtPeer(KarafProcess karaf, StatePeer peer, Map<String, String> illinois) {
        Map<String, String> il = new HashMap<>(Map.of(
                "intakeUrl", peer.intakeUrl(),
                "timeoutSeconds", "10",
                "maximumRedeliveries", "1000",
                "redeliveryDelay", "PT0.5S",
                "redeliveryMultiplier", "2.0",
                "maximumRedeliveryDelay", "PT2S"));
        il.putAll(illinois);
        karaf.editCfg("org.safeharbor.jurisdiction.us.il.cfg", il);
        for (String state : new String[] {"fl", "ma", "tx"}) {
            karaf.editCfg("org.safeharbor.jurisdiction.us." + state + ".cfg",
                    Map.of("maximumRedeliveries", "1", "redeliveryDelay", "PT0.5S", "maximumRedeliveryDelay", "PT1S"));
        }
    }
}

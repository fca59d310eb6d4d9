package org.safeharbor.resilience;

import java.util.HashMap;
import java.util.Map;

/** The etc/*.cfg edits every test makes before Karaf starts. */
final class Cfg {

    private Cfg() {
    }

    /**
     * US-IL delivers to the peer in the test JVM over HTTPS, trusting the peer's certificate through a trust
     * store file as an operator would (no sandbox: an http:// intake is refused), retrying every 0.5 s (backoff capped at 2 s) for as long
     * as the tests need; the other states (which get nothing here, and have no peer) retry little, so
     * that nothing of theirs fills the log.
     */
    static void pointAtPeer(KarafProcess karaf, StatePeer peer, Map<String, String> illinois) {
        Map<String, String> il = new HashMap<>(Map.of(
                "intakeUrl", peer.intakeUrl(),
                "trustStore", peer.tls().trustStore.toAbsolutePath().toString(),
                ".trustStorePassword", peer.tls().password,
                "trustStoreType", "PKCS12",
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

package org.safeharbor.resilience;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What every resilience test starts first: the Illinois state peer and a freshly unpacked Karaf pointed
 * at it, ready with US-IL. Closing kills Karaf and stops the peer.
 *
 * @param karaf the distribution, running
 * @param peer  the Illinois peer it delivers to
 */
record KarafWithPeer(KarafProcess karaf, StatePeer peer) implements AutoCloseable {

    /** A test's own changes to the unpacked distribution, made before it starts. */
    interface Configuration {
        void apply(KarafProcess karaf) throws IOException;
    }

    /**
     * Starts the peer, unpacks Karaf under {@code target/<name>}, sets the Illinois bundle's keys
     * ({@code illinois}, on top of the peer's address), applies {@code configure}, then starts Karaf
     * and waits until it is ready. What started is stopped again if any step fails.
     */
    static KarafWithPeer start(String name, Map<String, String> illinois, Configuration configure) throws IOException {
        StatePeer peer = new StatePeer().start();
        KarafProcess karaf = null;
        try {
            karaf = KarafProcess.unpack(name);
            Cfg.pointAtPeer(karaf, peer, illinois);
            configure.apply(karaf);
            karaf.start().awaitReady("US-IL", Duration.ofMinutes(3));
            return new KarafWithPeer(karaf, peer);
        } catch (IOException | RuntimeException | Error e) {
            if (karaf != null) {
                karaf.kill();
            }
            peer.stop();
            throw e;
        }
    }

    @Override
    public void close() {
        karaf.kill();
        peer.stop();
    }
}

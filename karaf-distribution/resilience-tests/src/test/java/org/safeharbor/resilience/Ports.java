package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on the loopback interface, never the same one twice in a test JVM. */
final class Ports {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    static synchronized int free() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                int port = socket.getLocalPort();
                if (GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    /** True when something accepts connections on 127.0.0.1:port. */
    static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until 127.0.0.1:port accepts connections. */
    static void awaitOpen(int port, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (isOpen(port)) {
                return;
            }
            KarafProcess.sleep(200);
        }
        throw new AssertionError(what + " does not accept connections on port " + port + " after " + timeout);
    }
}

package org.safeharbor.jurisdiction.us.fl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.jurisdiction.us.fl.sandbox.FloridaSandbox;
import org.safeharbor.tck.ConfigProxies;

/** The sandbox component starts the peer on its configured port and stops it when deactivated. */
class FloridaSandboxTest {

    @TempDir
    Path temp;

    @Test
    void startsThePeerOnItsPortAndStopsIt() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        FloridaSandbox sandbox = new FloridaSandbox(ConfigProxies.of(FloridaSandbox.Config.class, Map.of(
                "port", port, "directory", temp.resolve("records").toString(),
                "serverDirectory", temp.resolve("server").toString())));
        try (Socket ssh = new Socket("127.0.0.1", port)) {
            // an SSH server greets first with its version line
            byte[] greeting = ssh.getInputStream().readNBytes(4);
            assertEquals("SSH-", new String(greeting, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(port, sandbox.peer().port());
            // what the adapter takes from the peer's service while its own cfg has none
            assertEquals(Map.of("sftpHost", "127.0.0.1", "sftpPort", Integer.toString(port), "sftpUsername", "safeharbor",
                    ".sftpPassword", "sandbox"), sandbox.settings());
        } finally {
            deactivate(sandbox);
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        assertTrue(temp.resolve("records").toFile().isDirectory());
    }

    private static void deactivate(FloridaSandbox sandbox) throws IOException, ReflectiveOperationException {
        var method = FloridaSandbox.class.getDeclaredMethod("deactivate");
        method.setAccessible(true);
        method.invoke(sandbox);
    }
}

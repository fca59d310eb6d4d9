package org.safeharbor.jurisdiction.support.v1;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.slf4j.LoggerFactory;

/**
 * A state's SFTP server from its configuration, as Camel's {@code sftp:} endpoints (camel-ftp, JSch): the keys a
 * state's cfg uses for it are {@code sftpHost}, {@code sftpPort}, {@code sftpUsername}, {@code .sftpPassword},
 * {@code privateKeyFile}, {@code .privateKeyPassphrase} and {@code knownHostsFile} (the names {@link #refusal} gives).
 * Outside the sandbox the server's host key is checked against the known_hosts file ({@code StrictHostKeyChecking=yes},
 * never the user's own file); the password and the key's passphrase are set on the endpoint, never in its URI, which
 * Camel may log.
 *
 * @param host                 the server; blank: none configured
 * @param port                 its port
 * @param username             the login
 * @param password             password login, or blank
 * @param privateKeyFile       key login (OpenSSH/PEM file), or blank
 * @param privateKeyPassphrase the key's passphrase, or blank
 * @param knownHostsFile       the server's host key; blank accepts any key (the sandbox only)
 */
public record SftpServer(String host, int port, String username, String password, String privateKeyFile, String privateKeyPassphrase,
                         String knownHostsFile) {

    /**
     * Why this server may not be used by jurisdiction {@code code} (configuration {@code pid}), or null: there must be a
     * server and a user; outside the sandbox also a readable known_hosts file, a server that is not this machine (where
     * sandbox peers listen) and a password or key.
     */
    public String refusal(String code, String pid, boolean sandbox) {
        if (host.isBlank() || username.isBlank()) {
            return code + ": no SFTP server configured: set sftpHost and sftpUsername in etc/" + pid + ".cfg (or install the "
                    + "safeharbor-sandbox feature, whose peer supplies them); nothing goes to " + code;
        }
        if (knownHostsFile.isBlank()) {
            LoggerFactory.getLogger(SftpServer.class).warn("{} SFTP host key is not checked (knownHostsFile is empty): the sandbox only", code);
        }
        String why = null;
        if (sandbox) {
            return null; // the sandbox allows its loopback peer and an unchecked host key
        } else if (knownHostsFile.isBlank()) {
            why = "knownHostsFile is required: the SFTP server's host key must be checked";
        } else if (!Files.isReadable(Path.of(knownHostsFile.trim()))) {
            why = "knownHostsFile " + knownHostsFile.trim() + " cannot be read";
        } else if ("localhost".equalsIgnoreCase(host.trim()) || host.trim().startsWith("127.") || host.contains("::1")) {
            why = "the production feature refuses to start with sandbox endpoints or sandbox trust stores configured (sftpHost is this machine)";
        } else if (password.isEmpty() && privateKeyFile.isBlank()) {
            why = "no SFTP credential: set .sftpPassword or privateKeyFile";
        }
        return why == null ? null : code + ": " + why + " in " + pid + ".cfg, or install the safeharbor-sandbox feature";
    }

    /** An endpoint on a folder of the server, with further endpoint {@code options} ({@code &name=value...}). */
    public Endpoint endpoint(CamelContext camel, String directory, String options) {
        StringBuilder uri = new StringBuilder("sftp://").append(host).append(':').append(port).append('/').append(directory)
                .append("?username=").append(encode(username)).append("&useUserKnownHostsFile=false&binary=true");
        uri.append(knownHostsFile.isBlank() ? "&strictHostKeyChecking=no" : "&strictHostKeyChecking=yes&knownHostsFile=" + encode(knownHostsFile));
        if (!privateKeyFile.isBlank()) {
            uri.append("&privateKeyFile=").append(encode(privateKeyFile.trim()));
        }
        SftpEndpoint endpoint = camel.getEndpoint(uri.append(options).toString(), SftpEndpoint.class);
        // set every time: the endpoint is cached by URI, and a new configuration may bring another password
        endpoint.getConfiguration().setPassword(password.isEmpty() ? null : password);
        endpoint.getConfiguration().setPrivateKeyPassphrase(privateKeyPassphrase.isEmpty() ? null : privateKeyPassphrase);
        return endpoint;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Only the server and the user: the password and the passphrase are never printed. */
    @Override
    public String toString() {
        return "SftpServer[" + username + "@" + host + ":" + port + "]";
    }
}

package org.safeharbor.jurisdiction.us.fl;

import static org.safeharbor.jurisdiction.us.fl.FloridaAdapter.CODE;
import static org.safeharbor.jurisdiction.us.fl.FloridaAdapter.PID;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.slf4j.LoggerFactory;

/** DCF's SFTP server from the adapter's configuration, and what only the sandbox may use. */
final class FloridaSftp {

    private FloridaSftp() {
    }

    /**
     * Why the configuration may not be used, or null: there must be a server and a user; outside the sandbox also a
     * checked host key, a server that is not this machine (where the sandbox peer listens) and a credential.
     */
    static String refusal(FloridaConfig config, boolean sandbox) {
        if (config.sftpHost().isBlank() || config.sftpUsername().isBlank()) {
            return CODE + ": no SFTP server configured: set sftpHost and sftpUsername in etc/" + PID + ".cfg (or install the "
                    + "safeharbor-sandbox feature, whose peer supplies them); no batch goes to Florida";
        }
        if (config.knownHostsFile().isBlank()) {
            LoggerFactory.getLogger(FloridaSftp.class).warn("Florida SFTP host key is not checked (knownHostsFile is empty): the sandbox only");
        }
        String host = config.sftpHost().trim();
        String why = null;
        if (sandbox) {
            return null; // the sandbox allows its loopback peer and an unchecked host key
        } else if (config.knownHostsFile().isBlank()) {
            why = "knownHostsFile is required: the SFTP server's host key must be checked";
        } else if (!Files.isReadable(Path.of(config.knownHostsFile().trim()))) {
            why = "knownHostsFile " + config.knownHostsFile().trim() + " cannot be read";
        } else if ("localhost".equalsIgnoreCase(host) || host.startsWith("127.") || host.contains("::1")) {
            why = "the production feature refuses to start with sandbox endpoints or sandbox trust stores configured (sftpHost is this machine)";
        } else if (config._sftpPassword().isEmpty() && config.privateKeyFile().isBlank()) {
            why = "no SFTP credential: set .sftpPassword or privateKeyFile";
        }
        return why == null ? null : CODE + ": " + why + " in " + PID + ".cfg, or install the safeharbor-sandbox feature";
    }

    /**
     * An endpoint on a folder of the server: its URI (which Camel may log) holds no secret; the password or key
     * passphrase is set on the endpoint's configuration.
     */
    static Endpoint endpoint(CamelContext camel, FloridaConfig config, String directory, String options) {
        StringBuilder uri = new StringBuilder("sftp://").append(config.sftpHost()).append(':').append(config.sftpPort())
                .append('/').append(directory).append("?username=").append(encode(config.sftpUsername()))
                .append("&useUserKnownHostsFile=false&binary=true");
        uri.append(config.knownHostsFile().isBlank() ? "&strictHostKeyChecking=no"
                : "&strictHostKeyChecking=yes&knownHostsFile=" + encode(config.knownHostsFile()));
        if (!config.privateKeyFile().isBlank()) {
            uri.append("&privateKeyFile=").append(encode(config.privateKeyFile().trim()));
        }
        SftpEndpoint endpoint = camel.getEndpoint(uri.append(options).toString(), SftpEndpoint.class);
        // set every time: the endpoint is cached by URI, and a new configuration may bring another password
        endpoint.getConfiguration().setPassword(config._sftpPassword().isEmpty() ? null : config._sftpPassword());
        endpoint.getConfiguration().setPrivateKeyPassphrase(config._privateKeyPassphrase().isEmpty() ? null : config._privateKeyPassphrase());
        return endpoint;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

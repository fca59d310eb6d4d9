package org.safeharbor.jurisdiction.us.fl.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.us.fl.FloridaCategories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link FloridaSftpPeer} inside Karaf for the optional sandbox: only when its configuration
 * (PID {@value #PID}, which feature {@code safeharbor-sandbox} supplies) exists, so a production install never
 * opens this port.
 *
 * <p>It registers itself as a {@link SandboxPeer} with {@value SandboxPeer#MARKER}{@code =US-FL}: the adapter
 * follows it (it allows the loopback server and an unchecked host key only while it is there) and takes from
 * {@link #settings()} the server, port, user and password its configuration leaves unset, so it delivers to the peer
 * out of the box; {@code /health} reports {@code "sandbox": true} while any marker is there.
 */
@Component(configurationPid = FloridaSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = SandboxPeer.class, property = SandboxPeer.MARKER + "=US-FL")
@Designate(ocd = FloridaSandbox.Config.class)
public class FloridaSandbox implements SandboxPeer {

    public static final String PID = "org.safeharbor.sandbox.us.fl";
    private static final Logger LOG = LoggerFactory.getLogger(FloridaSandbox.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge sandbox: Florida SFTP peer (US-FL)",
            description = "A stand-in for Florida DCF's SFTP intake (reference design), for demos and tests only")
    public @interface Config {
        @AttributeDefinition(description = "Interface to bind (loopback by default)")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "SFTP port")
        int port() default 2222;

        @AttributeDefinition(description = "The SFTP user the adapter logs in as")
        String username() default "safeharbor";

        /** Key {@code .password}: private, never a service property. */
        @AttributeDefinition(description = "Its password", type = AttributeType.PASSWORD)
        String _password() default "sandbox";

        @AttributeDefinition(description = "Where each accepted referral is recorded as <referralId>.dat; "
                + "empty: ${karaf.data}/sandbox/US-FL")
        String directory() default "";

        @AttributeDefinition(description = "The server's own folder (sftp/ root, host key, processed and refused "
                + "files); empty: ${karaf.data}/sandbox/US-FL-sftp")
        String serverDirectory() default "";

        @AttributeDefinition(description = "DCF category codes the peer accepts: must equal the adapter's (placeholders)")
        String categorySexualNonCaregiver() default "SXN";

        @AttributeDefinition(description = "See categorySexualNonCaregiver")
        String categorySexualCaregiver() default "SXC";

        @AttributeDefinition(description = "See categorySexualNonCaregiver")
        String categoryLabor() default "LAB";

        @AttributeDefinition(description = "Must equal the adapter's undeterminedRelationAsCaregiver")
        boolean undeterminedRelationAsCaregiver() default false;
    }

    private final FloridaSftpPeer peer;
    private final String host;
    private final String username;
    private final String password;

    @Activate
    public FloridaSandbox(Config config) throws IOException {
        LOG.warn("US-FL SANDBOX is ON: a simulated Florida DCF SFTP server answers on {}:{}; never for production",
                config.host(), config.port());
        host = config.host();
        username = config.username();
        password = config._password();
        String data = System.getProperty("karaf.data", "data");
        Path records = config.directory().isBlank() ? Paths.get(data, "sandbox", "US-FL") : Paths.get(config.directory());
        Path server = config.serverDirectory().isBlank() ? Paths.get(data, "sandbox", "US-FL-sftp") : Paths.get(config.serverDirectory());
        FloridaCategories categories = new FloridaCategories(config.categorySexualNonCaregiver(),
                config.categorySexualCaregiver(), config.categoryLabor(), config.undeterminedRelationAsCaregiver());
        peer = new FloridaSftpPeer(new FloridaSftpPeer.Settings(config.host(), config.port(), config.username(),
                config._password(), server, records, categories, Clock.systemUTC()));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // MINA SSHD looks up its factories through the class loader that holds it (this bundle embeds it)
        thread.setContextClassLoader(org.apache.sshd.server.SshServer.class.getClassLoader());
        try {
            peer.start();
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("Florida sandbox SFTP peer started; records in {}", records);
    }

    /** The peer's server, port, user and password, for the adapter in the sandbox. */
    @Override
    public Map<String, String> settings() {
        return Map.of("sftpHost", host, "sftpPort", Integer.toString(peer.port()), "sftpUsername", username,
                ".sftpPassword", password);
    }

    /** The running peer, e.g. to send a later status from the Karaf shell or a test. */
    public FloridaSftpPeer peer() {
        return peer;
    }

    @Deactivate
    void deactivate() throws IOException {
        peer.close();
    }
}

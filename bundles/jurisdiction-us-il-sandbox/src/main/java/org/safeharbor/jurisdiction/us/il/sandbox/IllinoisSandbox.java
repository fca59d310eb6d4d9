package org.safeharbor.jurisdiction.us.il.sandbox;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Illinois sandbox peer ({@link IllinoisIntakePeer}) inside Karaf, only when its
 * configuration (PID {@value #PID}) exists: the optional {@code safeharbor-sandbox} feature supplies
 * it. Never for production: it plays the state.
 *
 * <p>It registers itself as a {@link SandboxPeer} with {@value SandboxPeer#MARKER}{@code =US-IL}: the adapter
 * follows it (it allows the sandbox's http:// intake only while it is there) and takes from {@link #settings()}
 * what its configuration leaves unset: the peer's {@code intakeUrl} and its call-back credentials, the password
 * random per start unless configured. {@code /health} reports {@code "sandbox": true} while any marker is there.
 */
@Component(service = SandboxPeer.class, property = SandboxPeer.MARKER + "=US-IL", immediate = true,
        configurationPid = IllinoisSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = IllinoisSandbox.Config.class)
public class IllinoisSandbox implements SandboxPeer {

    public static final String PID = "org.safeharbor.sandbox.us.il";
    private static final Logger LOG = LoggerFactory.getLogger(IllinoisSandbox.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge sandbox: Illinois SCR intake (test peer)",
            description = "A stand-in for the Illinois State Central Register SOAP intake; for demos and tests only")
    public @interface Config {
        @AttributeDefinition(description = "Interface to bind")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port; the intake is at http://host:port/us-il/intake")
        int port() default 8091;

        @AttributeDefinition(description = "Where each delivery is recorded as <referralId>.xml; blank: ${karaf.data}/sandbox/US-IL",
                required = false)
        String directory() default "";

        @AttributeDefinition(description = "The adapter's status service the sandbox calls back (the core's HTTPS server)")
        String callbackUrl() default "https://localhost:8443/jurisdictions/us-il/status";

        @AttributeDefinition(description = "PEM CA certificate trusted for an https call-back; empty: "
                + "${karaf.etc}/safeharbor/tls/ca.crt, the CA the adapter generates", required = false)
        String callbackCaCertificate() default "";

        @AttributeDefinition(description = "HTTP Basic user presented on the call-back (the adapter takes it in the sandbox "
                + "when it has no statusUsername of its own)")
        String callbackUsername() default "us-il-sandbox";

        /** Key {@code .callbackPassword}: private. Empty: a random one per start. */
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false)
        String _callbackPassword() default "";

        @AttributeDefinition(description = "Statuses sent back after each new report, in order, e.g. received,screened-in,investigation-opened; blank for none",
                required = false)
        String autoStatuses() default "";

        @AttributeDefinition(description = "ISO-8601 delay before the automatic statuses are sent")
        String autoStatusDelay() default "PT2S";
    }

    private final IllinoisIntakePeer peer;
    private final String callbackUsername;
    private final String callbackPassword;

    @Activate
    public IllinoisSandbox(Config config) throws Exception {
        LOG.warn("US-IL SANDBOX is ON: a simulated Illinois State Central Register answers on http://{}:{}; never for production",
                config.host(), config.port());
        callbackUsername = config.callbackUsername().trim();
        callbackPassword = config._callbackPassword().isBlank() ? randomPassword() : config._callbackPassword();
        Path ca = config.callbackCaCertificate().isBlank()
                ? Path.of(System.getProperty("karaf.etc", "etc"), "safeharbor", "tls", "ca.crt")
                : Path.of(config.callbackCaCertificate().trim());
        Path directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "sandbox", "US-IL")
                : Path.of(config.directory());
        peer = new IllinoisIntakePeer(config.host(), config.port(), directory, Clock.systemUTC());
        peer.callback(config.callbackUrl(), callbackUsername, callbackPassword);
        peer.callbackTrust(ca);
        peer.autoStatuses(statuses(config.autoStatuses()), Duration.parse(config.autoStatusDelay().trim()));
        peer.start();
    }

    @Deactivate
    void deactivate() {
        peer.stop();
    }

    /** The peer's intake, and the HTTP Basic credentials it presents on the adapter's status service. */
    @Override
    public Map<String, String> settings() {
        return Map.of("intakeUrl", peer.intakeUrl(), "statusUsername", callbackUsername, ".statusPassword", callbackPassword);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The running peer. */
    public IllinoisIntakePeer peer() {
        return peer;
    }

    static List<StatusCode> statuses(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(StatusCode::fromValue).toList();
    }
}

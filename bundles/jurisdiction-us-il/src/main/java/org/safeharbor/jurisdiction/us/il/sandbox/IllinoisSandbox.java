package org.safeharbor.jurisdiction.us.il.sandbox;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.us.il.wire.StatusCode;

/**
 * Runs the Illinois sandbox peer ({@link IllinoisIntakePeer}) inside Karaf, only when its
 * configuration (PID {@value #PID}) exists: the optional {@code safeharbor-sandbox} feature supplies
 * it. Never for production: it plays the state.
 */
@Component(service = {}, immediate = true, configurationPid = IllinoisSandbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = IllinoisSandbox.Config.class)
public class IllinoisSandbox {

    public static final String PID = "org.safeharbor.sandbox.us.il";

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

        @AttributeDefinition(description = "The adapter's status service the sandbox calls back")
        String callbackUrl() default "http://127.0.0.1:8080/jurisdictions/us-il/status";

        @AttributeDefinition(required = false)
        String callbackUsername() default "";

        @AttributeDefinition(type = AttributeType.PASSWORD, required = false)
        String callbackPassword() default "";

        @AttributeDefinition(description = "Statuses sent back after each new report, in order, e.g. received,screened-in,investigation-opened; blank for none",
                required = false)
        String autoStatuses() default "";

        @AttributeDefinition(description = "ISO-8601 delay before the automatic statuses are sent")
        String autoStatusDelay() default "PT2S";
    }

    private final IllinoisIntakePeer peer;

    @Activate
    public IllinoisSandbox(Config config) throws Exception {
        Path directory = config.directory().isBlank()
                ? Path.of(System.getProperty("karaf.data", "data"), "sandbox", "US-IL")
                : Path.of(config.directory());
        peer = new IllinoisIntakePeer(config.host(), config.port(), directory, Clock.systemUTC());
        peer.callback(config.callbackUrl(), config.callbackUsername(), config.callbackPassword());
        peer.autoStatuses(statuses(config.autoStatuses()), Duration.parse(config.autoStatusDelay().trim()));
        peer.start();
    }

    @Deactivate
    void deactivate() {
        peer.stop();
    }

    /** The running peer. */
    public IllinoisIntakePeer peer() {
        return peer;
    }

    static List<StatusCode> statuses(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(StatusCode::fromValue).toList();
    }
}

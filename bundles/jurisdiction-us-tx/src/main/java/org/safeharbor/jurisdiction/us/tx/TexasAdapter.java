package org.safeharbor.jurisdiction.us.tx;

import java.time.Duration;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.Durations;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.StatusCallback;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Texas (US-TX), the DS component: its configuration and the parts it wires. The NIEM-style report
 * ({@link TexasNiemFormat}) goes over HTTPS to the CPS intake when the alleged trafficker is a person responsible for
 * the child's care and otherwise to law enforcement, whose 24-hour clock then runs (CPS Handbook §2380,
 * {@link TexasRules}; transport: {@link TexasDelivery}); later statuses come back at {@value #STATUS_PATH}
 * ({@link TexasStatus}). The bundle ships no endpoint and no trust store: without both URLs its routes do not start.
 * It follows the sandbox peer's service ({@link SandboxPeer}, {@code safeharbor.sandbox=US-TX}) and, only while it is
 * there, takes from it what the configuration leaves unset: the peers' endpoints, a trust store file and a status token.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + TexasAdapter.CODE,
        configurationPid = TexasAdapter.PID)
@Designate(ocd = TexasAdapter.Config.class)
public class TexasAdapter implements JurisdictionAdapter, StateTransport {

    public static final String CODE = "US-TX";
    public static final String PID = "org.safeharbor.jurisdiction.us.tx";
    /** Where the agencies POST later statuses, on the core's HTTP server (Camel servlet). */
    public static final String STATUS_PATH = "/jurisdictions/us-tx/status";
    /** The status route's in-JVM entry, used by the servlet route (and by tests). */
    public static final String STATUS_ENDPOINT = "direct:US-TX-status";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);
    private static final Logger LOG = LoggerFactory.getLogger(TexasAdapter.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge US-TX (Texas)", description = "Texas reference intake: NIEM-style XML over"
            + " HTTPS to CPS intake (caregiver trafficker) or to law enforcement within 24 hours (otherwise), CPS Handbook 2380")
    public @interface Config {
        @AttributeDefinition(description = "HTTPS URL of the CPS intake (caregiver trafficker); required (sandbox: blank takes its peer's)")
        String cpsIntakeUrl() default "";
        @AttributeDefinition(description = "HTTPS URL of the law-enforcement notification (anyone else); required (sandbox: as above)")
        String lawEnforcementUrl() default "";
        @AttributeDefinition(description = "PKCS12 trust store of the agencies' certificates; empty: the JVM's default trust")
        String trustStore() default "";
        /** Property {@code .trustStorePassword}: private, never a service property (so are the other _ ones). */
        @AttributeDefinition(type = AttributeType.PASSWORD)
        String _trustStorePassword() default "";
        @AttributeDefinition(description = "HTTP Basic user for both endpoints; empty sends none")
        String username() default "";
        @AttributeDefinition(type = AttributeType.PASSWORD)
        String _password() default "";
        @AttributeDefinition(description = "ISO-8601 duration to notify law enforcement (CPS Handbook 2380: PT24H); shorten only for tests")
        String lawEnforcementClock() default "PT24H";
        @AttributeDefinition(description = "Connect and response timeout of each POST, in seconds")
        int timeoutSeconds() default 30;
        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Bearer token required on POST " + STATUS_PATH)
        String _statusToken() default "";
        @AttributeDefinition(description = "SHA-256 fingerprints (hex, comma-separated) of TLS client certificates an agency may"
                + " present instead of the token")
        String statusClientCertificates() default "";
        @AttributeDefinition(description = "Largest status body in bytes; a larger one is answered 413 unread")
        int statusMaxBodyBytes() default StatusCallers.DEFAULT_MAX_BODY_BYTES;
        @AttributeDefinition(description = "Retries of a passing failure (agency down, timeout, 5xx, 401) before referrals.US-TX.DLQ"
                + " and FAILED; a refusal (400: invalid document) goes to referrals.US-TX.quarantine at once, REJECTED")
        int maximumRedeliveries() default 6;
        @AttributeDefinition(description = "ISO-8601 duration before the first retry")
        String redeliveryDelay() default "PT2S";
        @AttributeDefinition(description = "Backoff factor applied to the delay after each retry (>= 1)")
        double redeliveryMultiplier() default 2.0;
        @AttributeDefinition(description = "ISO-8601 duration capping any single wait between retries")
        String maximumRedeliveryDelay() default "PT5M";
    }

    private final DeadlineRule lawEnforcementRule;
    private final TexasNiemFormat format;
    private final Redelivery redelivery;
    private final TexasDelivery delivery;
    private final TexasStatus status;
    private final StatusCallback statusDoor;
    /** Why this adapter may not deliver (no endpoints), or null. */
    private final String refusal;

    /** In OSGi; the sandbox peer's service, while there, fills what the configuration leaves unset (a greedy static reference). */
    @Activate
    public TexasAdapter(Config config, @Reference StatusReporter statusReporter,
                        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), statusReporter, false);
    }

    /** Outside OSGi (tests): without endpoints it throws at once. */
    public TexasAdapter(Config config, StatusReporter statusReporter) {
        this(config, statusReporter, true);
    }

    /**
     * Every value is checked here, so a bad one fails the activation naming its key. Without endpoints the component
     * starts in OSGi but its routes do not ({@link #configure} throws, the core logs it), so that the sandbox arriving
     * later re-creates it through the greedy reference.
     */
    private TexasAdapter(Config config, StatusReporter statusReporter, boolean failFast) {
        refusal = config.cpsIntakeUrl().isBlank() || config.lawEnforcementUrl().isBlank() ? CODE + ": no cpsIntakeUrl or"
                + " lawEnforcementUrl configured: set the agencies' https endpoints in etc/" + PID + ".cfg (or install the"
                + " safeharbor-sandbox feature, whose peers supply them); no report goes to Texas" : null;
        if (refusal != null) {
            LOG.error(refusal);
            if (failFast) {
                throw new IllegalArgumentException(refusal);
            }
        }
        lawEnforcementRule = TexasRules.lawEnforcementClock(Durations.positive(PID, "lawEnforcementClock", config.lawEnforcementClock()));
        format = new TexasNiemFormat(lawEnforcementRule.length());
        redelivery = Redelivery.parse(PID, config.maximumRedeliveries(), config.redeliveryDelay(), config.redeliveryMultiplier(),
                config.maximumRedeliveryDelay());
        Duration timeout = Duration.ofSeconds(config.timeoutSeconds());
        HttpsClient https = HttpsClient.of(JURISDICTION, timeout, timeout).trustStore(config.trustStore(), config._trustStorePassword())
                .basicAuth(config.username(), config._password()).mediaType(TexasXml.MEDIA_TYPE + "; charset=UTF-8");
        if (refusal == null) {
            https.endpoint(config.cpsIntakeUrl()); // https only: each report holds personal data
            https.endpoint(config.lawEnforcementUrl());
        }
        delivery = new TexasDelivery(https, config.cpsIntakeUrl(), config.lawEnforcementUrl());
        statusDoor = new StatusCallback(JURISDICTION, new StatusCallers(config._statusToken(), config.statusClientCertificates()),
                config.statusMaxBodyBytes());
        status = new TexasStatus(statusDoor, statusReporter);
    }

    @Override
    public Jurisdiction jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public String displayName() {
        return "Texas DFPS CPS intake / law enforcement (reference NIEM XML over HTTPS)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of(lawEnforcementRule);
    }

    /** The law-enforcement clock runs only for a report that goes to law enforcement. */
    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        return TexasRules.route(referral.allegations()).filter(TexasRules::toLawEnforcement)
                .map(route -> List.of(lawEnforcementRule.startingAt(referral.receivedAt()))).orElse(List.of());
    }

    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** True when the HTTP status route runs: only with a credential a caller can be checked against. */
    public boolean statusEndpointEnabled() {
        return statusDoor.enabled();
    }

    /** Where statuses arrive over HTTP: the core's Camel servlet. */
    protected String statusHttpEndpoint() {
        return StatusCallback.servlet(STATUS_PATH);
    }

    /** The delivery routes and the status call-back; none while the configuration is refused (the core logs why). */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        delivery.configure(routes, deliverEndpoint);
        status.configure(routes, statusHttpEndpoint());
    }
}

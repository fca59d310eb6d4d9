package org.safeharbor.jurisdiction.us.tx;

import java.time.Duration;
import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
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
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
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
 * {@link TexasRules}, with a child in DFPS' care's signal and clock; transport: {@link TexasDelivery}); later statuses come back at {@value #STATUS_PATH}
 * ({@link TexasStatus}). The bundle ships no endpoint and no trust store: without both URLs its routes do not start.
 * It follows the sandbox peer's service ({@link SandboxPeer}, {@code safeharbor.sandbox=US-TX}) and, only while it is
 * there, takes from it what the configuration leaves unset: the peers' endpoints, a trust store file and a status token.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + TexasAdapter.CODE,
        configurationPid = TexasAdapter.PID)
@Designate(ocd = TexasConfig.class)
public class TexasAdapter implements JurisdictionAdapter, StateTransport {

    public static final String CODE = "US-TX";
    public static final String PID = "org.safeharbor.jurisdiction.us.tx";
    /** Where the agencies POST later statuses (the core's Camel servlet), and that route's in-JVM entry (tests use it). */
    public static final String STATUS_PATH = "/jurisdictions/us-tx/status";
    public static final String STATUS_ENDPOINT = "direct:US-TX-status";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);
    private static final Logger LOG = LoggerFactory.getLogger(TexasAdapter.class);

    private final DeadlineRule lawEnforcementRule;
    private final TexasNiemFormat format;
    private final Redelivery redelivery;
    private final TexasDelivery delivery;
    private final TexasStatus status;
    private final String refusal; // why this adapter may not deliver (no endpoints), or null

    /** In OSGi; the sandbox peer's service, while there, fills what the configuration leaves unset (a greedy static reference). */
    @Activate
    public TexasAdapter(TexasConfig config, RetryConfig retry, @Reference StatusReporter statusReporter,
                        @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(TexasConfig.class, config, sandbox), Redelivery.of(PID, retry), statusReporter, false);
    }

    /** Outside OSGi (tests), with a retry policy ({@link Redelivery#DEFAULT}): without endpoints it throws at once. */
    public TexasAdapter(TexasConfig config, Redelivery redelivery, StatusReporter statusReporter) {
        this(config, redelivery, statusReporter, true);
    }

    /**
     * Every value is checked here: a bad one fails the activation naming its key. Without endpoints the component starts in
     * OSGi but its routes do not ({@link #configure} throws), so that the sandbox arriving later re-creates it (greedy).
     */
    private TexasAdapter(TexasConfig config, Redelivery redelivery, StatusReporter statusReporter, boolean failFast) {
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
        this.redelivery = redelivery;
        Duration timeout = Duration.ofSeconds(config.timeoutSeconds());
        HttpsClient https = HttpsClient.of(JURISDICTION, timeout, timeout).trustStore(config.trustStore(), config._trustStorePassword())
                .basicAuth(config.username(), config._password()).mediaType(TexasXml.MEDIA_TYPE + "; charset=UTF-8");
        delivery = new TexasDelivery(https, format, config.cpsIntakeUrl(), config.lawEnforcementUrl());
        status = new TexasStatus(new StatusCallback(JURISDICTION, new StatusCallers(config._statusToken(),
                config.statusClientCertificates()), config.statusMaxBodyBytes()), statusReporter);
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
        return TexasRules.clocks(lawEnforcementRule);
    }

    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** The law-enforcement clock for a report that goes to law enforcement; a child in care's (the kit's) as {@link TexasRules} says. */
    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        return TexasRules.deadlinesFor(lawEnforcementRule, format, referral);
    }

    /** True when the HTTP status route runs: only with a credential a caller can be checked against. */
    public boolean statusEndpointEnabled() {
        return status.enabled();
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

package org.safeharbor.jurisdiction.us.il;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import javax.xml.transform.dom.DOMSource;

import jakarta.servlet.Servlet;

import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.CxfPayload;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.cxf.Bus;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.us.il.wire.IntakeAcknowledgement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * Illinois (US-IL): reports to the DCFS State Central Register over SOAP, on the reference intake
 * contract in this bundle ({@code wsdl/us-il-intake.wsdl}; DCFS publishes no intake interface).
 *
 * <pre>
 * referrals.US-IL ─▶ IntakeReport (codes 40/90) ─▶ cxf: SubmitReport ─▶ IntakeAcknowledgement ─▶ ACKNOWLEDGED + intake number
 * State Central Register ─▶ NotifyStatus on /jurisdictions/us-il/status ─▶ SCREENED_IN / SCREENED_OUT / INVESTIGATION_OPENED ...
 * </pre>
 *
 * A configuration change re-creates the component (DS default), so the core removes the old routes
 * and adds the new ones without a restart. So does the sandbox coming or going: the adapter follows the
 * sandbox peer's service ({@link SandboxPeer}, {@code safeharbor.sandbox=US-IL}, bundle
 * {@code safeharbor-jurisdiction-us-il-sandbox}) and, only while it is there, takes from it what its configuration
 * leaves unset (the peer's {@code intakeUrl} and call-back credentials) and allows its plain-http intake. Without
 * it, no intake URL, or an {@code http://} one, is refused: the component starts, its routes do not. An https
 * intake on any host, this machine's loopback included (a local TLS proxy to the SCR), is allowed. The status
 * service is published only with a credential (HTTP Basic or pinned client certificates).
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=US-IL",
        configurationPid = IllinoisAdapter.PID)
@Designate(ocd = IllinoisAdapter.Config.class)
public class IllinoisAdapter implements JurisdictionAdapter, StateTransport {

    public static final String PID = "org.safeharbor.jurisdiction.us.il";
    public static final Jurisdiction US_IL = Jurisdiction.of("US-IL");
    /** Where the core's HTTP server mounts the status-notification servlet (service property {@code safeharbor.http.path}). */
    public static final String STATUS_SERVLET_PATH = "/jurisdictions/us-il/*";
    private static final Logger LOG = LoggerFactory.getLogger(IllinoisAdapter.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Illinois DCFS (reference SOAP intake)",
            description = "Delivery of referrals to the Illinois State Central Register over SOAP, and its status call-backs")
    public @interface Config {
        @AttributeDefinition(description = "SOAP address of the SCR intake (SubmitReport), https://; required (with the "
                + "safeharbor-sandbox feature, blank takes the sandbox peer's)")
        String intakeUrl() default "";

        @AttributeDefinition(description = "HTTP Basic user for the intake; blank for none", required = false)
        String username() default "";

        /** Key {@code .password}: the leading dot keeps it out of the service's properties. */
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "HTTP Basic password for the intake")
        String _password() default "";

        @AttributeDefinition(description = "Trust store for an https intake URL (file path); blank: the JVM's default trust", required = false)
        String trustStore() default "";

        /** Key {@code .trustStorePassword} (private, as {@code .password}). */
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "Trust store password")
        String _trustStorePassword() default "";

        @AttributeDefinition(description = "Trust store type, e.g. PKCS12 or JKS")
        String trustStoreType() default "PKCS12";

        @AttributeDefinition(description = "Connect and receive timeout of the intake call, in seconds")
        int timeoutSeconds() default 30;

        @AttributeDefinition(description = "ISO-8601 length of DCFS' own clock to begin an investigation, from its acknowledgement of the"
                + " report (325 ILCS 5/7.4: 24 hours)")
        String investigationClock() default "PT24H";

        @AttributeDefinition(description = "ISO-8601 delivery deadline of the adapter: the reporter must report immediately (325 ILCS 5/4);"
                + " this is the site's target for carrying the report to the SCR, not a statutory figure")
        String reportDeadline() default "PT1H";

        @AttributeDefinition(description = "HTTP Basic user the SCR must present on the status service", required = false)
        String statusUsername() default "";

        /** Key {@code .statusPassword} (private, as {@code .password}). */
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "HTTP Basic password the SCR must present")
        String _statusPassword() default "";

        @AttributeDefinition(required = false, description = "SHA-256 fingerprints (hex, comma-separated) of TLS client certificates "
                + "the SCR may present instead of the password (mutual TLS on the core's HTTPS server)")
        String statusClientCertificates() default "";

        @AttributeDefinition(description = "Largest status notification read, in bytes; a larger one is answered 413")
        int statusMaxBodyBytes() default StatusNotificationEndpoint.DEFAULT_MAX_BODY_BYTES;

        @AttributeDefinition(description = "Retries of a delivery that failed for a passing reason (intake down, timeout) "
                + "before the referral goes to the dead-letter queue referrals.US-IL.DLQ")
        int maximumRedeliveries() default 6;

        @AttributeDefinition(description = "ISO-8601 wait before the first retry, e.g. PT2S")
        String redeliveryDelay() default "PT2S";

        @AttributeDefinition(description = "Factor by which each further wait grows (exponential backoff, at least 1.0)")
        double redeliveryMultiplier() default 2.0;

        @AttributeDefinition(description = "ISO-8601 cap on any single wait between retries, e.g. PT5M")
        String maximumRedeliveryDelay() default "PT5M";
    }

    /**
     * 325 ILCS 5/7.4: DCFS begins an investigation within 24 hours of the report. The state's clock, not
     * ours: it starts when the SCR acknowledges the report and is met when DCFS opens the investigation or
     * screens the report out (docs/domain.md, "Illinois").
     */
    static final DeadlineRule INVESTIGATION = DeadlineRule.state("us-il-investigation",
            "DCFS begins the investigation of the report (from the SCR's acknowledgement to the start of the investigation)",
            Duration.ofHours(24), "325 ILCS 5/7.4",
            java.util.Set.of(org.safeharbor.api.v1.DeliveryStatus.INVESTIGATION_OPENED, org.safeharbor.api.v1.DeliveryStatus.SCREENED_OUT));

    /**
     * 325 ILCS 5/4: a mandated reporter "shall immediately report" to DCFS. The adapter's delivery deadline
     * for carrying that report to the SCR; its length is the site's reading of "immediately".
     */
    static final DeadlineRule REPORT = DeadlineRule.delivery("us-il-report",
            "the report reaches the State Central Register (the reporter's duty to report immediately)",
            Duration.ofHours(1), "325 ILCS 5/4");

    private final Config config;
    private final StatusReporter statusReporter;
    private final IllinoisFormat format = new IllinoisFormat();
    private final DeadlineRule investigation;
    private final DeadlineRule report;
    private final Redelivery redelivery;
    private Bus bus;
    private final IllinoisTransport transport;
    private StatusNotificationEndpoint statusEndpoint;
    private ServiceRegistration<Servlet> statusRegistration;
    private final StatusNotificationEndpoint.Callers statusCallers;
    /** Why this adapter may not deliver (no intake, or sandbox settings outside the sandbox), or null. */
    private final String refusal;

    /** Outside OSGi (tests against the sandbox peer): as in the sandbox; nothing is registered, mount {@link #statusServlet()} yourself. */
    public IllinoisAdapter(Config config, StatusReporter statusReporter, Clock clock) {
        this(config, statusReporter, clock, true);
    }

    /** Outside OSGi. {@code sandbox}: an http:// intake URL (the sandbox peer's) is allowed. */
    public IllinoisAdapter(Config config, StatusReporter statusReporter, Clock clock, boolean sandbox) {
        this(config, statusReporter, clock, sandbox, true);
    }

    /**
     * {@code failFast}: no intake, or an http:// one outside the sandbox, throws here; otherwise (in OSGi) the
     * component starts but its routes do not ({@link #configure()} throws, the core logs it), so that the sandbox
     * arriving later re-creates it through the greedy reference (a component that failed to activate would not be).
     */
    private IllinoisAdapter(Config config, StatusReporter statusReporter, Clock clock, boolean sandbox, boolean failFast) {
        this.config = config;
        this.transport = new IllinoisTransport(config, this::bus);
        this.statusReporter = statusReporter;
        this.refusal = refusal(config.intakeUrl(), sandbox);
        if (refusal != null) {
            LOG.error(refusal);
            if (failFast) {
                throw new IllegalArgumentException(refusal);
            }
        }
        this.statusCallers = new StatusNotificationEndpoint.Callers(config.statusUsername(), config._statusPassword(),
                config.statusClientCertificates());
        if (config.statusMaxBodyBytes() < 1) {
            throw new IllegalArgumentException(PID + ": statusMaxBodyBytes must be at least 1");
        }
        this.investigation = INVESTIGATION.withLength(duration("investigationClock", config.investigationClock()));
        this.report = REPORT.withLength(duration("reportDeadline", config.reportDeadline()));
        this.redelivery = Redelivery.parse(PID, config.maximumRedeliveries(), config.redeliveryDelay(), config.redeliveryMultiplier(), config.maximumRedeliveryDelay());
    }

    /**
     * In OSGi: also publishes the status-notification servlet on the core's HTTP server, if a caller can be
     * checked. In the sandbox while its peer's service is there (a static greedy reference: it re-creates the
     * adapter), which fills what the configuration leaves unset.
     */
    @Activate
    public IllinoisAdapter(Config config, @Reference StatusReporter statusReporter, BundleContext bundleContext,
                           @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                   target = "(" + SandboxPeer.MARKER + "=US-IL)") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), statusReporter, Clock.systemUTC(), sandbox != null, false);
        if (refusal != null) {
            return;
        }
        if (!statusEndpointEnabled()) {
            LOG.error("US-IL: status call-backs are OFF: set statusUsername and .statusPassword, or statusClientCertificates, in {}.cfg "
                    + "(an unauthenticated caller could close referrals); deliveries run", PID);
            return;
        }
        Dictionary<String, Object> servlet = new Hashtable<>();
        servlet.put("safeharbor.http.path", STATUS_SERVLET_PATH);
        statusRegistration = bundleContext.registerService(Servlet.class, statusServlet(), servlet);
    }

    /** True when the status service can run: only with a credential a caller can be checked against. */
    public boolean statusEndpointEnabled() {
        return statusCallers.configured();
    }

    /**
     * No intake configured; or, outside the sandbox, a plain one: the report holds a child's personal data, so never
     * {@code http://} (the sandbox peer's intake is http, on 127.0.0.1:8091). The host is not checked: an https intake
     * on this machine's loopback interface (e.g. a local TLS proxy to the SCR) is the operator's design, trusted
     * through {@code trustStore} or the JVM's default trust. The bundle ships no trust store of its own.
     */
    private static String refusal(String intakeUrl, boolean sandbox) {
        if (intakeUrl.isBlank()) {
            return "US-IL: no intakeUrl configured: set the SCR's https endpoint in etc/" + PID
                    + ".cfg (or install the safeharbor-sandbox feature, whose peer supplies it); no referral goes to Illinois";
        }
        if (sandbox) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(intakeUrl.trim());
        } catch (IllegalArgumentException e) {
            return PID + ": intakeUrl is not a URL";
        }
        if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
            return null;
        }
        return "US-IL: the production feature refuses to start with sandbox endpoints or sandbox trust stores configured "
                + "(intakeUrl " + IllinoisTransport.redacted(intakeUrl) + " is not https://; the report holds personal data): point " + PID
                + ".cfg at the SCR's https endpoint, or install the safeharbor-sandbox feature";
    }

    @Deactivate
    void deactivate() {
        if (statusRegistration != null) {
            statusRegistration.unregister();
            statusRegistration = null;
        }
        close();
    }

    // ------------------------------------------------------------------ JurisdictionAdapter

    @Override
    public Jurisdiction jurisdiction() {
        return US_IL;
    }

    @Override
    public String displayName() {
        return "Illinois DCFS State Central Register (reference SOAP intake)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of(report, investigation);
    }

    // ------------------------------------------------------------------ StateTransport

    /** The retry policy from the configuration ({@code maximumRedeliveries}, {@code redeliveryDelay} ...). */
    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** The SOAP delivery route ({@link IllinoisTransport}); none while the configuration is refused (the core logs why). */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) {
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        transport.configure(routes, deliverEndpoint);
    }

    // ------------------------------------------------------------------ status back

    /**
     * The CXF servlet serving the status-notification service ({@link StatusNotificationEndpoint#ADDRESS}
     * below the path it is mounted at). Created on first use.
     *
     * @throws IllegalStateException without a credential ({@link #statusEndpointEnabled()} false)
     */
    public synchronized Servlet statusServlet() {
        if (statusEndpoint == null) {
            statusEndpoint = new StatusNotificationEndpoint(bus(), new IllinoisStatusService(US_IL, statusReporter),
                    statusCallers, config.statusMaxBodyBytes());
        }
        return statusEndpoint.servlet();
    }

    /** Stops the status service, forgets the intake endpoint (it holds this bus) and releases the CXF bus. */
    public synchronized void close() {
        transport.close();
        if (statusEndpoint != null) {
            statusEndpoint.close();
            statusEndpoint = null;
        }
        if (bus != null) {
            bus.shutdown(true);
            bus = null;
        }
    }

    private synchronized Bus bus() {
        if (bus == null) {
            bus = CxfBuses.create();
        }
        return bus;
    }

    private static Duration duration(String key, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException(PID + ": " + key + " must be an ISO-8601 duration such as PT24H, not " + value);
        }
    }
}

package org.safeharbor.jurisdiction.us.il;

import java.util.List;

import jakarta.servlet.Servlet;

import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
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
import org.safeharbor.api.v1.Deadline;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.CxfBus;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.jurisdiction.support.v1.StatusCallers;

/**
 * Illinois (US-IL): reports to the DCFS State Central Register over SOAP on the bundle's reference contract. The
 * component holds the configuration (a key starting with {@code _} is written with a dot in the cfg: private) and wires
 * the parts: {@link IllinoisFormat}, {@link IllinoisClocks}, {@link IllinoisTransport} and {@link IllinoisStatusRoute}.
 * While the sandbox peer is there ({@link SandboxPeer}) it fills what the configuration leaves unset and its http://
 * intake is allowed; otherwise no intake, or http://, is refused: the component starts, its routes do not.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=US-IL", configurationPid = IllinoisAdapter.PID)
@Designate(ocd = IllinoisAdapter.Config.class)
public class IllinoisAdapter implements JurisdictionAdapter, StateTransport {

    public static final String PID = "org.safeharbor.jurisdiction.us.il";
    public static final Jurisdiction US_IL = Jurisdiction.of("US-IL");

    @ObjectClassDefinition(name = "SafeHarbor Bridge: Illinois DCFS (reference SOAP intake)",
            description = "Delivery of referrals to the Illinois State Central Register over SOAP, and its status call-backs")
    public @interface Config {
        @AttributeDefinition(description = "SOAP address of the SCR intake, https:// (with the sandbox feature, blank: its peer's)")
        String intakeUrl() default "";
        @AttributeDefinition(required = false, description = "HTTP Basic user for the intake; blank for none")
        String username() default "";
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "HTTP Basic password for the intake")
        String _password() default "";
        @AttributeDefinition(required = false, description = "Trust store file for the https intake; blank: the JVM's default trust")
        String trustStore() default "";
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "Trust store password")
        String _trustStorePassword() default "";
        @AttributeDefinition(description = "Trust store type, e.g. PKCS12 or JKS")
        String trustStoreType() default "PKCS12";
        @AttributeDefinition(description = "Connect and receive timeout of one intake call, in seconds")
        int timeoutSeconds() default 30;
        @AttributeDefinition(description = "ISO-8601 length of DCFS' clock to begin an investigation from its acknowledgement (325 ILCS 5/7.4)")
        String investigationClock() default "PT24H";
        @AttributeDefinition(description = "ISO-8601 delivery deadline: the site's reading of 'report immediately' (325 ILCS 5/4)")
        String reportDeadline() default "PT1H";
        @AttributeDefinition(required = false, description = "HTTP Basic user the SCR must present on the status service")
        String statusUsername() default "";
        @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "HTTP Basic password the SCR must present")
        String _statusPassword() default "";
        @AttributeDefinition(required = false, description = "SHA-256 fingerprints (hex, comma-separated) of client certificates the SCR may present")
        String statusClientCertificates() default "";
        @AttributeDefinition(description = "Largest status notification read, in bytes; a larger one is answered 413")
        int statusMaxBodyBytes() default StatusCallers.DEFAULT_MAX_BODY_BYTES;
    }

    private final IllinoisFormat format = new IllinoisFormat();
    private final List<DeadlineRule> deadlineRules;
    private final Redelivery redelivery;
    private final CxfBus bus = new CxfBus();
    private final IllinoisTransport transport;
    private final IllinoisStatusRoute status;

    /** Outside OSGi (tests): {@code sandbox} allows an http:// intake; nothing is registered (mount {@link #statusServlet()}). */
    public IllinoisAdapter(Config config, Redelivery redelivery, StatusReporter reporter, boolean sandbox) {
        this.deadlineRules = IllinoisClocks.of(config);
        this.redelivery = redelivery;
        this.transport = new IllinoisTransport(config, sandbox, bus);
        this.status = new IllinoisStatusRoute(config, reporter, bus);
    }

    /** In OSGi: the retry keys of the same cfg as the kit's {@link RetryConfig}; follows the sandbox peer (a greedy reference re-creates the adapter), publishes the status servlet. */
    @Activate
    public IllinoisAdapter(Config config, RetryConfig retry, @Reference StatusReporter reporter, BundleContext context,
                           @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
                                   target = "(" + SandboxPeer.MARKER + "=US-IL)") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), Redelivery.of(PID, retry), reporter, sandbox != null);
        if (transport.refusal() == null) {
            status.publish(context);
        }
    }

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
        return deadlineRules;
    }

    @Override
    public List<Deadline> deadlinesFor(Referral referral) {
        return IllinoisClocks.deadlinesFor(deadlineRules, format, referral);
    }

    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** The delivery route and, with a status credential, the status route; none (the core logs why) for a refused configuration. */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) {
        transport.configure(routes, deliverEndpoint);
        status.configure(routes);
    }

    public Servlet statusServlet() {
        return status.servlet();
    }

    @Deactivate
    public void close() {
        bus.close();
    }
}

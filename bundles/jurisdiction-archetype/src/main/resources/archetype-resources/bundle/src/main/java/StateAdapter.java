#set( $pid = "org.safeharbor.jurisdiction.${jurisdictionLower.replace('-', '.')}" )
package ${package};

import java.util.List;

import org.apache.camel.Exchange;
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
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.StateFormat;
import org.safeharbor.jurisdiction.support.v1.Durations;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.jurisdiction.support.v1.StateAnswer;
import org.safeharbor.jurisdiction.support.v1.StateTransport;

/**
 * ${jurisdiction}: the state's rules, format and transport, registered as one service with {@code jurisdiction=${jurisdiction}}.
 * The core builds the delivery path around it (queue, idempotency, numbered attempts, retries, dead letters, quarantine,
 * status); this bundle only adds the step that carries an attempt to the state:
 * <pre>
 * direct:${jurisdiction}-deliver ─▶ HTTPS POST to intakeUrl ─▶ 2xx: the acknowledgement's intake number ─▶ ACKNOWLEDGED
 *                              ├─ a 4xx refusing the report ─▶ StateRejectedException: quarantined, REJECTED
 *                              └─ anything else ─▶ retried (redelivery), then the dead-letter queue, FAILED
 * </pre>
 * Configuration: {@code etc/$pid.cfg} (see {@link Config}; a name starting with "_" is a private property, "." in the cfg). The bundle ships no endpoint: without {@code intakeUrl} its
 * route does not start and referrals wait on the queue. While the sandbox peer's service is there (bundle
 * {@code ${rootArtifactId}-sandbox}), what the configuration leaves unset is taken from it.
 */
@Component(service = JurisdictionAdapter.class, property = Jurisdiction.SERVICE_PROPERTY + "=" + StateAdapter.CODE,
        configurationPid = StateAdapter.PID)
@Designate(ocd = StateAdapter.Config.class)
public class StateAdapter implements JurisdictionAdapter, StateTransport {

    public static final String CODE = "${jurisdiction}";
    public static final String PID = "$pid";
    private static final Jurisdiction JURISDICTION = Jurisdiction.of(CODE);

    @ObjectClassDefinition(name = "SafeHarbor Bridge ${jurisdiction}", description = "${jurisdiction} reference intake: JSON over HTTPS")
    public @interface Config {
        @AttributeDefinition(name = "Intake URL", description = "HTTPS URL reports are POSTed to; required (with the sandbox, blank takes its peer's)")
        String intakeUrl() default "";
        @AttributeDefinition(name = "Trust store", description = "PKCS12 trust store file for the intake's certificate; empty: the JVM's default trust")
        String trustStore() default "";
        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD)
        String _trustStorePassword() default "";
        @AttributeDefinition(name = "Key store", description = "PKCS12 key store with the client certificate for mutual TLS; empty: none")
        String keyStore() default "";
        @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD)
        String _keyStorePassword() default "";
        @AttributeDefinition(name = "User name", description = "HTTP Basic user; empty sends none")
        String username() default "";
        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD)
        String _password() default "";
        @AttributeDefinition(name = "Connect timeout", description = "ISO-8601 duration")
        String connectTimeout() default "PT10S";
        @AttributeDefinition(name = "Response timeout", description = "ISO-8601 duration")
        String responseTimeout() default "PT30S";
        @AttributeDefinition(name = "Delivery clock", description = "ISO-8601 duration from receipt until the state acknowledges the report")
        String deliveryClock() default "PT24H";
        // the retry policy's keys (maximumRedeliveries, redeliveryDelay, ...) are the kit's RetryConfig, read from the same cfg
    }

    private final Config config;
    private final StateJsonFormat format = new StateJsonFormat();
    private final DeadlineRule deliveryClock;
    private final Redelivery redelivery;
    private final HttpsClient https;

    /** In OSGi, the retry keys of the same cfg as the kit's RetryConfig; re-created when the sandbox peer comes or goes (a static greedy reference). */
    @Activate
    public StateAdapter(Config config, RetryConfig retry, @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + SandboxPeer.MARKER + "=" + CODE + ")") SandboxPeer sandbox) {
        this(SandboxPeer.fill(Config.class, config, sandbox), Redelivery.of(PID, retry));
    }

    /** Outside OSGi (tests), with the default retry policy. */
    public StateAdapter(Config config) {
        this(config, Redelivery.DEFAULT);
    }

    /** Outside OSGi (tests). Every value is checked here: a bad one fails the activation naming its key. */
    public StateAdapter(Config config, Redelivery redelivery) {
        this.config = config;
        this.deliveryClock = DeadlineRule.delivery(CODE.toLowerCase() + "-delivery", "report acknowledged by the ${jurisdiction} intake",
                Durations.positive(PID, "deliveryClock", config.deliveryClock()),
                "REFERENCE DESIGN: name the state's statute or policy for this clock (docs/domain.md)");
        this.redelivery = redelivery;
        this.https = HttpsClient.of(JURISDICTION, Durations.positive(PID, "connectTimeout", config.connectTimeout()),
                        Durations.positive(PID, "responseTimeout", config.responseTimeout()))
                .trustStore(config.trustStore(), config._trustStorePassword())
                .keyStore(config.keyStore(), config._keyStorePassword())
                .basicAuth(config.username(), config._password())
                .mediaType(StateJsonFormat.MEDIA_TYPE);
    }

    @Override
    public Jurisdiction jurisdiction() {
        return JURISDICTION;
    }

    @Override
    public String displayName() {
        return "${jurisdiction} intake (reference JSON over HTTPS)";
    }

    @Override
    public StateFormat format() {
        return format;
    }

    @Override
    public List<DeadlineRule> deadlineRules() {
        return List.of(deliveryClock);
    }

    @Override
    public Redelivery redelivery() {
        return redelivery;
    }

    /** The one route of this state: POST the attempt, report the intake number the state answers with. */
    @Override
    public void configure(RouteBuilder routes, String deliverEndpoint) {
        if (config.intakeUrl().isBlank()) {
            throw new IllegalStateException(PID + ": intakeUrl is not set; ${jurisdiction} referrals wait on the queue");
        }
        https.install(routes.getContext());
        https.post(routes.from(deliverEndpoint).routeId(CODE + "-deliver"), config.intakeUrl())
                .process(StateAnswer.acknowledged(routes.method(this, "intakeNumber")));
    }

    /** The intake number in the state's acknowledgement (a Camel bean method: the route above calls it). */
    public String intakeNumber(Exchange exchange) {
        return StateJsonFormat.intakeNumber(exchange.getMessage().getBody(String.class), StateAnswer.referral(exchange).id().value());
    }
}

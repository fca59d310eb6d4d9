package org.safeharbor.coordination;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import ca.uhn.fhir.context.FhirContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.Durations;
import org.safeharbor.jurisdiction.support.v1.HttpsClient;
import org.safeharbor.jurisdiction.support.v1.NoticeRoutes;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoredReferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordination team, from its {@code etc/org.safeharbor.coordination.team-<name>.cfg} (a factory configuration: one
 * file per team), its routes in the adapter's CamelContext ({@link CoordinationRoutes}). Off until {@code enabled=true}.
 * While the team's jurisdiction's sandbox peer runs (a {@link SandboxPeer} whose settings offer
 * {@value #SANDBOX_URL}), a team whose file leaves {@code url} blank takes from it the receiver's URL, its trust store,
 * and {@code enabled}; the production profile refuses the sandbox, so the shipped
 * {@code etc/org.safeharbor.coordination.team-ma-seen.cfg} stays off there, and a URL on this machine is refused
 * without a sandbox. The retry keys are the kit's ({@link RetryConfig}).
 */
@Component(service = CoordinationTeam.class, immediate = true, configurationPid = CoordinationTeam.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = CoordinationTeam.Config.class, factory = true)
public class CoordinationTeam {

    public static final String PID = "org.safeharbor.coordination.team";
    /** The sandbox peer's setting naming its coordination receiver's FHIR base. */
    public static final String SANDBOX_URL = "coordinationUrl";
    private static final Logger LOG = LoggerFactory.getLogger(CoordinationTeam.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge: coordination team",
            description = "A multidisciplinary team, children's advocacy center or case coordinator told of a state's intake number (FHIR Communication)")
    public @interface Config {

        @AttributeDefinition(description = "Whether notices are sent to this team")
        boolean enabled() default false;

        @AttributeDefinition(description = "A lower-case code naming the team in records and audit")
        String name();

        @AttributeDefinition(description = "The jurisdiction whose referrals the team hears of, e.g. US-MA")
        String jurisdiction();

        @AttributeDefinition(description = "multidisciplinary-team, childrens-advocacy-center or case-coordinator")
        String kind() default "multidisciplinary-team";

        @AttributeDefinition(required = false, description = "How the notice names the team (Communication.recipient.display)")
        String display() default "";

        @AttributeDefinition(required = false, description = "The team's FHIR R4 base URL (https); notices are POSTed to <url>/Communication")
        String url() default "";

        @AttributeDefinition(description = "The site's contact line for the team to call back (the site's, never a child's)")
        String contact() default "";

        @AttributeDefinition(required = false, description = "The law or agreement allowing personal data to go to the team; empty: none goes")
        String lawfulBasis() default "";

        @AttributeDefinition(required = false, description = "With a lawfulBasis only: the child's fields the team receives "
                + "(CHILD_NAME, CHILD_BIRTH_DATE, CHILD_SEX, CHILD_CITY, CHILD_STATE)")
        String[] fields() default {};

        @AttributeDefinition(required = false, description = "PKCS12 trust store for the team's certificate; empty: the JVM's")
        String trustStore() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Trust store password")
        String _trustStorePassword() default "";

        @AttributeDefinition(required = false, description = "PKCS12 key store with the adapter's client certificate (mutual TLS)")
        String keyStore() default "";

        @AttributeDefinition(required = false, type = AttributeType.PASSWORD, description = "Key store password")
        String _keyStorePassword() default "";

        @AttributeDefinition(description = "How often the state's intake numbers are looked for (ISO-8601)")
        String watchInterval() default "PT10S";

        @AttributeDefinition(description = "How far back the watch looks: older deliveries get no notice (ISO-8601)")
        String watchLookback() default "P2D";

        @AttributeDefinition(description = "Connect timeout (ISO-8601)")
        String connectTimeout() default "PT10S";

        @AttributeDefinition(description = "Response timeout (ISO-8601)")
        String responseTimeout() default "PT30S";
    }

    private final CamelContext camel;
    private final CoordinationRoutes routes;

    @Activate
    public CoordinationTeam(Config configured, RetryConfig retry, @Reference CamelContext camel,
                            @Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource, @Reference MessageStore store,
                            @Reference(name = "sandboxes", service = SandboxPeer.class, cardinality = ReferenceCardinality.MULTIPLE,
                                    policyOption = ReferencePolicyOption.GREEDY) List<Map.Entry<Map<String, Object>, SandboxPeer>> sandboxes)
            throws Exception {
        this.camel = camel;
        String jurisdiction = configured.jurisdiction() == null ? "" : configured.jurisdiction().trim();
        SandboxPeer sandbox = configured.url().isBlank() ? sandbox(jurisdiction, sandboxes) : null;
        Config config = SandboxPeer.fill(Config.class, configured, sandbox);
        if (!config.enabled()) {
            routes = null;
            LOG.info("Coordination team {} is off (enabled=false)", configured.name());
            return;
        }
        Team team = Team.of(config, sandbox != null || sandboxRuns(jurisdiction, sandboxes));
        String pid = PID + "-" + team.name();
        HttpsClient https = HttpsClient.of(team.jurisdiction(), team.purpose(), Durations.of(pid, "connectTimeout", config.connectTimeout()),
                        Durations.of(pid, "responseTimeout", config.responseTimeout()))
                .trustStore(config.trustStore(), config._trustStorePassword())
                .keyStore(config.keyStore(), config._keyStorePassword());
        FhirContext fhir = PlatformClassLoader.call(FhirContext::forR4);
        routes = new CoordinationRoutes(team, NoticeRoutes.Queues.onTheBroker(team.jurisdiction(), team.purpose()),
                "timer:safeharbor-" + team.purpose() + "-watch?delay=5000&period="
                        + Durations.of(pid, "watchInterval", config.watchInterval()).toMillis(),
                Durations.of(pid, "watchLookback", config.watchLookback()), Redelivery.of(pid, retry), https, store,
                new IntakeNumbers(dataSource), id -> store.find(id).map(StoredReferral::referral), new CoordinationPayload(fhir),
                Clock.systemUTC());
        camel.addRoutes(routes);
        LOG.info("Coordination team {} ({}, {}) on: {} personal data", team.name(), team.kind(), team.jurisdiction(),
                team.disclosesPersonalData() ? "fields " + team.fields() + " under its lawful basis" : "no");
    }

    /** The jurisdiction's sandbox peer offering a coordination receiver, seen through the keys of this file. */
    private static SandboxPeer sandbox(String jurisdiction, List<Map.Entry<Map<String, Object>, SandboxPeer>> sandboxes) {
        for (Map.Entry<Map<String, Object>, SandboxPeer> peer : sandboxes) {
            if (jurisdiction.equals(peer.getKey().get(SandboxPeer.MARKER))) {
                Map<String, String> settings = peer.getValue().settings();
                if (settings.get(SANDBOX_URL) != null) {
                    return () -> Map.of("url", settings.get(SANDBOX_URL), "enabled", "true",
                            "trustStore", settings.getOrDefault("trustStore", ""),
                            ".trustStorePassword", settings.getOrDefault(".trustStorePassword", ""));
                }
            }
        }
        return null;
    }

    private static boolean sandboxRuns(String jurisdiction, List<Map.Entry<Map<String, Object>, SandboxPeer>> sandboxes) {
        return sandboxes.stream().anyMatch(peer -> jurisdiction.equals(peer.getKey().get(SandboxPeer.MARKER)));
    }

    @Deactivate
    void deactivate() throws Exception {
        if (routes == null) {
            return;
        }
        String prefix = routes.routePrefix();
        for (Route route : List.copyOf(camel.getRoutes())) {
            if (route.getRouteId().startsWith(prefix)) {
                camel.getRouteController().stopRoute(route.getRouteId());
                camel.removeRoute(route.getRouteId());
            }
        }
        routes.close();
    }
}

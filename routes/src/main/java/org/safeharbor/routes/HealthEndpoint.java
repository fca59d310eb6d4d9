package org.safeharbor.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.slf4j.Logger;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.slf4j.LoggerFactory;

/**
 * Adds the operations endpoints to the CamelContext: {@link HealthRoute} ({@code /health/live}, {@code /health/ready}
 * and {@code /health}) and
 * {@link MetricsRoute} ({@code /metrics}, loopback only). The database is an optional, dynamic
 * reference so that /health reports it DOWN instead of disappearing when the DataSource goes away.
 *
 * <p>Also watches for sandbox components ({@link SandboxMarkers}) and reads the installation's
 * profile (PID {@value #PROFILE_PID}, {@code profile=production} in the production profile): in
 * production a sandbox component is refused, logged as an ERROR and reported DOWN.
 */
@Component(immediate = true, configurationPid = HealthEndpoint.PROFILE_PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HealthEndpoint.Profile.class)
public class HealthEndpoint {

    static final String PROFILE_PID = "org.safeharbor.profile";
    private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoint.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge profile")
    public @interface Profile {
        @AttributeDefinition(description = "production: sandbox components are refused (ERROR in the log, /health DOWN);"
                + " anything else (default: standard) allows them, marked in /health")
        String profile() default "standard";
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(dataSourceName=safeharbor)")
    private volatile DataSource dataSource;

    /** The HTTPS server; optional, so that readiness reports the intake DOWN rather than vanish while it restarts. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile HttpServer http;

    /** Declarative Services' own view of every component, to find the jurisdiction components still waiting. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ServiceComponentRuntime components;

    /** Karaf's configuration admin, to find shipped placeholder passwords (production profile). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    /** The placeholders last logged, so that each new finding is logged once, not at every /health poll. */
    private volatile List<String> placeholdersLogged = List.of();

    private final CamelContext camel;
    private final List<RouteBuilder> routes;
    private final SandboxMarkers sandboxes;
    private final ServiceTracker<Object, String> sandboxTracker;

    @Activate
    public HealthEndpoint(@Reference CamelContext camel, @Reference JurisdictionRegistry registry,
                          @Reference Broker broker, @Reference Metrics metrics, Profile profile,
                          BundleContext bundleContext) throws Exception {
        this.camel = camel;
        this.sandboxes = new SandboxMarkers(false);
        modified(profile);
        this.sandboxTracker = sandboxes.track(bundleContext);
        this.routes = List.of(
                new HealthRoute(new HealthCheck(camel, broker::isReachable, () -> dataSource, registry::active,
                        sandboxes::jurisdictions, sandboxes::production, this::intakeServing, this::waitingJurisdictionComponents,
                        this::placeholders)),
                new MetricsRoute(metrics));
        for (var route : routes) {
            PlatformClassLoader.run(() -> camel.addRoutes(route));
        }
    }

    /** The FHIR intake and the token endpoint answer (not the 503 placeholder). */
    boolean intakeServing() {
        HttpServer server = http;
        return server != null && HttpServer.HOSPITALS_NEED.stream().allMatch(server::isServing);
    }

    /**
     * Where the configuration still holds a placeholder the distribution ships ({@link ShippedPlaceholders}); asked only
     * in the production profile. A new finding is logged as an ERROR once.
     */
    List<String> placeholders() {
        ConfigurationAdmin admin = configurationAdmin;
        List<String> found = admin == null ? List.of() : ShippedPlaceholders.find(admin);
        if (!found.isEmpty() && !found.equals(placeholdersLogged)) {
            LOG.error("Production profile with shipped placeholder secrets or a sandbox trust store in {}: refused (/health"
                    + " DOWN). Put the real secrets in etc/secrets/ and name them, e.g. .password = $[secret:secrets/db-password],"
                    + " and the state's own trust store (karaf-distribution/PRODUCTION.md, 4 and 8)", found);
        }
        placeholdersLogged = found;
        return found;
    }

    /** The jurisdiction components of the installed bundles that Declarative Services has not (yet) registered. */
    List<String> waitingJurisdictionComponents() {
        ServiceComponentRuntime scr = components;
        return scr == null ? List.of("(Declarative Services)") : waitingJurisdictionComponents(scr);
    }

    /**
     * Every enabled component that provides a {@link JurisdictionAdapter} and has no satisfied or active configuration:
     * a reference it needs is missing, or its activation failed. One that requires a configuration nobody gave it is
     * not waited for: the operator has not asked for that jurisdiction. Component names only (class names).
     */
    static List<String> waitingJurisdictionComponents(ServiceComponentRuntime scr) {
        List<String> waiting = new java.util.ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.serviceInterfaces == null
                    || !List.of(description.serviceInterfaces).contains(JurisdictionAdapter.class.getName())
                    || !scr.isComponentEnabled(description)) {
                continue;
            }
            var configurations = scr.getComponentConfigurationDTOs(description);
            boolean registered = configurations.stream().anyMatch(c -> c.state == ComponentConfigurationDTO.SATISFIED
                    || c.state == ComponentConfigurationDTO.ACTIVE);
            boolean notConfigured = !configurations.isEmpty() && configurations.stream()
                    .allMatch(c -> c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION);
            if (!registered && !notConfigured) {
                waiting.add(description.name);
            }
        }
        return List.copyOf(waiting);
    }

    /** A changed profile applies at once (no new routes). */
    @Modified
    void modified(Profile profile) {
        boolean production = isProduction(profile.profile());
        if (production) {
            LOG.info("Production profile (etc/{}.cfg): sandbox components are refused", PROFILE_PID);
            Path deploy = deployWatcherConfig();
            if (Files.exists(deploy)) {
                LOG.error("Production profile with the deploy/ folder ON ({} exists): any file dropped into deploy/ is"
                        + " installed and run. Delete that file (karaf-distribution/PRODUCTION.md)", deploy);
            }
        }
        sandboxes.setProduction(production);
    }

    /** Karaf's configuration of the deploy/ folder watcher (Felix File Install); without it deploy/ is not watched. */
    static Path deployWatcherConfig() {
        return Path.of(System.getProperty("karaf.etc", "etc"), "org.apache.felix.fileinstall-deploy.cfg");
    }

    static boolean isProduction(String profile) {
        return profile != null && "production".equalsIgnoreCase(profile.trim());
    }

    @Deactivate
    void deactivate() throws Exception {
        sandboxTracker.close();
        for (var route : routes) {
            for (var definition : route.getRouteCollection().getRoutes()) {
                camel.getRouteController().stopRoute(definition.getRouteId());
                camel.removeRoute(definition.getRouteId());
            }
        }
    }
}

package org.safeharbor.routes;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoreCipher;

/**
 * Adds {@link IntakeRoute} (store, split by jurisdiction, queue; the outbox sweep) to the core CamelContext. Its
 * settings stay with the FHIR intake's (PID {@code org.safeharbor.fhir}, {@code etc/org.safeharbor.fhir.cfg}), where an
 * operator looks for them; the intake's metatype describes them.
 */
@Component(immediate = true, configurationPid = IntakePath.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class IntakePath {

    static final String PID = "org.safeharbor.fhir";

    /** The outbox's settings in the intake's configuration. */
    public @interface Config {
        /** ISO-8601 interval of the outbox sweep. */
        String outboxInterval() default "PT10S";

        /** ISO-8601 age after which a stored but unqueued delivery is taken to be left behind by a crash. */
        String outboxAge() default "PT10S";
    }

    private final CamelContext camel;
    private final IntakeRoute route;

    @Activate
    public IntakePath(@Reference CamelContext camel, @Reference MessageStore store, @Reference StoreCipher cipher,
                      @Reference JurisdictionRegistry registry, Config config) throws Exception {
        this.camel = camel;
        this.route = new IntakeRoute(store, registry::isActive, Clock.systemUTC(), Duration.parse(config.outboxInterval()),
                Duration.parse(config.outboxAge()), new QueueBody(cipher));
        PlatformClassLoader.run(() -> camel.addRoutes(route));
    }

    @Deactivate
    void deactivate() throws Exception {
        for (var definition : route.getRouteCollection().getRoutes()) {
            camel.getRouteController().stopRoute(definition.getRouteId());
            camel.removeRoute(definition.getRouteId());
        }
    }
}

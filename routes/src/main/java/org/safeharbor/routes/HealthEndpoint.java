package org.safeharbor.routes;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Adds the {@link HealthRoute} to the CamelContext. The database is an optional, dynamic reference
 * so that /health reports it DOWN instead of disappearing when the DataSource goes away.
 */
@Component(immediate = true)
public class HealthEndpoint {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(dataSourceName=safeharbor)")
    private volatile DataSource dataSource;

    private final CamelContext camel;
    private final HealthRoute route;

    @Activate
    public HealthEndpoint(@Reference CamelContext camel, @Reference JurisdictionRegistry registry,
                          @Reference Broker broker) throws Exception {
        this.camel = camel;
        this.route = new HealthRoute(new HealthCheck(camel, broker::isReachable, broker.url(), () -> dataSource, registry::active));
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

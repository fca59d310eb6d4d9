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
 * Adds the operations endpoints to the CamelContext: {@link HealthRoute} ({@code /health}) and
 * {@link MetricsRoute} ({@code /metrics}). The database is an optional, dynamic reference
 * so that /health reports it DOWN instead of disappearing when the DataSource goes away.
 */
@Component(immediate = true)
public class HealthEndpoint {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(dataSourceName=safeharbor)")
    private volatile DataSource dataSource;

    private final CamelContext camel;
    private final java.util.List<org.apache.camel.builder.RouteBuilder> routes;

    @Activate
    public HealthEndpoint(@Reference CamelContext camel, @Reference JurisdictionRegistry registry,
                          @Reference Broker broker, @Reference Metrics metrics) throws Exception {
        this.camel = camel;
        this.routes = java.util.List.of(
                new HealthRoute(new HealthCheck(camel, broker::isReachable, broker.url(), () -> dataSource, registry::active)),
                new MetricsRoute(metrics));
        for (var route : routes) {
            PlatformClassLoader.run(() -> camel.addRoutes(route));
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        for (var route : routes) {
            for (var definition : route.getRouteCollection().getRoutes()) {
                camel.getRouteController().stopRoute(definition.getRouteId());
                camel.removeRoute(definition.getRouteId());
            }
        }
    }
}

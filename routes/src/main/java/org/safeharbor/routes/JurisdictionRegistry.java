package org.safeharbor.routes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jurisdiction whiteboard: tracks every {@link JurisdictionAdapter} service, keyed on its
 * {@code jurisdiction} service property, and adds or removes the adapter's Camel routes as its
 * bundle comes and goes. Referrals for a jurisdiction with no adapter wait on its durable queue.
 */
@Component(service = JurisdictionRegistry.class, immediate = true)
public class JurisdictionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(JurisdictionRegistry.class);

    /** What the registry knows of one active jurisdiction. */
    public record ActiveJurisdiction(Jurisdiction jurisdiction, String displayName, List<String> routeIds) {
    }

    private record Entry(JurisdictionAdapter adapter, ActiveJurisdiction info) {
    }

    private final CamelContext camel;
    private final Map<String, Entry> active = new TreeMap<>();

    @Activate
    public JurisdictionRegistry(@Reference CamelContext camel) {
        this.camel = camel;
    }

    @Reference(service = JurisdictionAdapter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Jurisdiction.SERVICE_PROPERTY + "=*)")
    synchronized void bindAdapter(JurisdictionAdapter adapter, Map<String, Object> properties) {
        String code = String.valueOf(properties.get(Jurisdiction.SERVICE_PROPERTY));
        Jurisdiction jurisdiction;
        try {
            jurisdiction = Jurisdiction.of(code);
        } catch (IllegalArgumentException e) {
            LOG.error("Ignoring jurisdiction adapter with invalid '{}' property '{}'", Jurisdiction.SERVICE_PROPERTY, code);
            return;
        }
        if (!jurisdiction.equals(adapter.jurisdiction())) {
            LOG.error("Ignoring jurisdiction adapter: service property {} but adapter says {}", jurisdiction, adapter.jurisdiction());
            return;
        }
        if (active.containsKey(jurisdiction.code())) {
            LOG.error("Ignoring second adapter for {}: one is already active", jurisdiction);
            return;
        }
        List<String> routeIds = List.of();
        if (adapter instanceof RoutesBuilder routes) {
            try {
                routeIds = addRoutes(routes);
            } catch (Exception e) {
                LOG.error("Jurisdiction {} arrived but its routes could not be added: {}", jurisdiction, e.toString());
                return;
            }
        }
        active.put(jurisdiction.code(), new Entry(adapter, new ActiveJurisdiction(jurisdiction, adapter.displayName(), routeIds)));
        LOG.info("Jurisdiction {} arrived: {} ({} route(s))", jurisdiction, adapter.displayName(), routeIds.size());
    }

    synchronized void unbindAdapter(JurisdictionAdapter adapter, Map<String, Object> properties) {
        String code = String.valueOf(properties.get(Jurisdiction.SERVICE_PROPERTY));
        Entry entry = active.get(code);
        if (entry == null || entry.adapter() != adapter) {
            return;
        }
        active.remove(code);
        for (String routeId : entry.info().routeIds()) {
            try {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            } catch (Exception e) {
                LOG.warn("Could not remove route {} of {}: {}", routeId, code, e.toString());
            }
        }
        LOG.info("Jurisdiction {} departed; its referrals wait on queue {}", code, entry.info().jurisdiction().queueName());
    }

    @Deactivate
    synchronized void deactivate() {
        active.clear();
    }

    /** The active jurisdictions, ordered by code. */
    public synchronized List<ActiveJurisdiction> active() {
        return active.values().stream().map(Entry::info).toList();
    }

    /** True when a bundle for the jurisdiction is installed and active. */
    public synchronized boolean isActive(Jurisdiction jurisdiction) {
        return active.containsKey(jurisdiction.code());
    }

    private List<String> addRoutes(RoutesBuilder routes) throws Exception {
        Set<String> before = routeIds();
        PlatformClassLoader.run(() -> camel.addRoutes(routes));
        List<String> added = new ArrayList<>(routeIds());
        added.removeAll(before);
        return List.copyOf(added);
    }

    private Set<String> routeIds() {
        Set<String> ids = new HashSet<>();
        for (Route route : camel.getRoutes()) {
            ids.add(route.getRouteId());
        }
        return ids;
    }
}

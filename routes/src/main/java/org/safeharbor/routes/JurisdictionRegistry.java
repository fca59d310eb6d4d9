package org.safeharbor.routes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.store.StoreCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jurisdiction whiteboard: tracks every {@link JurisdictionAdapter} service, keyed on its
 * {@code jurisdiction} service property, and adds or removes its delivery path as its bundle comes and
 * goes: the core's {@link JurisdictionPipeline} around the state's {@link StateTransport} (the same service
 * object). Referrals for a jurisdiction with no adapter wait on its durable queue.
 *
 * <p>One adapter per jurisdiction is active. A second one waits and takes over when the first
 * leaves (e.g. while an integrator swaps a bundle for a new version).
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
    private final StatusReporter reporter;
    private final java.time.Clock clock;
    private final QueueBody body;
    private final Map<String, Entry> active = new TreeMap<>();
    private final Map<String, Deque<JurisdictionAdapter>> waiting = new TreeMap<>();

    /** The state pipelines open the queue messages the intake sealed with the message store's cipher. */
    @Activate
    public JurisdictionRegistry(@Reference CamelContext camel, @Reference StatusReporter reporter, @Reference StoreCipher cipher) {
        this(camel, reporter, java.time.Clock.systemUTC(), new QueueBody(cipher));
    }

    /** Without the store's cipher (tests): queue messages in clear JSON only. */
    public JurisdictionRegistry(CamelContext camel, StatusReporter reporter) {
        this(camel, reporter, java.time.Clock.systemUTC(), new QueueBody(null));
    }

    JurisdictionRegistry(CamelContext camel, StatusReporter reporter, java.time.Clock clock) {
        this(camel, reporter, clock, new QueueBody(null));
    }

    JurisdictionRegistry(CamelContext camel, StatusReporter reporter, java.time.Clock clock, QueueBody body) {
        this.camel = camel;
        this.reporter = reporter;
        this.clock = clock;
        this.body = body;
    }

    @Reference(service = JurisdictionAdapter.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Jurisdiction.SERVICE_PROPERTY + "=*)")
    synchronized void bindAdapter(JurisdictionAdapter adapter, Map<String, Object> properties) {
        Object property = properties.get(Jurisdiction.SERVICE_PROPERTY);
        Jurisdiction jurisdiction;
        try {
            jurisdiction = Jurisdiction.of(String.valueOf(property));
        } catch (IllegalArgumentException e) {
            LOG.error("Ignoring jurisdiction adapter with invalid '{}' property '{}'", Jurisdiction.SERVICE_PROPERTY, property);
            return;
        }
        if (!jurisdiction.equals(adapter.jurisdiction())) {
            LOG.error("Ignoring jurisdiction adapter: service property {} but adapter says {}", jurisdiction, adapter.jurisdiction());
            return;
        }
        if (active.containsKey(jurisdiction.code())) {
            waiting.computeIfAbsent(jurisdiction.code(), k -> new ArrayDeque<>()).addLast(adapter);
            LOG.warn("A second adapter for {} waits: one is already active", jurisdiction);
            return;
        }
        activate(jurisdiction, adapter);
    }

    synchronized void unbindAdapter(JurisdictionAdapter adapter) {
        // Found by identity: the service properties may have changed since bind.
        for (Deque<JurisdictionAdapter> queue : waiting.values()) {
            queue.removeIf(waiter -> waiter == adapter);
        }
        Entry entry = active.values().stream().filter(e -> e.adapter() == adapter).findFirst().orElse(null);
        if (entry == null) {
            return;
        }
        String code = entry.info().jurisdiction().code();
        active.remove(code);
        removeRoutes(entry.info().routeIds(), code);
        LOG.info("Jurisdiction {} departed; its referrals wait on queue {}", code, entry.info().jurisdiction().queueName());

        Deque<JurisdictionAdapter> next = waiting.getOrDefault(code, new ArrayDeque<>());
        while (!next.isEmpty() && !active.containsKey(code)) {
            activate(entry.info().jurisdiction(), next.pollFirst());
        }
    }

    @Deactivate
    synchronized void deactivate() {
        active.clear();
        waiting.clear();
    }

    /** The active jurisdictions, ordered by code. */
    public synchronized List<ActiveJurisdiction> active() {
        return active.values().stream().map(Entry::info).toList();
    }

    /** The active adapter of a jurisdiction, if its bundle is installed. */
    public synchronized java.util.Optional<JurisdictionAdapter> adapter(Jurisdiction jurisdiction) {
        return java.util.Optional.ofNullable(active.get(jurisdiction.code())).map(Entry::adapter);
    }

    /** True when a bundle for the jurisdiction is installed and active. */
    public synchronized boolean isActive(Jurisdiction jurisdiction) {
        return active.containsKey(jurisdiction.code());
    }

    private void activate(Jurisdiction jurisdiction, JurisdictionAdapter adapter) {
        List<String> routeIds = List.of();
        // no transport (a bundle with rules only): listed, nothing delivered, its referrals wait on the queue
        RoutesBuilder routes = adapter instanceof StateTransport transport
                ? new JurisdictionPipeline(adapter, transport, reporter, clock, JurisdictionPipeline.Queues.onTheBroker(jurisdiction, DeliveryOrder.consumers(camel, jurisdiction)), body)
                : null;
        if (routes != null) {
            try {
                routeIds = addRoutes(routes);
            } catch (Exception e) {
                LOG.error("Jurisdiction {} arrived but its routes could not be started: {}", jurisdiction, e.toString());
                return;
            }
        }
        active.put(jurisdiction.code(), new Entry(adapter, new ActiveJurisdiction(jurisdiction, adapter.displayName(), routeIds)));
        LOG.info("Jurisdiction {} arrived: {} ({} route(s))", jurisdiction, adapter.displayName(), routeIds.size());
    }

    /**
     * Adds the routes and returns their ids. On failure, removes whatever of them was added, so
     * no route of an inactive jurisdiction keeps consuming its queue.
     */
    private List<String> addRoutes(RoutesBuilder routes) throws Exception {
        Set<String> before = contextRouteIds();
        try {
            PlatformClassLoader.run(() -> camel.addRoutes(routes));
            return routeIdsOf(routes, before);
        } catch (Exception e) {
            removeRoutes(routeIdsOf(routes, before), "failed adapter");
            throw e;
        }
    }

    /** The ids of a builder's routes: from its own definitions, or by difference for another RoutesBuilder. */
    private List<String> routeIdsOf(RoutesBuilder routes, Set<String> before) {
        List<String> ids = new ArrayList<>();
        if (routes instanceof RouteBuilder builder) {
            for (RouteDefinition definition : builder.getRouteCollection().getRoutes()) {
                String id = definition.getRouteId();
                if (id != null && !ids.contains(id) && camel.getRoute(id) != null) {
                    ids.add(id);
                }
            }
        } else {
            ids.addAll(contextRouteIds());
            ids.removeAll(before);
        }
        return List.copyOf(ids);
    }

    private void removeRoutes(List<String> routeIds, String owner) {
        for (String routeId : routeIds) {
            try {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            } catch (Exception e) {
                LOG.warn("Could not remove route {} of {}: {}", routeId, owner, e.toString());
            }
        }
    }

    private Set<String> contextRouteIds() {
        Set<String> ids = new HashSet<>();
        for (Route route : camel.getRoutes()) {
            ids.add(route.getRouteId());
        }
        return ids;
    }
}

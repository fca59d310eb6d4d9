package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeadlineRule;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.jurisdiction.support.v1.StateTransport;
import org.safeharbor.routes.JurisdictionRegistry.ActiveJurisdiction;

/**
 * The jurisdiction whiteboard outside OSGi: DS would call bindAdapter/unbindAdapter with the
 * service properties; here the test does, against a real, started CamelContext.
 */
class JurisdictionRegistryTest {

    private DefaultCamelContext camel;
    private JurisdictionRegistry registry;

    @BeforeEach
    void startCamel() throws Exception {
        camel = new DefaultCamelContext();
        // A route that belongs to someone else (like /health): the registry must never touch it.
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:unrelated").routeId("unrelated").log("unrelated");
            }
        });
        // the jurisdictions' queues: no broker here
        camel.addComponent("amqp", new org.apache.camel.component.stub.StubComponent());
        camel.start();
        registry = new JurisdictionRegistry(camel, new AttemptLog(update -> { }));
    }

    @AfterEach
    void stopCamel() {
        camel.stop();
    }

    // ---------------------------------------------------------------- test adapters

    /** An adapter that brings its own transport, as a jurisdiction bundle would (the broker stubbed). */
    static class RoutingAdapter implements JurisdictionAdapter, StateTransport {
        private final Jurisdiction jurisdiction;
        private final String name;
        final AtomicInteger delivered = new AtomicInteger();

        RoutingAdapter(String code, String name) {
            this.jurisdiction = Jurisdiction.of(code);
            this.name = name;
        }

        @Override
        public void configure(RouteBuilder routes, String deliver) {
            routes.from(deliver).routeId(jurisdiction.code() + "-deliver").process(exchange -> delivered.incrementAndGet());
        }

        @Override
        public Jurisdiction jurisdiction() {
            return jurisdiction;
        }

        @Override
        public org.safeharbor.api.v1.StateFormat format() {
            throw new UnsupportedOperationException("the registry never formats");
        }

        @Override
        public String displayName() {
            return name;
        }

        @Override
        public List<DeadlineRule> deadlineRules() {
            return List.of();
        }
    }

    /** An adapter with no transport (not a StateTransport): listed, nothing delivered. */
    static class PlainAdapter implements JurisdictionAdapter {
        private final Jurisdiction jurisdiction;

        PlainAdapter(String code) {
            this.jurisdiction = Jurisdiction.of(code);
        }

        @Override
        public Jurisdiction jurisdiction() {
            return jurisdiction;
        }

        @Override
        public org.safeharbor.api.v1.StateFormat format() {
            throw new UnsupportedOperationException("the registry never formats");
        }

        @Override
        public String displayName() {
            return "plain " + jurisdiction;
        }

        @Override
        public List<DeadlineRule> deadlineRules() {
            return List.of();
        }
    }

    private static Map<String, Object> props(String code) {
        return Map.of(Jurisdiction.SERVICE_PROPERTY, code);
    }

    /** The routes of a jurisdiction's path: the core's receiving and attempt routes and the state's delivery route. */
    private static Set<String> pathOf(String code) {
        return Set.of(code + "-receive", code + "-attempt", code + "-deliver");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private Set<String> contextRouteIds() {
        Set<String> ids = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            ids.add(route.getRouteId());
        }
        return ids;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void bindingRoutingAdapterAddsItsRoutesAndMakesItActive() {
        RoutingAdapter zz = new RoutingAdapter("US-ZZ", "Test state ZZ");

        registry.bindAdapter(zz, props("US-ZZ"));

        assertTrue(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals(union(Set.of("unrelated"), pathOf("US-ZZ")), contextRouteIds());
        List<ActiveJurisdiction> active = registry.active();
        assertEquals(1, active.size());
        ActiveJurisdiction info = active.get(0);
        assertEquals(Jurisdiction.of("US-ZZ"), info.jurisdiction());
        assertEquals("Test state ZZ", info.displayName());
        // Exactly the adapter's routes: not the unrelated one that was there before.
        assertEquals(pathOf("US-ZZ"), Set.copyOf(info.routeIds()));
        // ...and they are running: the state's transport takes what the core sends it.
        camel.createProducerTemplate().sendBody("direct:US-ZZ-deliver", "ping");
        assertEquals(1, zz.delivered.get());
    }

    @Test
    void unbindingRemovesExactlyTheAdaptersRoutes() {
        RoutingAdapter zz = new RoutingAdapter("US-ZZ", "Test state ZZ");
        RoutingAdapter yy = new RoutingAdapter("US-YY", "Test state YY");
        registry.bindAdapter(zz, props("US-ZZ"));
        registry.bindAdapter(yy, props("US-YY"));

        registry.unbindAdapter(zz);

        assertFalse(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals(List.of(Jurisdiction.of("US-YY")), registry.active().stream().map(ActiveJurisdiction::jurisdiction).toList());
        // ZZ's routes are gone; the unrelated route and the other jurisdiction's routes stay.
        assertEquals(union(Set.of("unrelated"), pathOf("US-YY")), contextRouteIds());
        assertNull(camel.getRoute("US-ZZ-receive"));
        assertNotNull(camel.getRoute("unrelated"));
    }

    @Test
    void adapterWhoseServicePropertyDisagreesWithItsJurisdictionIsIgnored() {
        // The bundle registered the service as US-YY, but the adapter says it serves US-ZZ.
        registry.bindAdapter(new RoutingAdapter("US-ZZ", "mislabelled"), props("US-YY"));

        assertTrue(registry.active().isEmpty());
        assertFalse(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertFalse(registry.isActive(Jurisdiction.of("US-YY")));
        assertEquals(Set.of("unrelated"), contextRouteIds());
    }

    @Test
    void adapterWithInvalidJurisdictionPropertyIsIgnored() {
        // A state name instead of an ISO 3166-2 code.
        registry.bindAdapter(new RoutingAdapter("US-IL", "Illinois"), props("Illinois"));

        assertTrue(registry.active().isEmpty());
        assertFalse(registry.isActive(Jurisdiction.of("US-IL")));
        assertEquals(Set.of("unrelated"), contextRouteIds());
    }

    @Test
    void secondAdapterForAnActiveJurisdictionIsIgnoredAndItsUnbindLeavesTheFirst() {
        RoutingAdapter first = new RoutingAdapter("US-ZZ", "first");
        PlainAdapter second = new PlainAdapter("US-ZZ");
        registry.bindAdapter(first, props("US-ZZ"));

        registry.bindAdapter(second, props("US-ZZ"));

        // Still the first one, with its routes.
        assertEquals(1, registry.active().size());
        assertEquals("first", registry.active().get(0).displayName());

        // DS unbinds the second (e.g. its bundle stops): the first must survive untouched.
        registry.unbindAdapter(second);

        assertTrue(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals("first", registry.active().get(0).displayName());
        assertEquals(union(Set.of("unrelated"), pathOf("US-ZZ")), contextRouteIds());
    }

    @Test
    void waitingAdapterTakesOverWhenTheActiveOneLeaves() {
        RoutingAdapter first = new RoutingAdapter("US-ZZ", "first");
        RoutingAdapter replacement = new RoutingAdapter("US-ZZ", "replacement");
        registry.bindAdapter(first, props("US-ZZ"));
        registry.bindAdapter(replacement, props("US-ZZ"));

        // e.g. an integrator installs a new version of the bundle, then stops the old one
        registry.unbindAdapter(first);

        assertTrue(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals("replacement", registry.active().get(0).displayName());
        assertEquals(union(Set.of("unrelated"), pathOf("US-ZZ")), contextRouteIds());
    }

    @Test
    void secondRoutingAdapterForAnActiveJurisdictionAddsNoRoutes() {
        registry.bindAdapter(new RoutingAdapter("US-ZZ", "first"), props("US-ZZ"));
        // A different adapter instance with the same route ids: the registry must not even try to add them.
        registry.bindAdapter(new RoutingAdapter("US-ZZ", "second"), props("US-ZZ"));

        assertEquals("first", registry.active().get(0).displayName());
        assertEquals(union(Set.of("unrelated"), pathOf("US-ZZ")), contextRouteIds());
    }

    @Test
    void adapterWithoutATransportIsActiveWithNoRoutes() {
        PlainAdapter plain = new PlainAdapter("US-ZZ");

        registry.bindAdapter(plain, props("US-ZZ"));

        assertTrue(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals(List.of(), registry.active().get(0).routeIds());
        assertEquals(Set.of("unrelated"), contextRouteIds());

        // Unbinding it removes nothing from the context.
        registry.unbindAdapter(plain);
        assertFalse(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals(Set.of("unrelated"), contextRouteIds());
    }

    @Test
    void adapterWhoseRoutesCannotBeAddedIsNotActive() {
        RoutingAdapter broken = new RoutingAdapter("US-ZZ", "broken") {
            @Override
            public void configure(RouteBuilder routes, String deliver) {
                throw new IllegalStateException("bad route definition");
            }
        };

        registry.bindAdapter(broken, props("US-ZZ"));

        assertFalse(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertTrue(registry.active().isEmpty());
        assertEquals(Set.of("unrelated"), contextRouteIds());

        // A working adapter for the same jurisdiction can still arrive afterwards.
        registry.bindAdapter(new RoutingAdapter("US-ZZ", "fixed"), props("US-ZZ"));
        assertTrue(registry.isActive(Jurisdiction.of("US-ZZ")));
    }

    @Test
    void activeIsOrderedByCode() {
        // Bound out of order on purpose.
        registry.bindAdapter(new PlainAdapter("US-TX"), props("US-TX"));
        registry.bindAdapter(new PlainAdapter("US-CA"), props("US-CA"));
        registry.bindAdapter(new PlainAdapter("US-IL"), props("US-IL"));

        assertEquals(List.of("US-CA", "US-IL", "US-TX"),
                registry.active().stream().map(a -> a.jurisdiction().code()).toList());
    }

    // ------------------------------------------------ regressions: bugs found by these tests

    @Test
    void lowerCasePropertyIsAcceptedAndItsUnbindRemovesTheRoutes() {
        // Jurisdiction.of() is case-insensitive, so bind accepts "us-zz"; DS passes the same properties to unbind.
        RoutingAdapter zz = new RoutingAdapter("US-ZZ", "lower-case property");
        registry.bindAdapter(zz, props("us-zz"));
        assertTrue(registry.isActive(Jurisdiction.of("US-ZZ")));

        registry.unbindAdapter(zz);

        assertFalse(registry.isActive(Jurisdiction.of("US-ZZ")));
        assertEquals(Set.of("unrelated"), contextRouteIds());
    }

    @Test
    void adapterWhoseRoutesFailToStartLeavesNoRouteBehind() {
        RoutingAdapter clash = new RoutingAdapter("US-ZZ", "clash") {
            @Override
            public void configure(RouteBuilder routes, String deliver) {
                routes.from("direct:zz-ok").routeId("zz-ok").log("ok");
                // Second consumer on the same direct: endpoint: the route is added, then fails to start.
                routes.from("direct:zz-ok").routeId("zz-clash").log("clash");
            }
        };

        registry.bindAdapter(clash, props("US-ZZ"));

        assertFalse(registry.isActive(Jurisdiction.of("US-ZZ")));
        // Otherwise "zz-ok" keeps consuming (in production: the jurisdiction's queue) with no registry entry.
        assertEquals(Set.of("unrelated"), contextRouteIds());
    }
}

package org.safeharbor.jurisdiction.support.v1;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.slf4j.LoggerFactory;

/**
 * A component's own CXF bus, made on first use with the platform bundle's class loader (where CXF finds its extensions
 * in Karaf), and the Camel {@code cxf:} endpoints on it: no component shares, or shuts down, another's bus, and no
 * endpoint holding this bus outlives it in the CamelContext's endpoint cache. For a state that speaks SOAP (Illinois).
 */
public final class CxfBus {

    private final List<Endpoint> endpoints = new ArrayList<>();
    private Bus bus;

    /** The CamelContext's endpoint for the URI, on this bus (forgotten again by {@link #close()}). */
    public synchronized CxfEndpoint endpoint(CamelContext camel, String uri) {
        CxfEndpoint endpoint = camel.getEndpoint(uri, CxfEndpoint.class);
        endpoint.setBus(bus());
        endpoints.add(endpoint);
        return endpoint;
    }

    /** The bus, made on first use. */
    public synchronized Bus bus() {
        if (bus == null) {
            bus = create();
        }
        return bus;
    }

    /** Removes the endpoints from their CamelContext and shuts the bus down. */
    public synchronized void close() {
        for (Endpoint endpoint : endpoints) {
            try {
                endpoint.getCamelContext().removeEndpoint(endpoint);
            } catch (Exception e) {
                LoggerFactory.getLogger(CxfBus.class).warn("{} not removed: {}", endpoint.getEndpointKey(), e.getClass().getSimpleName());
            }
        }
        endpoints.clear();
        if (bus != null) {
            bus.shutdown(true);
            bus = null;
        }
    }

    /** A new bus that is not left behind as CXF's process-wide or thread default. */
    public static Bus create() {
        try {
            return PlatformClassLoader.call(() -> {
                Bus bus = BusFactory.newInstance().createBus();
                // createBus() makes the first bus of the JVM the default one: undo that
                BusFactory.clearDefaultBusForAnyThread(bus);
                if (BusFactory.getDefaultBus(false) == bus) {
                    BusFactory.setDefaultBus(null);
                }
                return bus;
            });
        } catch (Exception e) {
            throw new IllegalStateException("no CXF bus: " + e, e);
        }
    }
}

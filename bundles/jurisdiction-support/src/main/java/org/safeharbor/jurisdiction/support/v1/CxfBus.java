package org.safeharbor.jurisdiction.support.v1;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Servlet;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.transport.http.HTTPConduitConfigurer;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.LoggerFactory;

/**
 * A component's own CXF bus, made on first use with the platform bundle's class loader (where CXF finds its extensions
 * in Karaf), and the Camel {@code cxf:} endpoints on it: no component shares, or shuts down, another's bus, and no
 * endpoint holding this bus outlives it in the CamelContext's endpoint cache. For a state that speaks SOAP (Illinois).
 */
public final class CxfBus {

    private final List<Endpoint> endpoints = new ArrayList<>();
    private Bus bus;
    private CXFNonSpringServlet servlet;
    private ServiceRegistration<Servlet> registration;

    /** The CamelContext's endpoint for the URI, on this bus (forgotten again by {@link #close()}). */
    public synchronized CxfEndpoint endpoint(CamelContext camel, String uri) {
        CxfEndpoint endpoint = camel.getEndpoint(uri, CxfEndpoint.class);
        endpoint.setBus(bus());
        endpoints.add(endpoint);
        return endpoint;
    }

    /**
     * A SOAP client endpoint's TLS trust and timeouts: the certificates of the trust store file (blank: the JVM's
     * default trust; read when the route starts) and one connect and receive timeout for every client conduit on this
     * bus, which is the component's own.
     */
    public void client(CxfEndpoint endpoint, String trustStore, String password, String type, Duration timeout) {
        if (!trustStore.isBlank()) {
            KeyStoreParameters store = new KeyStoreParameters();
            store.setCamelContext(endpoint.getCamelContext());
            store.setResource("file:" + trustStore);
            store.setPassword(password);
            store.setType(type);
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(store);
            SSLContextParameters tls = new SSLContextParameters();
            tls.setTrustManagers(trust);
            endpoint.setSslContextParameters(tls);
        }
        HTTPClientPolicy timeouts = new HTTPClientPolicy();
        timeouts.setConnectionTimeout(timeout.toMillis());
        timeouts.setReceiveTimeout(timeout.toMillis());
        bus().setExtension((HTTPConduitConfigurer) (name, address, conduit) -> conduit.setClient(timeouts), HTTPConduitConfigurer.class);
    }

    /** The bus, made on first use. */
    public synchronized Bus bus() {
        if (bus == null) {
            bus = create();
        }
        return bus;
    }

    /** The CXF servlet on this bus, made once: mounted at a path, it serves the bus's {@code cxf:} consumers below it. */
    public synchronized Servlet servlet() {
        if (servlet == null) {
            servlet = new CXFNonSpringServlet();
            servlet.setBus(bus());
        }
        return servlet;
    }

    /**
     * In Karaf: {@link #servlet()} as a service with {@code safeharbor.http.path}, which the core's HTTPS server mounts
     * at that path (e.g. {@code /jurisdictions/us-il/*}), until {@link #close()}.
     */
    public synchronized void publish(BundleContext context, String path) {
        registration = context.registerService(Servlet.class, servlet(), new Hashtable<>(Map.of("safeharbor.http.path", path)));
    }

    /** Withdraws the servlet, removes the endpoints from their CamelContext and shuts the bus down. */
    public synchronized void close() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
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
            servlet = null;
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

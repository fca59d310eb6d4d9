package org.safeharbor.routes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;

import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's HTTP server (PID {@code org.safeharbor.http}): an embedded Jetty 12 with Jakarta
 * Servlet 6, because Karaf 4.4's own web container is javax.servlet and HAPI FHIR 8 is Jakarta.
 *
 * <p>Camel's servlet ({@code CamelServlet}) is mounted at {@code /*}, so routes with
 * {@code servlet:} or REST DSL endpoints (e.g. {@code /health}) are served here. Other bundles
 * mount a servlet by registering a {@code jakarta.servlet.Servlet} service with the property
 * {@value #PATH_PROPERTY} (e.g. {@code /fhir/*}).
 */
@Component(immediate = true, configurationPid = HttpServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HttpServer.Config.class)
public class HttpServer {

    static final String PID = "org.safeharbor.http";
    /** Service property of a servlet to mount: its path spec, e.g. {@code /fhir/*}. */
    public static final String PATH_PROPERTY = "safeharbor.http.path";
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge HTTP server")
    public @interface Config {
        @AttributeDefinition(description = "TCP port for /health and /fhir")
        int port() default 8080;

        @AttributeDefinition(description = "Interface to bind; 0.0.0.0 for all")
        String host() default "0.0.0.0";
    }

    private final Map<Servlet, String> mounted = new ConcurrentHashMap<>();
    private Server jetty;
    private ServletContextHandler context;

    @Activate
    void activate(Config config) throws Exception {
        PlatformClassLoader.run(() -> {
            jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost(config.host());
            connector.setPort(config.port());
            jetty.addConnector(connector);
            context = new ServletContextHandler("/");
            context.addServlet(new ServletHolder("CamelServlet", new CamelHttpTransportServlet()), "/*");
            mounted.forEach(this::mount);
            jetty.setHandler(context);
            jetty.start();
        });
        LOG.info("HTTP server listening on {}:{}", config.host(), config.port());
    }

    @Deactivate
    void deactivate() throws Exception {
        jetty.stop();
    }

    @Reference(service = Servlet.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + PATH_PROPERTY + "=*)")
    synchronized void bindServlet(Servlet servlet, Map<String, Object> properties) {
        String path = String.valueOf(properties.get(PATH_PROPERTY));
        mounted.put(servlet, path);
        if (context != null) {
            mount(servlet, path);
        }
    }

    synchronized void unbindServlet(Servlet servlet) {
        String path = mounted.remove(servlet);
        if (context == null || path == null) {
            return;
        }
        var handler = context.getServletHandler();
        var keepHolders = java.util.Arrays.stream(handler.getServlets()).filter(h -> h.getServletInstance() != servlet)
                .toArray(ServletHolder[]::new);
        var keepNames = java.util.Arrays.stream(keepHolders).map(ServletHolder::getName).toList();
        var keepMappings = java.util.Arrays.stream(handler.getServletMappings())
                .filter(m -> keepNames.contains(m.getServletName()))
                .toArray(org.eclipse.jetty.ee10.servlet.ServletMapping[]::new);
        handler.setServletMappings(keepMappings);
        handler.setServlets(keepHolders);
        LOG.info("Unmounted servlet at {}", path);
    }

    private void mount(Servlet servlet, String path) {
        ServletHolder holder = new ServletHolder(servlet.getClass().getSimpleName() + "@" + path, servlet);
        context.addServlet(holder, path);
        LOG.info("Mounted servlet {} at {}", servlet.getClass().getSimpleName(), path);
    }
}

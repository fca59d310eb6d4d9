package org.safeharbor.jurisdiction.us.ma;

import java.net.URI;

import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The core's HTTP server as the status tests see it: Camel's servlet in Jetty on a free loopback port, with the
 * same servlet name and mapping as the core's HttpServer, so the adapter's {@code servlet:} status route is served.
 */
final class StatusServlet implements AutoCloseable {

    private final Server server;
    private final URI statusUrl;

    private StatusServlet(Server server, URI statusUrl) {
        this.server = server;
        this.statusUrl = statusUrl;
    }

    static StatusServlet start() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("CamelServlet", new CamelHttpTransportServlet()), "/*");
        server.setHandler(context);
        server.start();
        return new StatusServlet(server, URI.create("http://127.0.0.1:" + connector.getLocalPort() + MassachusettsAdapter.STATUS_PATH));
    }

    /** Where DCF POSTs statuses to the adapter. */
    URI statusUrl() {
        return statusUrl;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}

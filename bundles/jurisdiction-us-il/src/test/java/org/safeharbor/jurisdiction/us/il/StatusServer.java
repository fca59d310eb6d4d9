package org.safeharbor.jurisdiction.us.il;

import java.net.URI;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The adapter's status servlet mounted at {@link IllinoisStatusRoute#SERVLET_PATH} on a local Jetty, as the core's HTTPS
 * server mounts it in Karaf (plain HTTP on loopback here); {@link #url} is where the SCR would POST NotifyStatus.
 */
public record StatusServer(Server jetty, URI url) implements AutoCloseable {

    public static StatusServer mount(IllinoisAdapter adapter) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(adapter.statusServlet()), IllinoisStatusRoute.SERVLET_PATH);
        jetty.setHandler(context);
        jetty.start();
        return new StatusServer(jetty, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/jurisdictions/us-il"
                + IllinoisStatusRoute.ADDRESS));
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}

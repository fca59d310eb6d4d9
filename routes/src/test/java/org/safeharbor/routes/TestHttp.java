package org.safeharbor.routes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A plain-HTTP Jetty with Camel's servlet at {@code /*}, the way {@link HttpServer} mounts it (which
 * adds TLS): the tests of the HTTP routes send real requests through it, independent of the
 * production server's TLS set-up.
 */
final class TestHttp implements AutoCloseable {

    private final Server jetty;
    private final int port;

    private TestHttp(Server jetty, int port) {
        this.jetty = jetty;
        this.port = port;
    }

    /** Listens on {@code host} (e.g. 127.0.0.1, or 0.0.0.0 to be reached on every interface), on a free port. */
    static TestHttp start(String host) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("CamelServlet", new CamelHttpTransportServlet()), "/*");
        jetty.setHandler(context);
        jetty.start();
        return new TestHttp(jetty, connector.getLocalPort());
    }

    int port() {
        return port;
    }

    /** GET {@code path} at {@code address} (an IP literal, IPv6 in brackets) on this server's port. */
    HttpResponse<String> get(String address, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return get("127.0.0.1", path);
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}

package org.safeharbor.jurisdiction.us.il;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.Servlet;

import org.apache.cxf.Bus;
import org.apache.cxf.annotations.SchemaValidation.SchemaValidationType;
import org.apache.cxf.configuration.security.AuthorizationPolicy;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.safeharbor.jurisdiction.us.il.wire.StatusNotificationPortType;

/**
 * The SOAP status-notification service the State Central Register calls back, contract-first from
 * the bundle's WSDL ({@code StatusNotificationService}), with schema validation of every request.
 * It is published on a CXF servlet ({@link CXFNonSpringServlet}) at {@value #ADDRESS} below wherever
 * the servlet is mounted: in Karaf the core's HTTP server mounts it at
 * {@code /jurisdictions/us-il/*}, so the state calls {@code http(s)://host:port/jurisdictions/us-il/status}.
 */
public final class StatusNotificationEndpoint implements AutoCloseable {

    /** The service's address below the servlet. */
    public static final String ADDRESS = "/status";

    private final CXFNonSpringServlet servlet;
    private final Server server;

    /**
     * @param bus      the bus the servlet serves (owned by the caller)
     * @param service  the implementation
     * @param username HTTP Basic user the state must present; blank for none (sandbox only)
     * @param password its password
     */
    public StatusNotificationEndpoint(Bus bus, StatusNotificationPortType service, String username, String password) {
        servlet = new CXFNonSpringServlet();
        servlet.setBus(bus);
        server = IntakeXml.withRuntimeClassLoader(() -> {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(StatusNotificationPortType.class);
            factory.setServiceBean(service);
            factory.setWsdlLocation(IntakeXml.wsdl().toExternalForm());
            factory.setServiceName(IntakeXml.STATUS_SERVICE);
            factory.setEndpointName(IntakeXml.STATUS_PORT);
            factory.setAddress(ADDRESS);
            factory.getProperties(true).put(Message.SCHEMA_VALIDATION_ENABLED, SchemaValidationType.IN);
            if (username != null && !username.isBlank()) {
                factory.getInInterceptors().add(new BasicAuthentication(username, password == null ? "" : password));
            }
            return factory.create();
        });
    }

    /** The servlet to mount (in Karaf: registered as a service with {@code safeharbor.http.path}). */
    public Servlet servlet() {
        return servlet;
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** Refuses a request without the configured HTTP Basic credentials (compared in constant time). */
    public static final class BasicAuthentication extends AbstractPhaseInterceptor<Message> {
        private final byte[] username;
        private final byte[] password;

        public BasicAuthentication(String username, String password) {
            super(Phase.RECEIVE);
            this.username = username.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void handleMessage(Message message) {
            AuthorizationPolicy policy = message.get(AuthorizationPolicy.class);
            if (policy == null) {
                policy = new AuthorizationPolicy();
            }
            boolean userOk = MessageDigest.isEqual(username, bytes(policy.getUserName()));
            boolean passwordOk = MessageDigest.isEqual(password, bytes(policy.getPassword()));
            if (!(userOk && passwordOk)) {
                Fault fault = new Fault(new SecurityException("not authorized"));
                fault.setStatusCode(401);
                throw fault;
            }
        }

        private static byte[] bytes(String value) {
            return value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        }
    }
}

package org.safeharbor.routes;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.api.v1.DeliveryContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;

/**
 * Work that runs on one node at a time when several Karaf nodes share the database and the broker (PID
 * {@code org.safeharbor.cluster}; karaf-distribution/PRODUCTION.md, "Two or more nodes"): the outbox sweep, the clock
 * scan and its alerts, queue expiry, retention, the notice, services and coordination sweeps, and a batching state's
 * whole delivery path. Routes in the group {@link DeliveryContract#SINGLETON_ROUTES} run under Camel's
 * {@link ClusteredRoutePolicy} on one lease ({@value #LEASE}, {@link LeaseClusterService}); other work asks
 * {@link #leading()}. An in-order state's receive route runs under a lease of its own ({@link DeliveryOrder#lease}),
 * with the same bounds.
 *
 * <p>On PostgreSQL the lease is a row in the shared database, taken and renewed on the database's clock: a node that
 * dies hands the work over within {@code leaseSeconds + renewSeconds} (20 s by default); a node that stops hands it
 * over within {@code renewSeconds}. On the embedded H2 database, which one process alone can open, this node leads.
 */
@Component(service = Singletons.class, immediate = true, configurationPid = Singletons.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = Singletons.Config.class)
public class Singletons {

    static final String PID = "org.safeharbor.cluster";
    /** The lease's name (ShedLock's {@code name}), the cluster view's namespace. */
    static final String LEASE = "safeharbor-singletons";
    private static final Logger LOG = LoggerFactory.getLogger(Singletons.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge nodes", description = "Singleton work when several nodes share one database")
    public @interface Config {
        @AttributeDefinition(required = false, description = "This node's name in the lease (logs, the lease row); empty:"
                + " host name and process id. Must differ between running nodes")
        String nodeName() default "";

        @AttributeDefinition(description = "Seconds a lease lasts unless renewed: the longest a dead node keeps the singleton work")
        int leaseSeconds() default 15;

        @AttributeDefinition(description = "Seconds between renewals (and between tries to take a free lease); at most half the lease")
        int renewSeconds() default 5;
    }

    private final LeaseClusterService service;
    private volatile CamelClusterView view;

    @Activate
    public Singletons(@Reference(target = "(dataSourceName=safeharbor)") DataSource dataSource, Config config) {
        String node = config.nodeName().isBlank() ? defaultNodeName() : config.nodeName().trim();
        Duration lease = Duration.ofSeconds(config.leaseSeconds());
        Duration renew = Duration.ofSeconds(config.renewSeconds());
        if (embedded(dataSource)) {
            service = new LeaseClusterService(null, node, lease, renew);
        } else {
            JdbcTemplateLockProvider locks = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                    .withJdbcTemplate(new JdbcTemplate(dataSource))
                    // the database's clock, so the nodes' clocks need not agree
                    .usingDbTime()
                    .withLockedByValue(node)
                    .build());
            service = new LeaseClusterService(locks, node, lease, renew);
            LOG.info("Singleton work: leased in the shared database as node {} (lease {}, renewed every {})", node, lease, renew);
        }
    }

    /** Singleton work led from a test: this node alone. */
    Singletons(LeaseClusterService service) {
        this.service = service;
    }

    /** Adds the lease's cluster service and the policy that runs {@link DeliveryContract#SINGLETON_ROUTES} routes under it. */
    void install(CamelContext camel) throws Exception {
        camel.addService(service);
        ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(service, LEASE);
        camel.addRoutePolicyFactory(new RoutePolicyFactory() {
            @Override
            public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
                String group = route instanceof RouteDefinition definition ? definition.getGroup() : null;
                if (DeliveryContract.SINGLETON_ROUTES.equals(group)) {
                    return policy;
                }
                if (group != null && group.startsWith(DeliveryOrder.LEASE_PREFIX)) {
                    // an in-order state's receive route: a lease of its own, so one node can deliver US-IL while another
                    // delivers US-TX. A policy per route, never reused: when the state's bundle goes, its policy releases
                    // the lease's view (the lease is given back); when the bundle comes back, a new policy takes it up.
                    try {
                        return ClusteredRoutePolicy.forNamespace(service, group);
                    } catch (Exception e) {
                        throw org.apache.camel.RuntimeCamelException.wrapRuntimeCamelException(e);
                    }
                }
                return null;
            }
        });
        view = service.getView(LEASE);
    }

    /** Whether this node runs the singleton work now (work outside Camel routes, e.g. {@link Retention}, asks). */
    public boolean leading() {
        CamelClusterView current = view;
        return current != null && current.getLocalMember().isLeader();
    }

    /** This node's name in the lease. */
    public String node() {
        return service.node();
    }

    private static String defaultNodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** The embedded H2 database: one process only, so no lease. */
    private static boolean embedded(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return "H2".equals(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            // not reachable now: only a shared database can be away, and the lease is tried again at each renewal
            return false;
        }
    }
}

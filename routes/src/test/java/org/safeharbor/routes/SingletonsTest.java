package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.store.MessageStore;
import org.springframework.jdbc.core.JdbcTemplate;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;

/**
 * Issue 18: singleton work runs on one node at a time. Two (or three) nodes in this JVM, each its own CamelContext with
 * the lease's cluster service, share one database migrated by the message store (its table {@code shedlock}). A timer
 * route in {@link DeliveryContract#SINGLETON_ROUTES} records its ticks; at no time do two nodes tick, and the work moves
 * when its node stops, dies holding the lease, or loses the database.
 */
class SingletonsTest {

    private static final Duration LEASE = Duration.ofMillis(2_000);
    private static final Duration RENEW = Duration.ofMillis(400);
    private static final org.safeharbor.api.v1.Jurisdiction ZZ = org.safeharbor.api.v1.Jurisdiction.of("US-ZZ");

    /** A tick of a singleton route: which node, when (System.nanoTime()). */
    private record Tick(String node, long at) {
    }

    private final List<Tick> ticks = new CopyOnWriteArrayList<>();
    /** Ticks of an in-order state's receive route, under that state's own lease. */
    private final List<Tick> inOrderTicks = new CopyOnWriteArrayList<>();
    private final List<String> everyNode = new CopyOnWriteArrayList<>();
    private final List<DefaultCamelContext> nodes = new CopyOnWriteArrayList<>();
    private JdbcDataSource database;

    @BeforeEach
    void database() {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        new MessageStore(database); // runs the migrations, V8 the lease's table among them
    }

    @AfterEach
    void stop() {
        nodes.forEach(DefaultCamelContext::stop);
    }

    private Singletons node(String name, DataSource dataSource) throws Exception {
        Singletons singletons = new Singletons(new LeaseClusterService(locks(dataSource, name), name, LEASE, RENEW));
        DefaultCamelContext camel = new DefaultCamelContext();
        singletons.install(camel);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:sweep-" + name + "?period=50").routeId("sweep").routeGroup(DeliveryContract.SINGLETON_ROUTES)
                        .process(exchange -> ticks.add(new Tick(name, System.nanoTime())));
                // not a singleton: runs on every node
                from("timer:metrics-" + name + "?period=50&repeatCount=1").routeId("metrics")
                        .process(exchange -> everyNode.add(name));
            }
        });
        camel.start();
        // an in-order state's queue reader (JurisdictionPipeline), under its own lease; added once Camel runs, as a state
        // bundle's routes are
        addInOrderRoute(camel, name);
        nodes.add(camel);
        return singletons;
    }

    private void addInOrderRoute(DefaultCamelContext camel, String tickAs) throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:in-order-" + tickAs + "?period=50").routeId("US-ZZ-receive").routeGroup(DeliveryOrder.lease(ZZ))
                        .process(exchange -> inOrderTicks.add(new Tick(tickAs, System.nanoTime())));
            }
        });
    }

    private static JdbcTemplateLockProvider locks(DataSource dataSource, String node) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(dataSource)).usingDbTime().withLockedByValue(node).build());
    }

    @Test
    void oneNodeRunsTheSingletonWorkAndHandsItOverWhenItStops() throws Exception {
        Singletons a = node("node-a", database);
        Singletons b = node("node-b", database);
        awaitTrue(() -> a.leading() || b.leading(), Duration.ofSeconds(5), "a node took the lease");
        // the policy starts the leader's route on its own thread
        awaitTrue(() -> ticks.size() >= 5, Duration.ofSeconds(10), "the leader's singleton route ran");
        Thread.sleep(1_000);
        assertTrue(a.leading() ^ b.leading(), "exactly one node leads");
        String leader = a.leading() ? "node-a" : "node-b";
        assertEquals(List.of(leader), ticks.stream().map(Tick::node).distinct().toList(), "only the leader ran the singleton route");
        assertEquals(2, everyNode.size(), "other routes run on every node");

        long stopped = System.nanoTime();
        nodes.get(leader.equals("node-a") ? 0 : 1).stop(); // gives the lease back
        Singletons other = leader.equals("node-a") ? b : a;
        awaitTrue(other::leading, LEASE, "the other node took the lease before the lease could have run out");
        assertTrue(Duration.ofNanos(System.nanoTime() - stopped).compareTo(RENEW.multipliedBy(3)) < 0,
                "handed over at the next try, not after the lease");
        awaitTrue(() -> ticks.stream().anyMatch(t -> !t.node().equals(leader)), Duration.ofSeconds(2), "the other node's route started");
        assertNeverTwoAtOnce();
    }

    @Test
    void aNodeThatDiedHoldingTheLeaseKeepsTheWorkUntilItsLeaseEnds() throws Exception {
        // the dead node's lease, taken and never renewed nor given back (SIGKILL)
        assertTrue(locks(database, "node-dead").lock(new LockConfiguration(Instant.now(), Singletons.LEASE, LEASE, Duration.ZERO)).isPresent());
        long died = System.nanoTime();
        Singletons b = node("node-b", database);
        awaitTrue(b::leading, LEASE.plus(RENEW).plusSeconds(2), "the lease moved to the live node");
        Duration moved = Duration.ofNanos(System.nanoTime() - died);
        assertTrue(moved.compareTo(LEASE) >= 0, "not before the dead node's lease ended: " + moved);
        assertTrue(moved.compareTo(LEASE.plus(RENEW).plusMillis(500)) < 0, "within the lease and one try: " + moved);
    }

    @Test
    void aLeaderThatLosesTheDatabaseStopsBeforeItsLeaseEndsAndAnotherTakesOver() throws Exception {
        Switchable flaky = new Switchable(database);
        Singletons a = node("node-a", flaky);
        awaitTrue(a::leading, Duration.ofSeconds(5), "node-a took the lease");
        Singletons b = node("node-b", database);
        Thread.sleep(500);
        assertFalse(b.leading(), "node-b waits while node-a renews");

        flaky.down.set(true);
        awaitTrue(() -> !a.leading(), LEASE, "node-a gave up the work before its lease ran out");
        awaitTrue(b::leading, LEASE.plus(RENEW).plusSeconds(1), "node-b took over once the lease ended");
        awaitTrue(() -> ticks.stream().anyMatch(t -> t.node().equals("node-b")), Duration.ofSeconds(2), "node-b's route started");
        assertNeverTwoAtOnce();
    }

    @Test
    void anInOrderStateIsReadOnOneNodeAtATimeUnderItsOwnLease() throws Exception {
        // a third node holds the singleton lease: the state's lease is another, free
        assertTrue(locks(database, "node-x").lock(new LockConfiguration(Instant.now(), Singletons.LEASE, Duration.ofMinutes(1), Duration.ZERO)).isPresent());
        Singletons a = node("node-a", database);
        Singletons b = node("node-b", database);
        awaitTrue(() -> inOrderTicks.size() >= 5, Duration.ofSeconds(10), "a node read the in-order state's queue");
        Thread.sleep(1_000);
        assertFalse(a.leading() || b.leading(), "the singleton work is node-x's");
        assertEquals(List.of(), ticks, "no singleton work here");
        List<String> readers = inOrderTicks.stream().map(Tick::node).distinct().toList();
        assertEquals(1, readers.size(), "one node reads the state's queue: " + readers);

        String reader = readers.get(0);
        nodes.get(reader.equals("node-a") ? 0 : 1).stop();
        awaitTrue(() -> inOrderTicks.stream().anyMatch(t -> !t.node().equals(reader)), Duration.ofSeconds(3),
                "the other node reads it once the first stopped");
        assertNeverTwoAtOnce(inOrderTicks);
    }

    @Test
    void aNodeWhoseStateBundleGoesGivesThatStatesLeaseBack() throws Exception {
        node("node-a", database);
        awaitTrue(() -> inOrderTicks.size() >= 3, Duration.ofSeconds(10), "node-a reads the in-order state's queue");
        node("node-b", database);
        Thread.sleep(1_000);
        assertEquals(List.of("node-a"), inOrderTicks.stream().map(Tick::node).distinct().toList(), "node-a alone reads it");

        // the state's bundle stops on node-a (uninstalled, or refreshed): its route goes, node-a keeps running
        nodes.get(0).getRouteController().stopRoute("US-ZZ-receive");
        nodes.get(0).removeRoute("US-ZZ-receive");
        awaitTrue(() -> inOrderTicks.stream().anyMatch(t -> t.node().equals("node-b")), RENEW.multipliedBy(3),
                "node-b reads the state's queue once node-a gave the state's lease back");
        assertNeverTwoAtOnce(inOrderTicks);

        // the bundle comes back on node-a: it waits while node-b holds the lease, and takes over when node-b stops
        addInOrderRoute(nodes.get(0), "node-a-again");
        Thread.sleep(1_000);
        assertFalse(inOrderTicks.stream().anyMatch(t -> t.node().equals("node-a-again")), "node-b still reads it alone");
        nodes.get(1).stop();
        awaitTrue(() -> inOrderTicks.stream().anyMatch(t -> t.node().equals("node-a-again")), RENEW.multipliedBy(3),
                "node-a's new route reads it once node-b gave the lease back");
        assertNeverTwoAtOnce(inOrderTicks);
    }

    @Test
    void aStateBundleAddedWhileItsLeaseIsFreeIsReadAtOnceEveryTime() throws Exception {
        node("node-a", database);
        awaitTrue(() -> inOrderTicks.size() >= 1, Duration.ofSeconds(10), "node-a reads the in-order state's queue");
        DefaultCamelContext camel = nodes.get(0);
        for (int round = 1; round <= 20; round++) {
            // the state's bundle goes and comes back (a refresh): its lease is given back, then free for the new route
            camel.getRouteController().stopRoute("US-ZZ-receive");
            camel.removeRoute("US-ZZ-receive");
            String as = "node-a-round-" + round;
            addInOrderRoute(camel, as);
            // the policy knew the lease was this node's when it initialised the route, so Camel started the route with
            // the others; had the lease arrived during that step, the route would have stayed stopped with the lease held
            assertTrue(camel.getRoute("US-ZZ-receive").isAutoStartup(), "round " + round + ": lease known when the route was added");
            assertTrue(camel.getRouteController().getRouteStatus("US-ZZ-receive").isStarted(), "round " + round + ": the route runs");
            awaitTrue(() -> inOrderTicks.stream().anyMatch(t -> t.node().equals(as)), Duration.ofSeconds(2), "round " + round + ": read");
        }
    }

    private void assertNeverTwoAtOnce() {
        assertNeverTwoAtOnce(ticks);
    }

    /** Between one node's first tick and its last, no other node ticked. */
    private static void assertNeverTwoAtOnce(List<Tick> ticks) {
        List<String> order = ticks.stream().map(Tick::node).toList();
        List<String> runs = new java.util.ArrayList<>();
        for (String node : order) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(node)) {
                runs.add(node);
            }
        }
        assertEquals(runs.stream().distinct().toList(), runs, "each node ran the singleton work in one stretch, never interleaved: " + runs);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A DataSource that can be cut off from its database, as when the network to PostgreSQL goes. */
    private static final class Switchable implements DataSource {
        final AtomicBoolean down = new AtomicBoolean();
        private final DataSource target;

        Switchable(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLException("connection refused (test)", "08001");
            }
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}

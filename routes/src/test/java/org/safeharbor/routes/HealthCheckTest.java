package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.routes.JurisdictionRegistry.ActiveJurisdiction;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The /health report, computed from suppliers the test controls. */
class HealthCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ActiveJurisdiction> ONE_JURISDICTION = List.of(
            new ActiveJurisdiction(Jurisdiction.of("US-ZZ"), "Test state ZZ", List.of("in-US-ZZ", "out-US-ZZ")));

    private DefaultCamelContext camel;
    private JdbcDataSource h2;
    private final Set<String> sandboxes = new TreeSet<>();
    private final AtomicBoolean production = new AtomicBoolean();

    @BeforeEach
    void setUp() throws Exception {
        camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("health-test");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:any").routeId("any").log("any");
            }
        });
        camel.start();
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:health;DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void tearDown() {
        camel.stop();
    }

    private HealthCheck.Result check(boolean brokerUp, DataSource dataSource, List<ActiveJurisdiction> jurisdictions) {
        return new HealthCheck(camel, () -> brokerUp, () -> dataSource, () -> jurisdictions, () -> Set.copyOf(sandboxes),
                production::get).check();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> part(HealthCheck.Result result, String key) {
        return (Map<String, Object>) result.body().get(key);
    }

    @Test
    void everythingUp() {
        HealthCheck.Result result = check(true, h2, ONE_JURISDICTION);

        assertTrue(result.up());
        assertEquals("UP", result.body().get("status"));

        assertEquals(false, result.body().get("sandbox"));
        assertEquals(List.of(), result.body().get("sandboxes"));

        // component states only: no name, URL, host, product or queue
        assertEquals(Map.of("status", "UP", "state", "Started", "routes", 1), part(result, "camelContext"));
        assertEquals(Map.of("status", "UP"), part(result, "broker"));
        assertEquals(Map.of("status", "UP"), part(result, "database"));
        assertEquals(List.of(Map.of("code", "US-ZZ", "name", "Test state ZZ", "routes", 2)),
                result.body().get("jurisdictions"));
    }

    @Test
    void noJurisdictionIsNotAnError() {
        // Referrals then wait on their queues: the adapter itself is healthy.
        HealthCheck.Result result = check(true, h2, List.of());

        assertTrue(result.up());
        assertEquals(List.of(), result.body().get("jurisdictions"));
    }

    @Test
    void brokerDownMakesEverythingDown() {
        HealthCheck.Result result = check(false, h2, ONE_JURISDICTION);

        assertFalse(result.up());
        assertEquals("DOWN", result.body().get("status"));
        assertEquals("DOWN", part(result, "broker").get("status"));
        // The other parts are still reported as they are.
        assertEquals("UP", part(result, "camelContext").get("status"));
        assertEquals("UP", part(result, "database").get("status"));
    }

    @Test
    void missingDataSourceIsDatabaseDownWithAReason() {
        HealthCheck.Result result = check(true, null, ONE_JURISDICTION);

        assertFalse(result.up());
        assertEquals("DOWN", result.body().get("status"));
        Map<String, Object> database = part(result, "database");
        assertEquals("DOWN", database.get("status"));
        assertEquals("no DataSource service", database.get("reason"));
    }

    @Test
    void failingDataSourceIsDatabaseDown() {
        // A DataSource whose every call (getConnection included) fails, like a pool whose database is gone.
        DataSource broken = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new SQLException("connection refused: secret-host:5432 user=admin");
                });

        HealthCheck.Result result = check(true, broken, ONE_JURISDICTION);

        assertFalse(result.up());
        Map<String, Object> database = part(result, "database");
        assertEquals("DOWN", database.get("status"));
        // Only the exception type is reported: the message may name hosts or users.
        assertEquals("SQLException", database.get("reason"));
    }

    @Test
    void stoppedCamelContextIsDown() {
        camel.stop();

        HealthCheck.Result result = check(true, h2, ONE_JURISDICTION);

        assertFalse(result.up());
        assertEquals("DOWN", result.body().get("status"));
        Map<String, Object> camelPart = part(result, "camelContext");
        assertEquals("DOWN", camelPart.get("status"));
        assertEquals("Stopped", camelPart.get("state"));
    }

    @Test
    void bodyHasExactlyTheDocumentedTopLevelKeys() {
        // Checked for both outcomes: a DOWN report must not drop or add sections.
        Set<String> expected = Set.of("status", "sandbox", "sandboxes", "camelContext", "intake", "broker", "database", "jurisdictions",
                "waitingFor");

        assertEquals(expected, check(true, h2, ONE_JURISDICTION).body().keySet());
        assertEquals(expected, check(false, null, List.of()).body().keySet());
        assertEquals(expected, Set.copyOf(HealthCheck.KEYS));
    }

    @Test
    void reportNamesNoUrlHostUserOrProduct() throws Exception {
        // the database fails with a message naming its host and user, like a real driver would
        DataSource broken = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new SQLException("jdbc:postgresql://db.internal.example:5432/safeharbor user=safeharbor refused");
                });
        for (HealthCheck.Result result : List.of(check(true, h2, ONE_JURISDICTION), check(false, broken, ONE_JURISDICTION))) {
            String json = JSON.writeValueAsString(result.body());
            for (String leak : List.of("amqp", "jdbc", "://", "example", "5432", "5672", "127.0.0.1", "localhost", "user",
                    "H2", "PostgreSQL", "referrals.")) {
                assertFalse(json.contains(leak), leak + " in " + json);
            }
        }
    }

    @Test
    void sandboxComponentsAreReportedWithTheirJurisdictions() {
        sandboxes.add("US-MA");
        sandboxes.add("US-IL");

        HealthCheck.Result result = check(true, h2, ONE_JURISDICTION);

        // outside production the sandbox is allowed, and marked
        assertTrue(result.up());
        assertEquals("UP", result.body().get("status"));
        assertEquals(true, result.body().get("sandbox"));
        assertEquals(List.of("US-IL", "US-MA"), result.body().get("sandboxes"));
        assertFalse(result.body().containsKey("reason"));
    }

    @Test
    void productionProfileWithASandboxComponentIsDown() {
        production.set(true);
        assertTrue(check(true, h2, ONE_JURISDICTION).up(), "production without sandbox is UP");

        sandboxes.add("US-MA");
        HealthCheck.Result result = check(true, h2, ONE_JURISDICTION);

        assertFalse(result.up());
        assertEquals("DOWN", result.body().get("status"));
        assertEquals(true, result.body().get("sandbox"));
        assertEquals(List.of("US-MA"), result.body().get("sandboxes"));
        assertEquals("sandbox components in the production profile", result.body().get("reason"));
        // every component is still UP: it is the combination that is refused
        assertEquals("UP", part(result, "camelContext").get("status"));
        assertEquals("UP", part(result, "broker").get("status"));
        assertEquals("UP", part(result, "database").get("status"));

        sandboxes.clear();
        assertTrue(check(true, h2, ONE_JURISDICTION).up(), "UP again once the sandbox is gone");
    }

    private HealthCheck readiness(AtomicBoolean intake, List<String> waiting) {
        return new HealthCheck(camel, () -> true, () -> h2, () -> ONE_JURISDICTION, () -> Set.copyOf(sandboxes), production::get,
                intake::get, () -> waiting);
    }

    @Test
    void notReadyUntilTheIntakeIsMounted() {
        AtomicBoolean intake = new AtomicBoolean(false);
        HealthCheck health = readiness(intake, List.of());
        HealthCheck.Result before = health.check();
        assertFalse(before.up(), "a load balancer must not send hospitals to a /fhir that is not answering");
        assertEquals("DOWN", part(before, "intake").get("status"));
        assertTrue(health.live().up(), "alive meanwhile: nothing to restart");

        intake.set(true);
        assertTrue(health.check().up());
        assertEquals("UP", part(health.check(), "intake").get("status"));
    }

    @Test
    void theProductionProfileRefusesShippedPlaceholderPasswordsTheStandardOneDoesNot() {
        List<String> placeholders = List.of("org.ops4j.datasource~safeharbor password");
        HealthCheck health = new HealthCheck(camel, () -> true, () -> h2, () -> ONE_JURISDICTION, () -> Set.copyOf(sandboxes), production::get,
                () -> true, List::of, () -> placeholders);
        assertTrue(health.check().up(), "the demo's profile does not look");
        production.set(true);
        HealthCheck.Result refused = health.check();
        assertFalse(refused.up());
        assertEquals("shipped placeholder secrets or a sandbox trust store in the production profile", refused.body().get("reason"));
        assertFalse(refused.body().toString().contains("datasource"), "which configuration is in the log, not in /health: it answers anyone");
        assertEquals("UP", part(refused, "database").get("status"), "every component UP: the configuration is refused");
    }

    @Test
    void notReadyWhileAnInstalledJurisdictionComponentWaits() {
        HealthCheck.Result result = readiness(new AtomicBoolean(true), List.of("org.safeharbor.jurisdiction.us.zz.ZzAdapter")).check();
        assertFalse(result.up());
        assertEquals(List.of("org.safeharbor.jurisdiction.us.zz.ZzAdapter"), result.body().get("waitingFor"));
        assertTrue(readiness(new AtomicBoolean(true), List.of()).check().up());
    }

    @Test
    void livenessAsksNothingOutsideTheProcess() {
        HealthCheck health = new HealthCheck(camel, () -> false, () -> null, List::of, Set::of, () -> false);
        assertFalse(health.check().up(), "broker and database down: not ready");
        assertTrue(health.live().up(), "but alive");
        assertEquals(Map.of("status", "UP"), health.live().body());
        camel.stop();
        assertFalse(health.live().up());
    }
}

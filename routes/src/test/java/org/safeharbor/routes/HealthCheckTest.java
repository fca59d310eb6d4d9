package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.routes.JurisdictionRegistry.ActiveJurisdiction;

/** The /health report, computed from suppliers the test controls. */
class HealthCheckTest {

    private static final String BROKER_URL = "amqp://broker.test:5672";
    private static final List<ActiveJurisdiction> ONE_JURISDICTION = List.of(
            new ActiveJurisdiction(Jurisdiction.of("US-ZZ"), "Test state ZZ", List.of("in-US-ZZ", "out-US-ZZ")));

    private DefaultCamelContext camel;
    private JdbcDataSource h2;

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
        return new HealthCheck(camel, () -> brokerUp, BROKER_URL, () -> dataSource, () -> jurisdictions).check();
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

        Map<String, Object> camelPart = part(result, "camelContext");
        assertEquals("UP", camelPart.get("status"));
        assertEquals("health-test", camelPart.get("name"));
        assertEquals("Started", camelPart.get("state"));
        assertEquals(1, camelPart.get("routes"));

        Map<String, Object> broker = part(result, "broker");
        assertEquals("UP", broker.get("status"));
        assertEquals(BROKER_URL, broker.get("url"));

        Map<String, Object> database = part(result, "database");
        assertEquals("UP", database.get("status"));
        assertEquals("H2", database.get("product"));

        assertEquals(List.of(Map.of("code", "US-ZZ", "name", "Test state ZZ", "queue", "referrals.US-ZZ", "routes", 2)),
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
        assertNotNull(database.get("reason"));
        assertTrue(String.valueOf(database.get("reason")).contains("safeharbor"), database.toString());
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
        Set<String> expected = Set.of("status", "camelContext", "broker", "database", "jurisdictions");

        assertEquals(expected, check(true, h2, ONE_JURISDICTION).body().keySet());
        assertEquals(expected, check(false, null, List.of()).body().keySet());
    }
}

package org.safeharbor.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.safeharbor.store.MessageStore;
import org.safeharbor.tck.ConfigProxies;

/**
 * A team's file in Karaf: the shipped sandbox file is off without its jurisdiction's sandbox and on with it (taking the
 * receiver's URL); a file pointing at this machine is refused unless that jurisdiction's sandbox runs, as the
 * production profile, which refuses every sandbox, leaves it.
 */
class CoordinationTeamTest {

    private static final RetryConfig RETRY = ConfigProxies.defaults(RetryConfig.class);
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final JdbcDataSource h2 = new JdbcDataSource();
    private final MessageStore store;

    CoordinationTeamTest() {
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    /** The shipped etc/org.safeharbor.coordination.team-ma-seen.cfg: off, url blank. */
    private static CoordinationTeam.Config shipped(Map<String, Object> more) {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("name", "ma-seen", "jurisdiction", "US-MA", "kind", "case-coordinator",
                "contact", "Sandbox hospital social work on call, 555-0100"));
        values.putAll(more);
        return ConfigProxies.of(CoordinationTeam.Config.class, values);
    }

    /** A running sandbox peer of {@code jurisdiction}, as DS hands it over (its properties, the service). */
    private static Map.Entry<Map<String, Object>, SandboxPeer> peer(String jurisdiction, Map<String, String> settings) {
        return Map.entry(Map.of(SandboxPeer.MARKER, jurisdiction), () -> settings);
    }

    private List<String> routeIds() {
        return camel.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class).getRouteDefinitions().stream()
                .map(RouteDefinition::getRouteId).toList();
    }

    @Test
    void theShippedFileIsOffWithoutItsSandboxAndOnWithIt() throws Exception {
        new CoordinationTeam(shipped(Map.of()), RETRY, camel, h2, store, List.of(peer("US-IL", Map.of("coordinationUrl", "https://localhost:1/x"))));
        assertEquals(List.of(), routeIds(), "no US-MA sandbox: off");

        new CoordinationTeam(shipped(Map.of()), RETRY, camel, h2, store,
                List.of(peer("US-MA", Map.of("coordinationUrl", "https://localhost:9443/seen/fhir", "reportUrl", "https://localhost:9443/dcf"))));
        List<String> ids = routeIds();
        assertTrue(ids.containsAll(List.of("US-MA-coordination-ma-seen-notices", "US-MA-coordination-ma-seen-notice-attempt",
                "US-MA-coordination-ma-seen-notice-sweep", "US-MA-coordination-ma-seen-notice-send", "US-MA-coordination-ma-seen-watch")), ids.toString());
        String send = camel.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class)
                .getRouteDefinition("US-MA-coordination-ma-seen-notice-send").toString();
        assertTrue(send.contains("us-ma-coordination-ma-seen-https://localhost:9443/seen/fhir/Communication"), send);
    }

    @Test
    void aUrlOnThisMachineIsRefusedUnlessTheJurisdictionsSandboxRuns() {
        Map<String, Object> local = Map.of("enabled", true, "url", "https://localhost:9443/seen/fhir");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new CoordinationTeam(shipped(local), RETRY, camel, h2, store, List.of()));
        assertTrue(refused.getMessage().startsWith("org.safeharbor.coordination.team-ma-seen: url is on this machine"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CoordinationTeam(shipped(local), RETRY, camel, h2, store,
                List.of(peer("US-IL", Map.of()))), "another state's sandbox does not count");
        assertThrows(IllegalArgumentException.class, () -> new CoordinationTeam(shipped(Map.of("enabled", true, "url", "https://seen.example.org/fhir",
                "fields", new String[] {"CHILD_NAME"})), RETRY, camel, h2, store, List.of()), "fields without a lawful basis");
    }
}

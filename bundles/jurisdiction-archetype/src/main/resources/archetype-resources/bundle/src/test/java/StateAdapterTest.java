package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.SharedCode;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.RetryConfig;
import org.safeharbor.jurisdiction.support.v1.StateConceptMap;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.SandboxFreeBundle;

/** What the production bundle promises besides the kit: its configuration is checked, its ConceptMap drives its codes. */
class StateAdapterTest {

    /** The adapter's configuration: an operator's intake URL (the bundle ships none), these values over it, the defaults. */
    static StateAdapter.Config config(Map<String, Object> values) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("intakeUrl", "https://intake.example.gov/reports"));
        all.putAll(values);
        return ConfigProxies.of(StateAdapter.Config.class, all, RetryConfig.class);
    }

    /** The adapter with these values, its retry policy read from them as DS reads the kit's RetryConfig from the cfg. */
    static StateAdapter adapter(Map<String, Object> values) {
        return new StateAdapter(config(values), Redelivery.of(StateAdapter.PID, ConfigProxies.of(RetryConfig.class, values,
                StateAdapter.Config.class)));
    }

    @Test
    void withoutAnIntakeUrlTheRouteDoesNotStart() throws Exception {
        StateAdapter adapter = new StateAdapter(config(Map.of("intakeUrl", "")));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> adapter.configure(new RouteBuilder(camel) {
                @Override
                public void configure() {
                }
            }, "direct:${jurisdiction}-deliver"));
            assertTrue(refused.getMessage().contains("intakeUrl"), refused.getMessage());
        }
    }

    @Test
    void onlyAnHttpsIntakeIsAccepted() throws Exception {
        StateAdapter adapter = new StateAdapter(config(Map.of("intakeUrl", "http://intake.example.gov/reports")));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            RouteBuilder routes = new RouteBuilder(camel) {
                @Override
                public void configure() {
                }
            };
            assertThrows(IllegalArgumentException.class, () -> adapter.configure(routes, "direct:${jurisdiction}-deliver"));
        }
    }

    @Test
    void aBadValueFailsTheActivationNamingItsKey() {
        for (String key : new String[] {"deliveryClock", "connectTimeout", "redeliveryDelay"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter(Map.of(key, "24h")));
            assertTrue(e.getMessage().contains(StateAdapter.PID + ": " + key), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new StateAdapter(config(Map.of("trustStore", "/no/such/trust.p12"))));
    }

    @Test
    void theBundleCarriesNoSandboxNorKey() {
        SandboxFreeBundle.assertSandboxFree(Path.of("target", "classes"));
    }

    @Test
    void theConceptMapMapsEveryTypeOfTheSharedCodeToAStateCode() throws Exception {
        JsonNode map;
        try (InputStream in = StateJsonFormat.class.getClassLoader().getResourceAsStream(StateJsonFormat.CONCEPT_MAP)) {
            map = new ObjectMapper().readTree(in);
        }
        assertEquals("ConceptMap", map.path("resourceType").asText());
        assertTrue(map.path("description").asText().contains("REFERENCE DESIGN"));
        StateConceptMap codes = StateConceptMap.load(StateJsonFormat.class, StateJsonFormat.CONCEPT_MAP); // no gap
        for (AllegationType type : AllegationType.values()) {
            String code = codes.translate(Allegation.of(type, Certainty.SUSPECTED)).orElseThrow().of(AllegationType.class);
            assertEquals(Optional.of(type), codes.reverse(AllegationType.class, code), "one state code per type: " + code);
        }
        for (JsonNode group : map.path("group")) {
            assertEquals(SharedCode.SYSTEM, group.path("source").asText());
            for (JsonNode element : group.path("element")) {
                element.path("target").forEach(target -> assertTrue(!target.path("comment").asText().isBlank(),
                        "a row without its source: " + element.path("code")));
            }
        }
    }
}

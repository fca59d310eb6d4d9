package ${package};

import java.util.Map;

import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.tck.JurisdictionConformanceTest;

/** The conformance kit against the ${jurisdiction} adapter with its default configuration. */
class StateConformanceTest extends JurisdictionConformanceTest {

    private static final StateAdapter ADAPTER = new StateAdapter(TestConfig.with(Map.of()));

    @Override
    protected JurisdictionAdapter adapter() {
        return ADAPTER;
    }
}

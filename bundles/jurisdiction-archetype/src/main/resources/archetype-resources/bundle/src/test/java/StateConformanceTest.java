package ${package};

import java.util.Map;

import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.tck.ConfigProxies;
import org.safeharbor.tck.JurisdictionConformanceTest;

/** The conformance kit against the ${jurisdiction} adapter with its default configuration. */
class StateConformanceTest extends JurisdictionConformanceTest {

    /** As an operator configures it: an intake URL (the bundle ships none), every other value at its default. */
    private static final StateAdapter ADAPTER = new StateAdapter(ConfigProxies.of(StateAdapter.Config.class,
            Map.of("intakeUrl", "https://intake.example.gov/reports")));

    @Override
    protected JurisdictionAdapter adapter() {
        return ADAPTER;
    }
}

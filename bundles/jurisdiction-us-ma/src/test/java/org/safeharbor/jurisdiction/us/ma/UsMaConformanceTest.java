package org.safeharbor.jurisdiction.us.ma;

import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.tck.JurisdictionConformanceTest;

/** The conformance kit against the Massachusetts adapter with its default configuration. */
class UsMaConformanceTest extends JurisdictionConformanceTest {

    private final MassachusettsAdapter adapter = TestConfig.adapter(TestConfig.defaults(), new RecordingReporter());

    @Override
    protected JurisdictionAdapter adapter() {
        return adapter;
    }
}

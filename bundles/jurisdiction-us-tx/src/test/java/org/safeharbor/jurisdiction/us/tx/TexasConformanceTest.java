package org.safeharbor.jurisdiction.us.tx;

import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.tck.JurisdictionConformanceTest;

/** The conformance kit against the Texas adapter with its default configuration. */
class TexasConformanceTest extends JurisdictionConformanceTest {

    private static final TexasAdapter ADAPTER = new TexasAdapter(TestSupport.defaults(), new TestSupport.RecordingReporter());

    @Override
    protected JurisdictionAdapter adapter() {
        return ADAPTER;
    }
}

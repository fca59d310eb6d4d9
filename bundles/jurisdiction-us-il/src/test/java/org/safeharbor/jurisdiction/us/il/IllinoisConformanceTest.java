package org.safeharbor.jurisdiction.us.il;

import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.tck.JurisdictionConformanceTest;
import org.safeharbor.tck.RecordingStatusReporter;
import org.safeharbor.jurisdiction.support.v1.Redelivery;

/** The project's conformance kit against the Illinois adapter with its default configuration. */
class IllinoisConformanceTest extends JurisdictionConformanceTest {

    private static final IllinoisAdapter ADAPTER = new IllinoisAdapter(Configs.adapter(), Redelivery.DEFAULT, new RecordingStatusReporter(), true);

    @Override
    protected JurisdictionAdapter adapter() {
        return ADAPTER;
    }
}

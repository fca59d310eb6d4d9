package org.safeharbor.jurisdiction.us.tx;

import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.tck.JurisdictionConformanceTest;
import org.safeharbor.tck.RecordingStatusReporter;

/** The conformance kit against the Texas adapter with its default configuration. */
class TexasConformanceTest extends JurisdictionConformanceTest {

    private static final TexasAdapter ADAPTER = new TexasAdapter(TestSupport.defaults(), Redelivery.DEFAULT, new RecordingStatusReporter());

    @Override
    protected JurisdictionAdapter adapter() {
        return ADAPTER;
    }

    /** Texas' reading of a perpetrator (CPS Handbook §2380), which its format and routes follow. */
    @Override
    protected CaregiverStatus caregiverStatus(PerpetratorRelation relation) {
        return TexasRules.caregiverStatus(relation);
    }
}

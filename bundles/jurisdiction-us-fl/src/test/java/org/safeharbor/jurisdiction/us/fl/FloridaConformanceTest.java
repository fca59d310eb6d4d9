package org.safeharbor.jurisdiction.us.fl;

import java.time.Clock;

import org.junit.jupiter.api.AfterAll;
import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.tck.JurisdictionConformanceTest;
import org.safeharbor.tck.RecordingStatusReporter;

/** The conformance kit against Florida with its default configuration (placeholder category codes). */
class FloridaConformanceTest extends JurisdictionConformanceTest {

    /** The format only: no route, so no database. */
    private static final FloridaAdapter ADAPTER = new FloridaAdapter(TestConfigs.florida(), new RecordingStatusReporter(), null,
            Clock.systemUTC(), true);

    @AfterAll
    static void close() {
        ADAPTER.deactivate();
    }

    @Override
    protected JurisdictionAdapter adapter() {
        return ADAPTER;
    }

    /** Florida's own reading (other family members, multiple and unknown perpetrators: undetermined by default). */
    @Override
    protected CaregiverStatus caregiverStatus(PerpetratorRelation relation) {
        return ((FloridaFormat) ADAPTER.format()).categories().caregiverStatus(relation);
    }
}

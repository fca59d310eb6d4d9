package org.safeharbor.jurisdiction.us.fl;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.safeharbor.api.v1.CaregiverStatus;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.tck.JurisdictionConformanceTest;
import org.safeharbor.tck.RecordingStatusReporter;

/** The conformance kit against Florida with its default configuration (placeholder category codes). */
class FloridaConformanceTest extends JurisdictionConformanceTest {

    private static final FloridaAdapter ADAPTER = new FloridaAdapter(
            TestConfigs.florida(Map.of("spoolDirectory", Path.of("target", "conformance-spool").toString())),
            new RecordingStatusReporter());

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

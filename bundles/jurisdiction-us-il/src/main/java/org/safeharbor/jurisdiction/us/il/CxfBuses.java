package org.safeharbor.jurisdiction.us.il;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;

/** A private CXF bus for one component, so that no component shares, or shuts down, another's bus. */
public final class CxfBuses {

    private CxfBuses() {
    }

    /** A new bus that is not left behind as CXF's process-wide or thread default. */
    public static Bus create() {
        return IntakeXml.withRuntimeClassLoader(() -> {
            Bus bus = BusFactory.newInstance().createBus();
            // createBus() makes the first bus of the JVM the default one: undo that
            BusFactory.clearDefaultBusForAnyThread(bus);
            if (BusFactory.getDefaultBus(false) == bus) {
                BusFactory.setDefaultBus(null);
            }
            return bus;
        });
    }
}

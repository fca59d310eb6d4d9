package org.safeharbor.jurisdiction.us.ma;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.api.v1.StatusUpdate;

/** The core's StatusReporter, as the tests see it: every update, in order. */
class RecordingReporter extends org.safeharbor.tck.RecordedAttempts {

    final List<StatusUpdate> updates = new CopyOnWriteArrayList<>();

    @Override
    public void report(StatusUpdate update) {
        updates.add(update);
    }
}

package org.safeharbor.jurisdiction.us.ma;

import org.safeharbor.jurisdiction.support.v1.HttpsClient;

/**
 * The configured endpoints: DCF's intake and the two recipients of the Department's notices. https only, in every case
 * (a report holds a child's personal data); no host is refused, so an https endpoint on this machine's loopback (a
 * local TLS proxy to DCF, trusted through the operator's trust store) is the operator's choice.
 */
record DcfEndpoints(String report, String districtAttorney, String lawEnforcement) {

    /** @throws IllegalArgumentException naming the key of a URL that is not https */
    static DcfEndpoints of(MassachusettsConfig config) {
        String pid = MassachusettsAdapter.PID;
        return new DcfEndpoints(HttpsClient.configuredUrl(pid, "reportUrl", config.reportUrl()),
                HttpsClient.configuredUrl(pid, "districtAttorneyUrl", config.districtAttorneyUrl()),
                HttpsClient.configuredUrl(pid, "lawEnforcementUrl", config.lawEnforcementUrl()));
    }

    /** Why the routes may not start (no report URL, or notices on without both notice URLs), or null when they may. */
    String refusal(boolean noticesOn) {
        String missing = report.isBlank() ? "reportUrl" : !noticesOn ? null
                : districtAttorney.isBlank() ? "districtAttorneyUrl" : lawEnforcement.isBlank() ? "lawEnforcementUrl" : null;
        return missing == null ? null : MassachusettsAdapter.CODE + ": no " + missing + " configured: set DCF's https endpoints in etc/"
                + MassachusettsAdapter.PID + ".cfg (or install the safeharbor-sandbox feature, whose peer supplies them); no report goes to Massachusetts";
    }
}

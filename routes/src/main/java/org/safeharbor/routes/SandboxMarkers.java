package org.safeharbor.routes;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which sandbox components are present: every OSGi service, of any class, with the service property
 * {@value #PROPERTY}{@code =<jurisdiction code>} (the simulated state servers of feature
 * {@code safeharbor-sandbox} register one each). {@code /health} reports them ({@code "sandbox": true}).
 *
 * <p>The first one to appear is logged once as a WARN. In the production profile every one that
 * appears is logged as an ERROR, and {@link HealthCheck} reports DOWN while any is present: the
 * production profile refuses to run with the sandbox.
 */
public final class SandboxMarkers {

    /** The service property a sandbox component carries: its jurisdiction code, e.g. {@code US-MA}. */
    public static final String PROPERTY = "safeharbor.sandbox";
    /** The filter that finds every sandbox component. */
    public static final String FILTER = "(" + PROPERTY + "=*)";

    private static final Logger DEFAULT_LOG = LoggerFactory.getLogger(SandboxMarkers.class);

    private volatile boolean production;
    private final Logger log;
    private final Map<Object, String> present = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    public SandboxMarkers(boolean production) {
        this(production, DEFAULT_LOG);
    }

    SandboxMarkers(boolean production, Logger log) {
        this.production = production;
        this.log = log;
    }

    /** A sandbox component appeared; {@code key} identifies it (its service reference). */
    public void added(Object key, String jurisdiction) {
        String code = jurisdiction == null || jurisdiction.isBlank() ? "?" : jurisdiction.trim();
        present.put(key, code);
        if (warned.compareAndSet(false, true)) {
            log.warn("SANDBOX components are running ({} first): simulated state systems on localhost, /health says"
                    + " \"sandbox\": true. Never for real referrals.", code);
        }
        if (production) {
            log.error("Sandbox component for {} in the PRODUCTION profile (etc/org.safeharbor.profile.cfg): refused,"
                    + " /health is DOWN until it is gone (feature:uninstall safeharbor-sandbox, and remove"
                    + " safeharbor-sandbox-on.xml from deploy/)", code);
        }
    }

    public void removed(Object key) {
        String code = present.remove(key);
        if (code != null) {
            log.info("Sandbox component for {} gone; sandbox components left: {}", code, jurisdictions());
        }
    }

    /** The jurisdictions with a sandbox component present, sorted. */
    public Set<String> jurisdictions() {
        return new TreeSet<>(present.values());
    }

    public boolean production() {
        return production;
    }

    /** Switches the production profile on or off; on, with sandbox components present, logs them as an ERROR. */
    public void setProduction(boolean production) {
        boolean was = this.production;
        this.production = production;
        if (production && !was && !present.isEmpty()) {
            log.error("PRODUCTION profile with sandbox components present for {}: refused, /health is DOWN until they are gone"
                    + " (feature:uninstall safeharbor-sandbox)", jurisdictions());
        }
    }

    /**
     * Tracks every service matching {@value #FILTER}, whatever its class and whichever bundle
     * registered it (without getting the service object). Close the tracker when done.
     */
    public ServiceTracker<Object, String> track(BundleContext context) throws InvalidSyntaxException {
        ServiceTracker<Object, String> tracker = new ServiceTracker<>(context, context.createFilter(FILTER),
                new ServiceTrackerCustomizer<>() {
                    @Override
                    public String addingService(ServiceReference<Object> reference) {
                        String code = String.valueOf(reference.getProperty(PROPERTY));
                        added(reference, code);
                        return code;
                    }

                    @Override
                    public void modifiedService(ServiceReference<Object> reference, String code) {
                        present.put(reference, String.valueOf(reference.getProperty(PROPERTY)));
                    }

                    @Override
                    public void removedService(ServiceReference<Object> reference, String code) {
                        removed(reference);
                    }
                });
        tracker.open(true);
        return tracker;
    }
}

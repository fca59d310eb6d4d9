package org.safeharbor.console;

import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the operator console at {@code /console} on the core's HTTPS server (a {@code jakarta.servlet.Servlet}
 * service with {@code safeharbor.http.path=/console/*}, as the FHIR intake mounts {@code /fhir/*}), with the message
 * store, the replay service and the core's metrics registry the shell's commands and {@code /metrics} use; it tracks
 * the installed jurisdiction bundles and the sandbox markers for the overview.
 */
@Component(immediate = true)
public class ConsoleComponent {

    static final String PATH = "/console/*";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleComponent.class);

    /** The jurisdiction adapters' bundles, by jurisdiction code. */
    private final Map<String, Bundle> adapters = new ConcurrentHashMap<>();
    /** The jurisdictions whose sandbox peer runs. */
    private final Map<Object, String> sandboxes = new ConcurrentHashMap<>();
    private final ServiceRegistration<Servlet> registration;
    private final ConsoleServlet servlet;

    @Activate
    public ConsoleComponent(@Reference MessageStore store, @Reference ReferralReplay replay, @Reference MeterRegistry meters,
                            BundleContext context) {
        ConsoleData data = new ConsoleData(store, replay, gauges(meters), this::bundles, Clock.systemUTC());
        servlet = new ConsoleServlet(new JaasRealm(JaasRealm.KARAF), new Sessions(Clock.systemUTC()), data, replay, store);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("safeharbor.http.path", PATH);
        registration = context.registerService(Servlet.class, servlet, properties);
        LOG.info("Operator console at /console (Karaf realm '{}'; roles viewer, operator, auditor)", JaasRealm.KARAF);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        // the bulk replays running in the background stop with the bundle
        servlet.close();
    }

    @Reference(service = JurisdictionAdapter.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAdapter(ServiceReference<JurisdictionAdapter> ref) {
        Object code = ref.getProperty(org.safeharbor.api.v1.Jurisdiction.SERVICE_PROPERTY);
        if (code != null) {
            adapters.put(String.valueOf(code), ref.getBundle());
        }
    }

    void unbindAdapter(ServiceReference<JurisdictionAdapter> ref) {
        Object code = ref.getProperty(org.safeharbor.api.v1.Jurisdiction.SERVICE_PROPERTY);
        if (code != null) {
            adapters.remove(String.valueOf(code), ref.getBundle());
        }
    }

    /** A sandbox peer's marker ({@code SandboxPeer}, property {@code safeharbor.sandbox=US-XX}), whatever its class. */
    @Reference(service = Object.class, target = "(safeharbor.sandbox=*)", cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindSandbox(ServiceReference<Object> ref) {
        sandboxes.put(ref.getProperty("service.id"), String.valueOf(ref.getProperty("safeharbor.sandbox")));
    }

    void unbindSandbox(ServiceReference<Object> ref) {
        sandboxes.remove(ref.getProperty("service.id"));
    }

    private Map<String, ConsoleData.BundleState> bundles() {
        Map<String, ConsoleData.BundleState> out = new TreeMap<>();
        adapters.forEach((code, bundle) -> out.put(code, new ConsoleData.BundleState(state(bundle), sandboxes.containsValue(code))));
        return out;
    }

    private static String state(Bundle bundle) {
        return switch (bundle == null ? 0 : bundle.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            default -> "gone";
        };
    }

    /** The core's queue gauges as {@code /metrics} serves them (read from the broker every 15 s by the core). */
    static ConsoleData.Gauges gauges(MeterRegistry meters) {
        return new ConsoleData.Gauges() {
            @Override
            public Double depth(String jurisdiction, String queue) {
                Gauge g = meters.find("safeharbor.queue.depth").tag("jurisdiction", jurisdiction).tag("queue", queue).gauge();
                return g == null ? null : g.value();
            }

            @Override
            public Double consumers(String jurisdiction) {
                Gauge g = meters.find("safeharbor.queue.consumers").tag("jurisdiction", jurisdiction).gauge();
                return g == null ? null : g.value();
            }
        };
    }
}

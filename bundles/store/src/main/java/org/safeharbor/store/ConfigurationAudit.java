package org.safeharbor.store;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.safeharbor.api.v1.Jurisdiction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in the audit trail every change of the adapter's configuration ({@code etc/org.safeharbor.*.cfg}, e.g. a
 * jurisdiction's {@code org.safeharbor.jurisdiction.us.il}): its PID, the jurisdiction it belongs to, whether it was
 * updated or deleted, and the names of the keys whose values changed, never the values (they hold endpoints and
 * credentials). Configuration Admin does not say who made the change; the Karaf shell's own log does.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public class ConfigurationAudit implements ConfigurationListener {

    static final String PREFIX = "org.safeharbor.";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationAudit.class);
    /** Keys Karaf and Configuration Admin set themselves. */
    private static final List<String> HOUSEKEEPING = List.of("service.pid", "service.factoryPid", "felix.fileinstall.filename",
            "service.bundleLocation");

    private final AuditLog audit;
    private final ConfigurationAdmin admin;
    /** What each PID's keys held when last seen, as hashes of their values (to name the keys that changed). */
    private final Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();

    @Activate
    public ConfigurationAudit(@Reference AuditLog audit, @Reference ConfigurationAdmin admin) {
        this.audit = audit;
        this.admin = admin;
        try {
            Configuration[] all = admin.listConfigurations("(service.pid=" + PREFIX + "*)");
            for (Configuration configuration : all == null ? new Configuration[0] : all) {
                seen.put(configuration.getPid(), fingerprint(configuration.getProperties()));
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Cannot list the configurations to audit their changes: {}", e.getClass().getSimpleName());
        }
    }

    ConfigurationAudit(AuditLog audit) {
        this.audit = audit;
        this.admin = null;
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String pid = event.getPid();
        if (pid == null || !pid.startsWith(PREFIX)) {
            return;
        }
        try {
            if (event.getType() == ConfigurationEvent.CM_DELETED) {
                deleted(pid);
            } else if (event.getType() == ConfigurationEvent.CM_UPDATED) {
                Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
                updated(pid, found == null || found.length == 0 ? null : found[0].getProperties());
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            // an audit record that cannot be written must be seen: the change itself has happened
            LOG.error("Configuration {} changed but the change could not be recorded in the audit trail: {}", pid,
                    e.getClass().getSimpleName());
        }
    }

    /** Records an update of {@code pid} to {@code properties}, naming the keys added, changed or removed. */
    void updated(String pid, Dictionary<String, Object> properties) {
        Map<String, String> now = fingerprint(properties);
        Map<String, String> before = seen.put(pid, now);
        TreeSet<String> changed = new TreeSet<>();
        for (String key : now.keySet()) {
            if (before == null || !Objects.equals(before.get(key), now.get(key))) {
                changed.add(key);
            }
        }
        if (before != null) {
            before.keySet().stream().filter(key -> !now.containsKey(key)).forEach(changed::add);
            if (changed.isEmpty()) {
                return;
            }
        }
        audit.audit(entry(pid).detail("change", before == null ? "created" : "updated")
                .detail("keys", String.join(", ", changed)).build());
    }

    void deleted(String pid) {
        seen.remove(pid);
        audit.audit(entry(pid).detail("change", "deleted").build());
    }

    private static AuditEntry.Builder entry(String pid) {
        return AuditEntry.of(AuditEntry.Kind.CONFIGURATION_CHANGE, new AuditEntry.Actor(AuditEntry.Actor.Type.SYSTEM,
                "configuration-admin", null)).object(pid).jurisdiction(jurisdiction(pid));
    }

    /** {@code org.safeharbor.jurisdiction.us.il} is US-IL's; null for any other PID. */
    static Jurisdiction jurisdiction(String pid) {
        String prefix = PREFIX + "jurisdiction.";
        if (!pid.startsWith(prefix) || pid.length() - prefix.length() > 16) {
            return null;
        }
        try {
            return Jurisdiction.of(pid.substring(prefix.length()).replace('.', '-').toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException notACode) {
            return null;
        }
    }

    /** Each key's value as a SHA-256 (so no value is kept here, and no change can hide behind a hash collision). */
    private static Map<String, String> fingerprint(Dictionary<String, Object> properties) {
        if (properties == null) {
            return Map.of();
        }
        Map<String, String> hashes = new HashMap<>();
        for (String key : Collections.list(properties.keys())) {
            if (!HOUSEKEEPING.contains(key)) {
                hashes.put(key, AuditTrail.hash("", 0, Arrays.deepToString(new Object[] {properties.get(key)})));
            }
        }
        return hashes;
    }
}

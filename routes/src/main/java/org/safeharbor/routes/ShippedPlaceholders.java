package org.safeharbor.routes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The placeholders the distribution ships where a secret belongs ({@code CHANGE-ME} in the production templates of
 * {@code etc/production/}, the sandbox's {@code sandbox}), or a sandbox peer's trust store, still in the adapter's
 * configuration. The production profile
 * refuses to serve while any is left ({@link HealthCheck}: DOWN with the reason; an ERROR in the log): a node that
 * connects with a published password is as good as open. Read from Configuration Admin as written in {@code etc/} (a
 * {@code $[secret:...]} reference is not a placeholder); findings name the PID and the key, never a value.
 */
final class ShippedPlaceholders {

    /** Values the distribution ships where a secret belongs (compared ignoring case). */
    static final Set<String> PLACEHOLDERS = Set.of("change-me", "changeme", "sandbox");
    /** Keys that hold a secret (their name, without a leading dot, contains one of these). */
    private static final List<String> SECRET_KEYS = List.of("password", "passphrase", "secret", "token");
    /**
     * The name a sandbox peer gives the trust store it writes for its own certificate (SandboxPeer.writeTrustStore): a
     * cfg naming one trusts a sandbox, whose key anyone with the distribution has.
     */
    static final String SANDBOX_TRUST_STORE = "safeharbor-sandbox-trust-";
    /** The configurations of the adapter and of its database. */
    private static final String FILTER = "(|(service.pid=org.safeharbor.*)(service.factoryPid=org.ops4j.datasource))";

    private ShippedPlaceholders() {
    }

    /** "PID key" of every secret still a shipped placeholder, and of every value that embeds CHANGE-ME (e.g. in a URL). */
    static List<String> find(ConfigurationAdmin admin) {
        Configuration[] configurations;
        try {
            configurations = admin.listConfigurations(FILTER);
        } catch (IOException | InvalidSyntaxException e) {
            return List.of("(configuration admin: " + e.getClass().getSimpleName() + ")");
        }
        List<String> found = new ArrayList<>();
        for (Configuration configuration : configurations == null ? new Configuration[0] : configurations) {
            var properties = configuration.getProperties();
            if (properties == null) {
                continue;
            }
            for (String key : Collections.list(properties.keys())) {
                if (properties.get(key) instanceof String value && isPlaceholder(key, value)) {
                    found.add(configuration.getPid() + " " + key);
                }
            }
        }
        Collections.sort(found);
        return List.copyOf(found);
    }

    static boolean isPlaceholder(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.contains("change-me") || v.contains(SANDBOX_TRUST_STORE)) {
            return true;
        }
        String k = key.replaceFirst("^\\.", "").toLowerCase(Locale.ROOT);
        return SECRET_KEYS.stream().anyMatch(k::contains) && PLACEHOLDERS.contains(v);
    }
}

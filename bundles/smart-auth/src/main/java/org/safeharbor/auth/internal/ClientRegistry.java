package org.safeharbor.auth.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import org.safeharbor.auth.RegisteredClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered clients: one JSON file per client in a directory ({@code etc/safeharbor/clients/}),
 * re-read whenever a file there is added, changed or removed, so an operator registers, changes or
 * revokes a hospital without a restart. A file that cannot be read registers nothing and is reported
 * (log and {@link #problems()}), never half-used.
 */
final class ClientRegistry implements RegisteredClients {

    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final org.safeharbor.store.AuditLog audit;
    private volatile Map<String, RegisteredClient> clients = Map.of();
    private volatile List<String> problems = List.of();
    private volatile String seen = "";

    ClientRegistry(Path directory) {
        this(directory, entry -> { });
    }

    /** Records in {@code audit} each registration added, changed or removed (and each one read at start). */
    ClientRegistry(Path directory, org.safeharbor.store.AuditLog audit) {
        this.directory = directory;
        this.audit = audit;
    }

    Optional<RegisteredClient> find(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    @Override
    public List<Summary> list() {
        return clients.values().stream().map(c -> new Summary(c.clientId(), c.name(), c.kind(), List.copyOf(c.scopes()),
                List.copyOf(c.sourceEndpoints()), c.keyDescription(), !c.certificateThumbprints().isEmpty(),
                c.file().getFileName().toString())).toList();
    }

    @Override
    public List<String> problems() {
        return problems;
    }

    /** Re-reads the directory if anything in it changed since the last look. Called on a schedule. */
    synchronized void refresh() {
        String now = fingerprint();
        if (now.equals(seen)) {
            seenOnce = true;
            return;
        }
        seen = now;
        Map<String, RegisteredClient> read = new TreeMap<>();
        List<String> trouble = new ArrayList<>();
        for (Path file : files()) {
            try {
                RegisteredClient client = read(file);
                if (read.containsKey(client.clientId())) {
                    trouble.add(file.getFileName() + ": client_id " + client.clientId() + " is already registered by "
                            + read.get(client.clientId()).file().getFileName() + "; ignored");
                } else {
                    read.put(client.clientId(), client);
                }
            } catch (IOException | RuntimeException e) {
                trouble.add(file.getFileName() + ": " + e.getMessage());
            }
        }
        Map<String, RegisteredClient> previous = clients;
        Set<String> before = previous.keySet();
        clients = Map.copyOf(read);
        audit(previous, read);
        problems = List.copyOf(trouble);
        LOG.info("Registered clients ({}): {}{}", directory, read.keySet(),
                before.isEmpty() ? "" : " (before: " + before + ")");
        trouble.forEach(p -> LOG.warn("Client registration not used: {}", p));
    }

    /** One audit entry per client whose registration appeared, changed (kind, scopes, endpoints, keys, certificates) or went. */
    private void audit(Map<String, RegisteredClient> before, Map<String, RegisteredClient> after) {
        Set<String> ids = new java.util.TreeSet<>(before.keySet());
        ids.addAll(after.keySet());
        for (String id : ids) {
            RegisteredClient was = before.get(id);
            RegisteredClient is = after.get(id);
            String change = was == null ? (seenOnce ? "registered" : "read at start") : is == null ? "removed"
                    : describe(was).equals(describe(is)) ? null : "changed";
            if (change == null) {
                continue;
            }
            org.safeharbor.store.AuditEntry.Builder entry = org.safeharbor.store.AuditEntry.of(org.safeharbor.store.AuditEntry.Kind.CLIENT_CHANGE,
                    new org.safeharbor.store.AuditEntry.Actor(org.safeharbor.store.AuditEntry.Actor.Type.SYSTEM, "client-registrations", null))
                    .object(id).detail("change", change);
            if (is != null) {
                entry.detail("kind", is.kind()).detail("scopes", String.join(" ", is.scopes())).detail("keys", is.keyDescription())
                        .detail("tls-client-certificates", is.certificateThumbprints().size()).detail("file", is.file().getFileName());
            }
            try {
                audit.audit(entry.build());
            } catch (RuntimeException e) {
                LOG.error("Client registration {} {} but the change could not be recorded in the audit trail: {}", id, change,
                        e.getClass().getSimpleName());
            }
        }
        seenOnce = true;
    }

    private static String describe(RegisteredClient c) {
        return c.name() + "|" + c.kind() + "|" + c.scopes() + "|" + c.sourceEndpoints() + "|" + c.keyDescription() + "|"
                + c.certificateThumbprints() + "|" + c.file();
    }

    private boolean seenOnce;

    private List<Path> files() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            LOG.warn("Cannot list the client registrations in {}: {}", directory, e.getMessage());
            return List.of();
        }
    }

    private String fingerprint() {
        StringBuilder out = new StringBuilder();
        for (Path file : files()) {
            try {
                out.append(file.getFileName()).append(':').append(Files.getLastModifiedTime(file).toMillis())
                        .append(':').append(Files.size(file)).append(';');
            } catch (IOException e) {
                out.append(file.getFileName()).append(":gone;");
            }
        }
        return out.toString();
    }

    static RegisteredClient read(Path file) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("not valid JSON");
        }
        String clientId = text(json, "client_id");
        if (clientId == null || clientId.isBlank()) {
            throw new IOException("no client_id");
        }
        String kind = Optional.ofNullable(text(json, "kind")).orElse("hospital");
        if (!RegisteredClient.KINDS.contains(kind)) {
            throw new IOException("kind must be one of " + RegisteredClient.KINDS);
        }
        JWKSource<SecurityContext> keys;
        String keyDescription;
        if (json.hasNonNull("jwks")) {
            JWKSet set;
            try {
                set = JWKSet.parse(JSON.writeValueAsString(json.get("jwks")));
            } catch (java.text.ParseException e) {
                throw new IOException("jwks is not a JWK set: " + e.getMessage());
            }
            if (set.getKeys().isEmpty() || set.getKeys().stream().anyMatch(JWK::isPrivate)) {
                throw new IOException(set.getKeys().isEmpty() ? "jwks holds no key"
                        : "jwks holds a private key: register the public key only, and treat the private one as disclosed");
            }
            keys = new ImmutableJWKSet<>(set);
            keyDescription = "jwks (" + set.getKeys().size() + (set.getKeys().size() == 1 ? " key)" : " keys)");
        } else if (json.hasNonNull("jwks_uri")) {
            URI uri = URI.create(text(json, "jwks_uri"));
            if (!"https".equals(uri.getScheme())) {
                throw new IOException("jwks_uri must be https");
            }
            // cached, refreshed ahead of expiry, and re-fetched at once for an unknown kid (key rotation)
            keys = JWKSourceBuilder.create(uri.toURL()).cache(Duration.ofHours(1).toMillis(), Duration.ofSeconds(15).toMillis())
                    .rateLimited(Duration.ofSeconds(30).toMillis()).retrying(true).build();
            keyDescription = "jwks_uri " + uri;
        } else {
            throw new IOException("neither jwks nor jwks_uri");
        }
        Set<String> scopes = strings(json, "scopes");
        sourceScopesFitKind(kind, scopes);
        return new RegisteredClient(clientId, Optional.ofNullable(text(json, "name")).orElse(clientId), kind, keys, keyDescription,
                scopes, strings(json, "source_endpoints"), strings(json, "tls_client_certificate_sha256"), file);
    }

    /**
     * Each kind of source submits its own message only: a law-enforcement client custody notices
     * ({@link org.safeharbor.auth.Scopes#SUBMIT_CUSTODY_NOTICE}), never screening reports; any other client never custody
     * notices. A registration that mixes them registers nothing (the intake checks the kind again).
     */
    private static void sourceScopesFitKind(String kind, Set<String> scopes) throws IOException {
        boolean lawEnforcement = org.safeharbor.auth.Caller.LAW_ENFORCEMENT.equals(kind);
        if (lawEnforcement && scopes.contains(org.safeharbor.auth.Scopes.SUBMIT)) {
            throw new IOException("a law-enforcement client submits custody notices only: register "
                    + org.safeharbor.auth.Scopes.SUBMIT_CUSTODY_NOTICE + ", not " + org.safeharbor.auth.Scopes.SUBMIT);
        }
        if (!lawEnforcement && scopes.contains(org.safeharbor.auth.Scopes.SUBMIT_CUSTODY_NOTICE)) {
            throw new IOException(org.safeharbor.auth.Scopes.SUBMIT_CUSTODY_NOTICE + " is for a client of kind "
                    + org.safeharbor.auth.Caller.LAW_ENFORCEMENT + " only");
        }
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private static Set<String> strings(JsonNode json, String field) throws IOException {
        Set<String> values = new LinkedHashSet<>();
        if (json.hasNonNull(field)) {
            if (!json.get(field).isArray()) {
                throw new IOException(field + " must be a JSON array");
            }
            json.get(field).forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}

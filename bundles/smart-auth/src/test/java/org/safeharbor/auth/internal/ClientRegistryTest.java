package org.safeharbor.auth.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.auth.RegisteredClients.Summary;
import org.safeharbor.client.SmartBackendClient;

/** The registered clients directory: hot registration and revocation, and files that must not register anything. */
class ClientRegistryTest {

    private static final String SUBMIT = SmartBackendClient.SCOPE_SUBMIT;
    private static final JWK KEY = SmartBackendClient.generateKey("ES384");

    @TempDir
    Path clients;
    ClientRegistry registry;
    final List<org.safeharbor.store.AuditEntry> audit = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        registry = new ClientRegistry(clients, audit::add);
        registry.refresh();
    }

    @Test
    void eachRegistrationAddedChangedOrRemovedIsInTheAuditTrail() throws Exception {
        Files.writeString(clients.resolve("st-marys.json"), registration("st-marys"));
        registry.refresh();
        Files.writeString(clients.resolve("st-marys.json"), registration("st-marys").replace("\"" + SUBMIT + "\"",
                "\"" + SUBMIT + "\",\"system/Task.rs\""));
        Files.setLastModifiedTime(clients.resolve("st-marys.json"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        registry.refresh();
        Files.delete(clients.resolve("st-marys.json"));
        registry.refresh();
        assertEquals(List.of("registered", "changed", "removed"), audit.stream().map(e -> e.details().get("change")).toList());
        assertTrue(audit.stream().allMatch(e -> e.kind() == org.safeharbor.store.AuditEntry.Kind.CLIENT_CHANGE && "st-marys".equals(e.object())));
        assertEquals(SUBMIT + " system/Task.rs", audit.get(1).details().get("scopes"));
        assertTrue(audit.stream().noneMatch(e -> e.details().toString().contains("\"x\"")), "no key material");
    }

    @Test
    void aRegistrationAddedAppearsAfterRefreshAndRemovedDisappears() throws Exception {
        assertEquals(List.of(), registry.list());
        Files.writeString(clients.resolve("st-marys.json"), registration("st-marys"));
        assertTrue(registry.find("st-marys").isEmpty(), "not before refresh");
        registry.refresh();
        RegisteredClient client = registry.find("st-marys").orElseThrow();
        assertEquals("St Mary's", client.name());
        assertEquals("hospital", client.kind());
        assertEquals(Set.of(SUBMIT), client.scopes());
        assertEquals(Set.of("https://ehr.st-marys.example/fhir"), client.sourceEndpoints());
        assertEquals(List.of(), registry.problems());

        Files.writeString(clients.resolve("county.json"), registration("county-general"));
        registry.refresh();
        assertEquals(List.of("county-general", "st-marys"), registry.list().stream().map(Summary::clientId).sorted().toList());

        Files.delete(clients.resolve("st-marys.json"));
        registry.refresh();
        assertTrue(registry.find("st-marys").isEmpty());
        assertTrue(registry.find("county-general").isPresent());
    }

    @Test
    void theListingNamesTheClientsButNotTheirKeys() throws Exception {
        Files.writeString(clients.resolve("st-marys.json"), registration("st-marys"));
        registry.refresh();
        Summary summary = registry.list().get(0);
        assertEquals("st-marys", summary.clientId());
        assertEquals("St Mary's", summary.name());
        assertEquals("jwks (1 key)", summary.keys());
        assertEquals("st-marys.json", summary.file());
        assertFalse(summary.certificateBound());
        String x = KEY.toJSONObject().get("x").toString();
        assertFalse(summary.toString().contains(x), "no key material in a listing");
    }

    @Test
    void aRegistrationHoldingAPrivateKeyIsReportedAndNotRegistered() throws Exception {
        String leaked = JSONObjectUtils.toJSONString(java.util.Map.of("client_id", "leaky", "scopes", List.of(SUBMIT),
                "jwks", new JWKSet(KEY).toJSONObject(false)));
        Files.writeString(clients.resolve("leaky.json"), leaked);
        registry.refresh();
        assertTrue(registry.find("leaky").isEmpty());
        assertProblem("leaky.json", "private key");
    }

    @Test
    void invalidJsonIsReportedAndNotRegistered() throws Exception {
        Files.writeString(clients.resolve("broken.json"), registration("broken").substring(0, 40));
        registry.refresh();
        assertTrue(registry.find("broken").isEmpty());
        assertProblem("broken.json", "not valid JSON");
    }

    @Test
    void aRegistrationWithoutKeysIsReportedAndNotRegistered() throws Exception {
        Files.writeString(clients.resolve("keyless.json"), "{\"client_id\":\"keyless\",\"scopes\":[\"" + SUBMIT + "\"]}");
        Files.writeString(clients.resolve("empty.json"), "{\"client_id\":\"empty\",\"jwks\":{\"keys\":[]}}");
        registry.refresh();
        assertTrue(registry.find("keyless").isEmpty());
        assertTrue(registry.find("empty").isEmpty());
        assertProblem("keyless.json", "neither jwks nor jwks_uri");
        assertProblem("empty.json", "no key");
    }

    @Test
    void aRegistrationWithoutClientIdOrWithAnUnknownKindIsReported() throws Exception {
        Files.writeString(clients.resolve("anonymous.json"), registration("st-marys").replace("\"client_id\"", "\"id\""));
        Files.writeString(clients.resolve("admin.json"), registration("admin").replace("\"hospital\"", "\"administrator\""));
        Files.writeString(clients.resolve("empty-file.json"), "");
        registry.refresh();
        assertEquals(List.of(), registry.list());
        assertProblem("anonymous.json", "no client_id");
        assertProblem("admin.json", "kind");
        assertEquals(3, registry.problems().size(), registry.problems().toString());
    }

    /** A law-enforcement records system submits custody notices only, and only it does (issue 15). */
    @Test
    void aLawEnforcementClientHasTheCustodyNoticeScopeAndOnlyIt() throws Exception {
        String custody = SmartBackendClient.SCOPE_SUBMIT_CUSTODY_NOTICE;
        Files.writeString(clients.resolve("county-sheriff.json"), SmartBackendClient.registration("county-sheriff", "County Sheriff",
                SmartBackendClient.KIND_LAW_ENFORCEMENT, KEY, List.of(custody, SmartBackendClient.SCOPE_READ_TASKS),
                List.of("https://records.county-sheriff.example/fhir")));
        Files.writeString(clients.resolve("mixed-police.json"), SmartBackendClient.registration("mixed-police", "Police",
                SmartBackendClient.KIND_LAW_ENFORCEMENT, KEY, List.of(custody, SUBMIT), List.of()));
        Files.writeString(clients.resolve("hospital-custody.json"), SmartBackendClient.registration("hospital-custody", "Hospital",
                "hospital", KEY, List.of(SUBMIT, custody), List.of()));
        registry.refresh();
        RegisteredClient sheriff = registry.find("county-sheriff").orElseThrow();
        assertEquals(org.safeharbor.auth.Caller.LAW_ENFORCEMENT, sheriff.kind());
        assertEquals(Set.of(custody, SmartBackendClient.SCOPE_READ_TASKS), sheriff.scopes());
        assertEquals(org.safeharbor.auth.Scopes.SUBMIT_CUSTODY_NOTICE, custody, "the client's constant is the adapter's scope");
        assertTrue(registry.find("mixed-police").isEmpty());
        assertTrue(registry.find("hospital-custody").isEmpty());
        assertProblem("mixed-police.json", "custody notices only");
        assertProblem("hospital-custody.json", "law-enforcement only");
    }

    @Test
    void aDuplicateClientIdIsRefused() throws Exception {
        Files.writeString(clients.resolve("a-st-marys.json"), registration("st-marys"));
        JWK other = SmartBackendClient.generateKey("ES384");
        Files.writeString(clients.resolve("b-impostor.json"), SmartBackendClient.registration("st-marys", "Impostor", other,
                List.of(SUBMIT, SmartBackendClient.SCOPE_READ_TASKS), List.of("https://evil.example/fhir")));
        registry.refresh();
        RegisteredClient client = registry.find("st-marys").orElseThrow();
        assertEquals("St Mary's", client.name(), "the first registration stays");
        assertEquals(1, registry.list().size());
        assertProblem("b-impostor.json", "already registered");
    }

    @Test
    void jwksUriMustBeHttps() throws Exception {
        Files.writeString(clients.resolve("plain.json"), "{\"client_id\":\"plain\",\"jwks_uri\":\"http://ehr.example/jwks.json\"}");
        Files.writeString(clients.resolve("secure.json"), "{\"client_id\":\"secure\",\"jwks_uri\":\"https://ehr.example/jwks.json\","
                + "\"scopes\":[\"" + SUBMIT + "\"]}");
        registry.refresh();
        assertTrue(registry.find("plain").isEmpty());
        assertProblem("plain.json", "https");
        assertEquals("jwks_uri https://ehr.example/jwks.json", registry.find("secure").orElseThrow().keyDescription());
    }

    @Test
    void onlyJsonFilesAreRead() throws Exception {
        Files.writeString(clients.resolve("st-marys.json.bak"), registration("old"));
        Files.writeString(clients.resolve("README"), "registrations go here");
        registry.refresh();
        assertEquals(List.of(), registry.list());
        assertEquals(List.of(), registry.problems());
    }

    @Test
    void aMissingDirectoryRegistersNobody() {
        ClientRegistry none = new ClientRegistry(clients.resolve("absent"));
        none.refresh();
        assertEquals(List.of(), none.list());
    }

    private void assertProblem(String file, String reason) {
        assertTrue(registry.problems().stream().anyMatch(p -> p.startsWith(file + ":") && p.contains(reason)),
                file + " / " + reason + " in " + registry.problems());
    }

    private static String registration(String clientId) {
        return SmartBackendClient.registration(clientId, clientId.equals("st-marys") ? "St Mary's" : clientId, KEY, List.of(SUBMIT),
                List.of("https://ehr." + clientId + ".example/fhir"));
    }
}

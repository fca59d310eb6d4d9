package org.safeharbor.services.sandbox;

import java.security.KeyStore;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.provider.HashMapResourceProvider;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for a services provider's FHIR R4 API (a youth-services agency or a state hub): a real HAPI FHIR
 * {@link RestfulServer} in Jetty 12 over HTTPS, for tests and the optional sandbox. It takes the HL7 SDOH Clinical Care
 * IG's referral as the adapter sends it:
 * <ul>
 *   <li>{@code POST [base]} a transaction Bundle (Patient, Organization, ServiceRequest, Task): each resource gets an id,
 *       {@code urn:uuid:} references are resolved; a Task whose {@code ifNoneExist} identifier is known already is not
 *       created again (the existing one is answered). Anything else in the Bundle is refused (400).</li>
 *   <li>{@code GET/PUT [base]/Task/[id]} and the other resources: as any FHIR server (HAPI's in-memory providers); the
 *       provider's staff move Task.status (received, accepted, rejected, in-progress, completed) with a PUT, or
 *       {@link #setStatus} in tests.</li>
 * </ul>
 * A new Task is set to {@code received}, then to {@code accepted} when {@link #autoAccept} is on (the sandbox default,
 * so the demo shows a status coming back). With a bearer token set, every request must present it (else 401).
 */
public final class ServicesProviderPeer implements AutoCloseable {

    public static final String FHIR_PATH = "/fhir";
    private static final Logger LOG = LoggerFactory.getLogger(ServicesProviderPeer.class);

    private final FhirContext fhir;
    private final HashMapResourceProvider<Patient> patients;
    private final HashMapResourceProvider<Organization> organizations;
    private final HashMapResourceProvider<ServiceRequest> requests;
    private final HashMapResourceProvider<Task> tasks;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private String host = "127.0.0.1";
    private int port;
    private KeyStore keyStore;
    private String keyStorePassword;
    private byte[] token;
    private boolean autoAccept;
    private Server server;

    public ServicesProviderPeer(FhirContext fhir) {
        this.fhir = Objects.requireNonNull(fhir, "fhir");
        patients = new HashMapResourceProvider<>(fhir, Patient.class);
        organizations = new HashMapResourceProvider<>(fhir, Organization.class);
        requests = new HashMapResourceProvider<>(fhir, ServiceRequest.class);
        tasks = new HashMapResourceProvider<>(fhir, Task.class);
    }

    public ServicesProviderPeer host(String value) {
        host = value;
        return this;
    }

    /** 0 (the default): a free port, see {@link #port()}. */
    public ServicesProviderPeer port(int value) {
        port = value;
        return this;
    }

    public ServicesProviderPeer keyStore(KeyStore store, String password) {
        keyStore = store;
        keyStorePassword = password;
        return this;
    }

    /** The bearer token every request must carry; blank: none. */
    public ServicesProviderPeer bearerToken(String value) {
        token = value == null || value.isBlank() ? null : ("Bearer " + value.trim()).getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Whether a new Task moves on to {@code accepted} at once (after {@code received}). */
    public ServicesProviderPeer autoAccept(boolean value) {
        autoAccept = value;
        return this;
    }

    public synchronized ServicesProviderPeer start() throws Exception {
        RestfulServer restful = new RestfulServer(fhir);
        restful.setResourceProviders(patients, organizations, requests, tasks);
        restful.registerProvider(new Transactions());
        restful.registerInterceptor(new Bearer());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore != null ? keyStore : ServicesSandbox.keyStore());
        tls.setKeyStorePassword(keyStore != null ? keyStorePassword : ServicesSandbox.PASSWORD);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.addCustomizer(new SecureRequestCustomizer());
        server = new Server();
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(restful), FHIR_PATH + "/*");
        server.setHandler(context);
        server.start();
        LOG.info("Services-provider sandbox listening on https://{}:{}{}", host, port(), FHIR_PATH);
        return this;
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The FHIR base, {@code https://localhost:<port>/fhir}: the name the sandbox certificate carries. */
    public String baseUrl() {
        return "https://localhost:" + port() + FHIR_PATH;
    }

    /** Every transaction Bundle received, as JSON, in order. */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** The Tasks held now. */
    public List<Task> tasks() {
        return tasks.getStoredResources();
    }

    /** The provider's staff set a Task's status, e.g. {@code in-progress}. */
    public void setStatus(String taskId, Task.TaskStatus status) {
        Task task = (Task) read(taskId);
        task.setStatus(status);
        tasks.store(task);
    }

    @Override
    public synchronized void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** The transaction: what the adapter sends. */
    public final class Transactions {

        @Transaction
        public Bundle transaction(@TransactionParam Bundle bundle) {
            received.add(fhir.newJsonParser().encodeResourceToString(bundle));
            Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.getResource() instanceof Task task && entry.getRequest().hasIfNoneExist()) {
                    Task existing = existing(entry.getRequest().getIfNoneExist());
                    if (existing != null) {
                        // a resend: nothing is created again
                        response.addEntry().setResource(existing).getResponse().setStatus("200 OK")
                                .setLocation(existing.getIdElement().toUnqualifiedVersionless().getValue());
                        return response;
                    }
                }
            }
            Map<String, String> ids = new HashMap<>();
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource resource = entry.getResource();
                if (!(resource instanceof Patient || resource instanceof Organization || resource instanceof ServiceRequest
                        || resource instanceof Task) || entry.getRequest().getMethod() != Bundle.HTTPVerb.POST) {
                    throw new InvalidRequestException("this provider takes POSTs of Patient, Organization, ServiceRequest and Task");
                }
                resource.setId((IdType) null);
                String id = resource.fhirType() + "/" + java.util.UUID.randomUUID();
                ids.put(entry.getFullUrl(), id);
            }
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource resource = entry.getResource();
                for (Reference reference : fhir.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class)) {
                    if (reference.hasReference() && ids.containsKey(reference.getReference())) {
                        reference.setReference(ids.get(reference.getReference()));
                    }
                }
                resource.setId(new IdType(ids.get(entry.getFullUrl())));
                if (resource instanceof Task task) {
                    task.setStatus(autoAccept ? Task.TaskStatus.ACCEPTED : Task.TaskStatus.RECEIVED);
                }
                IdType stored = new IdType(store(resource).getValue());
                response.addEntry().setResource(resource).getResponse().setStatus("201 Created")
                        .setLocation(stored.getResourceType() + "/" + stored.getIdPart() + "/_history/" + stored.getVersionIdPart());
            }
            LOG.info("Services-provider sandbox: a referral received ({} resources)", bundle.getEntry().size());
            return response;
        }

        private org.hl7.fhir.instance.model.api.IIdType store(Resource resource) {
            if (resource instanceof Patient p) {
                return patients.store(p);
            }
            if (resource instanceof Organization o) {
                return organizations.store(o);
            }
            if (resource instanceof ServiceRequest s) {
                return requests.store(s);
            }
            return tasks.store((Task) resource);
        }

        /** The Task whose identifier {@code identifier=system|value} names, if any. */
        private Task existing(String ifNoneExist) {
            String query = ifNoneExist.startsWith("identifier=") ? ifNoneExist.substring("identifier=".length()) : null;
            if (query == null || !query.contains("|")) {
                throw new InvalidRequestException("ifNoneExist: this provider takes identifier=system|value only");
            }
            String system = query.substring(0, query.indexOf('|'));
            String value = query.substring(query.indexOf('|') + 1);
            for (Task task : tasks.getStoredResources()) {
                for (Identifier identifier : task.getIdentifier()) {
                    if (system.equals(identifier.getSystem()) && value.equals(identifier.getValue())) {
                        return task;
                    }
                }
            }
            return null;
        }
    }

    /** With a token set, a request without it is refused (401). */
    @Interceptor
    public final class Bearer {

        @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
        public boolean check(RequestDetails request) {
            if (token == null) {
                return true;
            }
            String presented = request.getHeader("Authorization");
            if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
                throw new AuthenticationException("a bearer token is required");
            }
            return true;
        }
    }

    /** Any resource held, by reference, e.g. {@code Task/<id>} (tests). */
    public Resource read(String reference) {
        String id = new IdType(reference).getIdPart();
        List<? extends Resource> held = switch (new IdType(reference).getResourceType()) {
            case "Patient" -> patients.getStoredResources();
            case "Organization" -> organizations.getStoredResources();
            case "ServiceRequest" -> requests.getStoredResources();
            default -> tasks.getStoredResources();
        };
        return held.stream().filter(r -> r.getIdElement().getIdPart().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such resource: " + reference));
    }
}

package org.safeharbor.services;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.SSLContext;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.ssl.SSLContextBuilder;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;

/**
 * The adapter's client of one provider's FHIR R4 API: HAPI's generic client over HTTPS, trusting the configured trust
 * store (or the JVM's), presenting the configured client certificate and bearer token. One request per call: the
 * routes number and retry attempts. A failure is named by {@link #failure}: the provider's HTTP status, or the class of
 * a connection failure (HAPI reports those as a 500 of its own, which the provider never sent).
 */
final class ProviderClient implements AutoCloseable {

    /** A Task the provider holds: its reference on the provider's server and its status. */
    record Created(String task, String status) {
    }

    private final CloseableHttpClient http;
    private final IGenericClient client;

    /**
     * @param fhir a FHIR context of this provider's own: HAPI's client takes its HTTP client from the context's client
     *             factory, which this sets (another provider has other TLS settings)
     */
    ProviderClient(FhirContext fhir, Provider provider) {
        http = HttpClients.custom().setSSLContext(ssl(provider.auth())).disableAutomaticRetries()
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(10_000).setSocketTimeout(30_000)
                        .setConnectionRequestTimeout(10_000).build())
                .build();
        ApacheRestfulClientFactory factory = new ApacheRestfulClientFactory(fhir);
        // before the client: the factory's setters drop a client set earlier
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setHttpClient(http);
        fhir.setRestfulClientFactory(factory);
        client = factory.newGenericClient(provider.baseUrl().toString());
        String token = provider.auth().bearerToken();
        if (token != null && !token.isBlank()) {
            client.registerInterceptor(new BearerTokenAuthInterceptor(token.trim()));
        }
    }

    /** Posts the transaction; the Task the provider created, or holds already for this identifier. */
    Created send(Bundle transaction) {
        Bundle response = client.transaction().withBundle(transaction).execute();
        for (Bundle.BundleEntryComponent entry : response.getEntry()) {
            String location = entry.getResponse().getLocation();
            if (location != null && new IdType(location).getResourceType() != null && new IdType(location).getResourceType().equals("Task")) {
                String task = new IdType(location).toUnqualifiedVersionless().getValue();
                return new Created(task, entry.getResource() instanceof Task t && t.hasStatus() ? t.getStatus().toCode() : null);
            }
        }
        throw new IllegalStateException("the provider's transaction response names no Task");
    }

    /** The provider's Task status now, e.g. {@code accepted}. */
    String status(String task) {
        Task read = client.read().resource(Task.class).withId(task).execute();
        return read.hasStatus() ? read.getStatus().toCode() : null;
    }

    /** A failure as its class and the provider's HTTP status: never a message, which may quote a value. */
    static String failure(Exception e) {
        if (e instanceof BaseServerResponseException http && !(e instanceof FhirClientConnectionException)) {
            return "HTTP " + http.getStatusCode();
        }
        return e.getClass().getSimpleName() + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")");
    }

    private static SSLContext ssl(Provider.Auth auth) {
        try {
            SSLContextBuilder builder = SSLContextBuilder.create();
            if (!blank(auth.trustStore())) {
                builder.loadTrustMaterial(load(auth.trustStore(), auth.trustStorePassword()), null);
            }
            if (!blank(auth.keyStore())) {
                char[] password = auth.keyStorePassword() == null ? new char[0] : auth.keyStorePassword().toCharArray();
                builder.loadKeyMaterial(load(auth.keyStore(), auth.keyStorePassword()), password);
            }
            return builder.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the provider's TLS settings do not load: " + e.getClass().getSimpleName(), e);
        }
    }

    private static KeyStore load(String file, String password) {
        try {
            return KeyStore.getInstance(Path.of(file.trim()).toFile(), password == null ? new char[0] : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the PKCS12 store " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}

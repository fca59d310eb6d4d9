package org.safeharbor.jurisdiction.support.v1;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.Builder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.hc.core5.http.message.BasicHeader;
import org.safeharbor.api.v1.Jurisdiction;

/**
 * The HTTPS client of a state's transport: a camel-http component of the state's own (camel-http takes one TLS set-up
 * per component, and the core's CamelContext is shared by every state) built from the state's configuration, and the
 * route steps that POST an attempt and read the state's answer.
 *
 * <pre>
 * HttpsClient https = HttpsClient.of(jurisdiction, config.connectTimeout(), config.responseTimeout())
 *         .trustStore(config.trustStore(), config._trustStorePassword())      // blank: the JVM's default trust
 *         .keyStore(config.keyStore(), config._keyStorePassword())            // blank: no client certificate
 *         .basicAuth(config.username(), config._password())                   // blank: no credentials
 *         .mediaType(format.mediaType());
 * // in StateTransport.configure(routes, deliverEndpoint):
 * https.install(routes.getContext());
 * https.post(routes.from(deliverEndpoint).routeId("US-ZZ-deliver"), config.intakeUrl())
 *         .process(...the state's acknowledgement, now the body...);
 * </pre>
 *
 * Only the delivery contract's two headers go out ({@link AdapterHeaders#only()}); no header of the answer comes in.
 * Each attempt is one request: the HTTP client's own retries are off, so that every try is numbered, recorded and
 * announced to the state by the core. Credentials travel as a default header of the HTTP client, never in an endpoint URI (Camel logs those). The answer:
 * <ul>
 *   <li>2xx: the route goes on, the state's answer as body;</li>
 *   <li>a 4xx that refuses the report itself (400, 409, 413, 415, 422, ...): {@link StateRejectedException}, so the
 *       core quarantines the referral at once and reports it REJECTED. The reason names the status and the endpoint,
 *       never the answer's text (it may quote the report);</li>
 *   <li>anything else: a retryable {@link HttpOperationFailedException}: a 5xx, a redirect, and the 4xx answers that
 *       speak of our side or of the moment rather than of the report ({@link #RETRIED_4XX}: 401, 403, 407 our
 *       credentials; 404, 405, 410, 421 our endpoint configuration; 408, 425, 429 try later). An unreachable endpoint,
 *       a timeout or an untrusted certificate fail the same way (IOException), and are retried.</li>
 * </ul>
 */
public final class HttpsClient {

    /** 4xx answers that are not a refusal of the report: the credentials, the endpoint, or the moment. Retried. */
    public static final Set<Integer> RETRIED_4XX = Set.of(401, 403, 404, 405, 407, 408, 410, 421, 425, 429);

    private final Jurisdiction jurisdiction;
    private final String component;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private KeyStore trustStore;
    private KeyStore keyStore;
    private String keyPassword;
    private String authorization;
    private String mediaType;

    private HttpsClient(Jurisdiction jurisdiction, String purpose, Duration connectTimeout, Duration responseTimeout) {
        this.jurisdiction = Objects.requireNonNull(jurisdiction, "jurisdiction");
        this.component = jurisdiction.code().toLowerCase(Locale.ROOT) + (purpose == null ? "" : "-" + purpose) + "-https";
        this.connectTimeout = positive(connectTimeout, "connect timeout");
        this.responseTimeout = positive(responseTimeout, "response timeout");
    }

    /** A client for the state, with its connect and response timeouts (see {@link Durations}). */
    public static HttpsClient of(Jurisdiction jurisdiction, Duration connectTimeout, Duration responseTimeout) {
        return new HttpsClient(jurisdiction, null, connectTimeout, responseTimeout);
    }

    /**
     * A client of the jurisdiction for one purpose besides the state's own transport (2.5), e.g. a coordination team's:
     * its own component {@code us-zz-<purpose>-https}, so that it neither replaces nor is replaced by the state's.
     */
    public static HttpsClient of(Jurisdiction jurisdiction, String purpose, Duration connectTimeout, Duration responseTimeout) {
        if (purpose == null || !purpose.matches("[a-z0-9][a-z0-9-]{0,60}")) {
            throw new IllegalArgumentException("a client's purpose is lower-case letters, digits and '-': " + purpose);
        }
        return new HttpsClient(jurisdiction, purpose, connectTimeout, responseTimeout);
    }

    /**
     * Trusts the certificates of this PKCS12 file (the operator's trust store, or the sandbox peer's); blank: the JVM's
     * default trust. Loaded now, so a wrong path or password fails the component's activation with a message naming it.
     */
    public HttpsClient trustStore(String file, String password) {
        this.trustStore = blank(file) ? null : load(file, password, "trust store");
        return this;
    }

    /** Presents the key and certificate of this PKCS12 file (mutual TLS; the key's password is the store's); blank: none. */
    public HttpsClient keyStore(String file, String password) {
        this.keyStore = blank(file) ? null : load(file, password, "key store");
        this.keyPassword = password == null ? "" : password;
        return this;
    }

    /** Sends HTTP Basic credentials pre-emptively on every request; a blank user sends none. */
    public HttpsClient basicAuth(String username, String password) {
        this.authorization = blank(username) ? null : "Basic " + Base64.getEncoder().encodeToString(
                (username.trim() + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The Content-Type of what {@link #post} sends (the state format's media type); null leaves the exchange's own. */
    public HttpsClient mediaType(String mediaType) {
        this.mediaType = mediaType;
        return this;
    }

    /** The name of the state's camel-http component in the CamelContext, e.g. {@code us-zz-https}. */
    public String componentName() {
        return component;
    }

    /**
     * Adds the state's component to the CamelContext, replacing the one an earlier configuration of the same state
     * left there. Call it from {@link StateTransport#configure}, before the routes that use it.
     */
    public HttpComponent install(CamelContext camel) {
        HttpComponent https = new HttpComponent();
        https.setSslContextParameters(sslContextParameters());
        https.setConnectTimeout(connectTimeout.toMillis());
        https.setConnectionRequestTimeout(connectTimeout.toMillis());
        https.setResponseTimeout(responseTimeout.toMillis());
        https.setHeaderFilterStrategy(AdapterHeaders.only());
        String basic = authorization;
        https.setHttpClientConfigurer(builder -> {
            // one request per attempt: the core numbers and retries attempts (HttpClient would resend on a 503 itself)
            builder.disableAutomaticRetries();
            if (basic != null) {
                builder.setDefaultHeaders(List.of(new BasicHeader("Authorization", basic)));
            }
        });
        if (camel.hasComponent(component) != null) {
            camel.removeComponent(component);
        }
        camel.addComponent(component, https);
        return https;
    }

    /** Camel's TLS parameters of the component: the configured trust and client key, else the JVM's defaults. */
    SSLContextParameters sslContextParameters() {
        SSLContextParameters ssl = new SSLContextParameters();
        if (trustStore != null) {
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setKeyStore(trustStore);
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(trusted);
            ssl.setTrustManagers(trust);
        }
        if (keyStore != null) {
            KeyStoreParameters keys = new KeyStoreParameters();
            keys.setKeyStore(keyStore);
            KeyManagersParameters key = new KeyManagersParameters();
            key.setKeyStore(keys);
            key.setKeyPassword(keyPassword);
            ssl.setKeyManagers(key);
        }
        return ssl;
    }

    /**
     * The component's endpoint URI for an https URL (query kept); failures are answered, not thrown, so that
     * {@link #answer} sorts them.
     *
     * @throws IllegalArgumentException when the URL is not https with a host (the report holds personal data)
     */
    public String endpoint(String httpsUrl) {
        URI uri = httpsUri(httpsUrl);
        return component + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "?" : "?" + uri.getRawQuery() + "&") + "throwExceptionOnFailure=false";
    }

    /**
     * Appends to a route: POST the body to {@code httpsUrl}, then {@link #answer}. After it the route holds the state's
     * 2xx answer as body; a refusal or a failure has been thrown.
     */
    public <T extends ProcessorDefinition<T>> T post(T route, String httpsUrl) {
        String uri = endpoint(httpsUrl);
        T steps = route.setHeader(Exchange.HTTP_METHOD, Builder.constant("POST"));
        if (mediaType != null) {
            steps = steps.setHeader(Exchange.CONTENT_TYPE, Builder.constant(mediaType));
        }
        return steps.to(uri).process(exchange -> answer(exchange, httpsUrl));
    }

    /** Sorts the state's HTTP answer (see the class comment): passes a 2xx, throws otherwise. */
    public void answer(Exchange exchange, String httpsUrl) throws HttpOperationFailedException {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status >= 200 && status < 300) {
            return;
        }
        URI uri = httpsUri(httpsUrl);
        String where = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath());
        if (status != null && refuses(status)) {
            throw new StateRejectedException(jurisdiction.code() + " (" + where + ") answered HTTP " + status
                    + ": it refused the report");
        }
        // the answer's text stays out of the exception: it may quote the report
        throw new HttpOperationFailedException("https://" + where, status == null ? 0 : status,
                message.getHeader(Exchange.HTTP_RESPONSE_TEXT, String.class), null, null, null);
    }

    /** True for an answer that refuses the report itself: a 4xx outside {@link #RETRIED_4XX}. */
    public static boolean refuses(int status) {
        return status >= 400 && status < 500 && !RETRIED_4XX.contains(status);
    }

    /** Checks that a configured URL is https with a host; the message names the URL, which is configuration. */
    public static URI httpsUri(String url) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an https:// URL (a report holds personal data): " + url);
        }
        return uri;
    }

    /**
     * A configured endpoint: blank stays {@code ""} (not configured: the state decides whether it may start without it),
     * anything else must be https with a host; the message names the PID and the key.
     */
    public static String configuredUrl(String pid, String key, String url) {
        try {
            return blank(url) ? "" : httpsUri(url).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pid + ": " + key + " " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String file, String password, String what) {
        try {
            return KeyStore.getInstance(Path.of(file.trim()).toFile(), password == null ? new char[0] : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            // the location is configuration, not personal data
            throw new IllegalArgumentException("cannot load the PKCS12 " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    private static Duration positive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive: " + duration);
        }
        return duration;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}

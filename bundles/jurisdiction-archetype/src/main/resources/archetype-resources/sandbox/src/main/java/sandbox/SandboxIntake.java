package ${package}.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.jurisdiction.support.v1.PlatformClassLoader;
import org.safeharbor.jurisdiction.support.v1.SandboxPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ${package}.StateJsonFormat;

/**
 * A simulated ${jurisdiction} intake (PID {@code org.safeharbor.sandbox.${jurisdictionLower.replace('-', '.')}}, only with a
 * configuration, which feature {@code safeharbor-${jurisdictionLower}-sandbox} brings): a local HTTPS server whose
 * certificate is made at start ({@link SelfSignedCertificate}). It reads each report with the bundle's own format, answers
 * 400 to one it cannot read, and acknowledges the others with an intake number; the same referral again gets the same number ({@link #answerWith} makes it answer otherwise).
 * It registers as a {@link SandboxPeer}: while it is there, the adapter takes from {@link #settings()} what its own
 * configuration leaves unset (the intake URL, a trust store file with the certificate, written at start and deleted at
 * stop). SANDBOX ONLY: it logs referral ids and numbers, never the report's content.
 */
@Component(service = SandboxPeer.class, property = SandboxPeer.MARKER + "=${jurisdiction}", immediate = true,
        configurationPid = "org.safeharbor.sandbox.${jurisdictionLower.replace('-', '.')}", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SandboxIntake.Config.class)
public class SandboxIntake implements SandboxPeer {

    static final String PATH = "/intake";
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(SandboxIntake.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge ${jurisdiction} sandbox (a simulated intake, not for production)")
    public @interface Config {
        @AttributeDefinition(description = "Interface the intake binds")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "HTTPS port; 0 takes a free one")
        int port() default 0;
    }

    private final String password = randomSecret();
    private final Path trustStore;
    private final Map<String, String> numbers = new ConcurrentHashMap<>();
    private final List<Map<String, String>> headers = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile int answer;
    private final Server server = new Server();

    @Activate
    public SandboxIntake(Config config) throws Exception {
        LOG.warn("${jurisdiction} SANDBOX is ON: a simulated intake answers on https://{}; never for production", config.host());
        KeyStore keys = SelfSignedCertificate.create(password.toCharArray());
        trustStore = SandboxPeer.writeTrustStore(keys, password.toCharArray());
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword(password);
        ServerConnector connector = new ServerConnector(server, tls);
        connector.setHost(config.host());
        connector.setPort(config.port());
        server.addConnector(connector);
        server.setHandler(new Intake());
        try {
            // Jetty finds its plug-ins through the context class loader: the platform bundle's in Karaf
            PlatformClassLoader.run(server::start);
        } catch (Exception e) {
            deactivate();
            throw e;
        }
        LOG.info("${jurisdiction} sandbox intake listening on {}", url());
    }

    /** The intake URL and the trust store the adapter needs to reach this peer. */
    @Override
    public Map<String, String> settings() {
        return Map.of("intakeUrl", url(), "trustStore", trustStore.toString(), ".trustStorePassword", password);
    }

    /** Where the adapter POSTs, e.g. {@code https://localhost:8443/intake}. */
    public String url() {
        return "https://localhost:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + PATH;
    }

    /** The intake number given to a referral, or null. */
    public String numberOf(String referralId) {
        return numbers.get(referralId);
    }

    /** The headers of every report received (names in any case), oldest first. */
    public synchronized List<Map<String, String>> receivedHeaders() {
        return List.copyOf(headers);
    }

    /** A sandbox control, to try the adapter's handling: from now on every report is answered with this HTTP status (0: read and acknowledged). */
    public void answerWith(int status) {
        answer = status;
    }

    /** Stops the intake and deletes its trust store file. */
    @Deactivate
    public void deactivate() throws Exception {
        server.stop();
        Files.deleteIfExists(trustStore);
    }

    /** Reads, numbers and acknowledges one report: the status and the answer's body. */
    synchronized Map.Entry<Integer, String> accept(String body, Map<String, String> requestHeaders) {
        headers.add(requestHeaders);
        int forced = answer;
        if (forced != 0) {
            return Map.entry(forced, "answered " + forced + " as asked");
        }
        String referralId;
        try {
            referralId = new StateJsonFormat().read(body).id().value();
        } catch (RuntimeException unreadable) {
            LOG.info("${jurisdiction} sandbox refused a report it could not read");
            return Map.entry(HttpStatus.BAD_REQUEST_400, "not a ${jurisdiction} report");
        }
        String number = numbers.computeIfAbsent(referralId, id -> String.format("${jurisdiction}-%06d", sequence.incrementAndGet()));
        LOG.info("${jurisdiction} sandbox accepted referral {} as {}", referralId, number);
        return Map.entry(HttpStatus.OK_200, StateJsonFormat.acknowledgement(referralId, number));
    }

    private final class Intake extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!PATH.equals(Request.getPathInContext(request)) || !HttpMethod.POST.is(request.getMethod())) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                return true;
            }
            if (request.getLength() > MAX_BODY_BYTES) {
                Response.writeError(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413);
                return true;
            }
            Map<String, String> received = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.getHeaders().forEach(field -> received.put(field.getName(), field.getValue()));
            Map.Entry<Integer, String> answer = accept(Content.Source.asString(request, StandardCharsets.UTF_8), received);
            response.setStatus(answer.getKey());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.getKey() == 200 ? StateJsonFormat.MEDIA_TYPE : "text/plain; charset=UTF-8");
            Content.Sink.write(response, true, answer.getValue(), callback);
            return true;
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

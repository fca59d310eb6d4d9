package org.safeharbor.auth.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.safeharbor.auth.AccessTokens;
import org.safeharbor.auth.RateLimiter;
import org.safeharbor.auth.RegisteredClients;
import org.safeharbor.store.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMART Backend Services authorization server (PID {@code org.safeharbor.auth}): reads the
 * registered clients, mounts the token endpoint and the SMART discovery document on the core HTTPS
 * server, and offers {@link AccessTokens} (to the FHIR intake) and {@link RegisteredClients} (to the
 * shell). Every token issued or refused, and every client registration added, changed or removed, is recorded in
 * the message store's audit trail ({@link AuditLog}).
 */
@Component(immediate = true, configurationPid = SmartAuthorizationServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SmartAuthorizationServer.Config.class)
public class SmartAuthorizationServer {

    static final String PID = "org.safeharbor.auth";
    static final String TOKEN_PATH = "/auth/token";
    private static final Logger LOG = LoggerFactory.getLogger(SmartAuthorizationServer.class);

    @ObjectClassDefinition(name = "SafeHarbor Bridge SMART Backend Services")
    public @interface Config {
        @AttributeDefinition(description = "The adapter's public HTTPS base URL as hospitals reach it (the token URL"
                + " and a client assertion's aud derive from it); empty for https://localhost:<port of the core HTTPS server,"
                + " system property safeharbor.http.port, 8443 by default>")
        String publicBaseUrl() default "";

        @AttributeDefinition(description = "Directory of client registrations, one JSON file per client; empty for ${karaf.etc}/safeharbor/clients")
        String clientsDirectory() default "";

        @AttributeDefinition(description = "ISO-8601 lifetime of an access token")
        String accessTokenLifetime() default "PT5M";

        @AttributeDefinition(description = "File of the access-token signing key (made on first start); empty for ${karaf.etc}/safeharbor/token-signing-key.json")
        String signingKeyFile() default "";

        @AttributeDefinition(description = "Token requests one calling address may make a minute (429 with Retry-After"
                + " beyond); 0 for no limit. A token lasts accessTokenLifetime, so a hospital asks about once in five minutes")
        int tokenRequestsPerMinute() default 60;

        @AttributeDefinition(description = "Token requests one calling address may make at once, before tokenRequestsPerMinute applies")
        int tokenRequestBurst() default 20;
    }

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "safeharbor-client-registrations");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public SmartAuthorizationServer(BundleContext context, Config config, @Reference AuditLog audit,
                                    @Reference io.micrometer.core.instrument.MeterRegistry meters) throws Exception {
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"));
        Path clientsDirectory = config.clientsDirectory().isBlank() ? etc.resolve("safeharbor/clients") : Path.of(config.clientsDirectory());
        Path keyFile = config.signingKeyFile().isBlank() ? etc.resolve("safeharbor/token-signing-key.json") : Path.of(config.signingKeyFile());
        // the token URL must carry the port the core server really listens on (tests and benchmarks move it)
        String base = (config.publicBaseUrl().isBlank() ? "https://localhost:" + System.getProperty("safeharbor.http.port", "8443")
                : config.publicBaseUrl()).replaceAll("/+$", "");
        String tokenUrl = base + TOKEN_PATH;

        ClientRegistry clients = new ClientRegistry(clientsDirectory, audit);
        clients.refresh();
        TokenIssuer issuer = new TokenIssuer(TokenIssuer.signingKey(keyFile), base, Duration.parse(config.accessTokenLifetime()),
                clients, Clock.systemUTC());

        registrations.add(context.registerService(Servlet.class,
                new TokenEndpoint(new ClientAssertions(clients, Clock.systemUTC()), issuer, tokenUrl,
                        new RateLimiter(config.tokenRequestsPerMinute(), config.tokenRequestBurst(), System::nanoTime), audit,
                        new TokenMetrics(meters)),
                path(TOKEN_PATH)));
        registrations.add(context.registerService(Servlet.class, new SmartConfiguration(base, tokenUrl),
                path("/fhir/.well-known/smart-configuration")));
        registrations.add(context.registerService(AccessTokens.class, issuer, null));
        registrations.add(context.registerService(RegisteredClients.class, clients, null));
        // scheduled last: a failed activation (e.g. an unreadable signing key) leaves no watcher thread behind
        watcher.scheduleWithFixedDelay(clients::refresh, 2, 2, TimeUnit.SECONDS);
        LOG.info("SMART Backend Services: token endpoint {}, clients registered in {}, at most {} token requests a minute per address",
                tokenUrl, clientsDirectory, config.tokenRequestsPerMinute() > 0 ? config.tokenRequestsPerMinute() : "unlimited");
    }

    private static Dictionary<String, Object> path(String path) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("safeharbor.http.path", path);
        return properties;
    }

    @Deactivate
    void deactivate() {
        watcher.shutdownNow();
        registrations.forEach(ServiceRegistration::unregister);
    }
}

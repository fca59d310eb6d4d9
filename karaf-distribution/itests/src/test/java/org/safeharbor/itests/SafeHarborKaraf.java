package org.safeharbor.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * How the integration tests boot SafeHarbor Bridge: the real assembly tar.gz as built, unpacked
 * fresh, with free ports so a running demo does not collide with the tests.
 *
 * <p>The distribution itself resolves artifacts only from its own system/ folder (it is offline);
 * the tests open the local Maven repository only so Pax Exam can install its own probe bundles.
 */
public final class SafeHarborKaraf {

    /** System property, inside Karaf, with the HTTP port the tests chose. */
    public static final String HTTP_PORT = "safeharbor.http.port";

    private SafeHarborKaraf() {
    }

    public static Option[] distribution() {
        String assembly = required("safeharbor.assembly");
        String httpPort = String.valueOf(freePort());
        String amqpPort = String.valueOf(freePort());
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(assembly).toURI().toString())
                    .name("SafeHarbor Bridge")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder(),
            logLevel(LogLevel.INFO),
            // ports: read by etc/org.safeharbor.http.cfg, etc/artemis.xml and etc/org.safeharbor.broker.cfg
            editConfigurationFilePut("etc/system.properties", HTTP_PORT, httpPort),
            editConfigurationFilePut("etc/system.properties", "safeharbor.amqp.port", amqpPort),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                    required("maven.repo.local")),
            systemProperty("safeharbor.sample.bundle").value(required("safeharbor.sample.bundle")),
            systemProperty("safeharbor.samples").value(new File(required("safeharbor.samples")).getAbsolutePath()),
        };
    }

    /** The adapter's base URL, from inside Karaf. */
    public static String baseUrl() {
        return "http://127.0.0.1:" + Objects.requireNonNull(System.getProperty(HTTP_PORT), HTTP_PORT);
    }

    /** GET a path on the adapter's HTTP server from inside Karaf. */
    public static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (60 s at most) until the FHIR intake answers its CapabilityStatement. */
    public static void awaitFhir() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (get("/fhir/metadata").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the FHIR intake did not come up within 60 s");
    }

    /**
     * Waits (60 s at most) until every project bundle is active: Karaf starts them in start-level
     * order after the boot features are installed, the jurisdictions last.
     */
    public static void awaitAllProjectBundlesActive(org.osgi.framework.BundleContext context) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && java.util.Arrays.stream(context.getBundles())
                .anyMatch(b -> b.getSymbolicName().startsWith("org.safeharbor.") && b.getState() != org.osgi.framework.Bundle.ACTIVE)) {
            Thread.sleep(250);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests through Maven (failsafe)");
        }
        return value;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

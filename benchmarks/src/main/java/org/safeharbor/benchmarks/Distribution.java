package org.safeharbor.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

import org.safeharbor.client.SmartBackendClient;

/**
 * The packed distribution ({@code safeharbor-karaf-assembly-*.tar.gz}) unpacked fresh under the
 * benchmark's work folder, on ports of its own, started with {@code bin/karaf server} and watched from
 * outside: {@code /health} (over HTTPS, trusting the CA the adapter generates at its first start,
 * {@code etc/safeharbor/tls/ca.crt}), the Karaf JVM's resident memory
 * ({@code /proc/<pid>/status}), its heap, CPU and Flight Recorder through {@link KarafJvm}.
 */
final class Distribution implements AutoCloseable {

    private final Path work;
    private final Path home;
    final int httpPort;
    final int amqpPort;
    // guarded by this; null until the adapter has made its CA
    private SSLContext tls;
    private HttpClient http;
    private Process script;
    private ProcessHandle java;
    private KarafJvm jvm;
    private boolean stopped;

    private Distribution(Path work, Path home, int httpPort, int amqpPort) {
        this.work = work;
        this.home = home;
        this.httpPort = httpPort;
        this.amqpPort = amqpPort;
    }

    /** Deletes {@code work}, unpacks the tar.gz into it and gives the distribution free ports. */
    static Distribution unpack(Path tarGz, Path workDir) throws IOException, InterruptedException {
        Path work = workDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(tarGz)) {
            throw new IllegalStateException("no distribution at " + tarGz + ": build it first with ./mvnw -B -q install -DskipTests");
        }
        deleteRecursively(work);
        Files.createDirectories(work);
        run(List.of("tar", "xzf", tarGz.toAbsolutePath().toString(), "-C", work.toAbsolutePath().toString()), work);
        Path home;
        try (Stream<Path> top = Files.list(work)) {
            home = top.filter(p -> Files.isRegularFile(p.resolve("bin/karaf"))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no bin/karaf in " + tarGz));
        }
        Distribution d = new Distribution(work, home, freePort(), freePort());
        // Karaf's own ports too, so that a demo or a test Karaf on the defaults is not disturbed
        d.setProperties("etc/org.apache.karaf.shell.cfg", Map.of("sshPort", Integer.toString(freePort())));
        d.setProperties("etc/org.apache.karaf.management.cfg",
                Map.of("rmiRegistryPort", Integer.toString(freePort()), "rmiServerPort", Integer.toString(freePort())));
        // the benchmark measures throughput: each load hospital sends far more than the shipped per-client limit allows
        d.setProperties("etc/org.safeharbor.fhir.cfg", Map.of("submissionsPerMinute", "0"));
        return d;
    }

    Path home() {
        return home;
    }

    /** Where the adapter reads its registered clients ({@code etc/safeharbor/clients/}). */
    Path clientsDirectory() {
        return home.resolve("etc/safeharbor/clients");
    }

    /** The CA certificate the adapter generates at its first start: what a hospital trusts. */
    Path caCertificate() {
        return home.resolve("etc/safeharbor/tls/ca.crt");
    }

    /** A TLS context trusting the adapter's CA only; an IOException until the adapter has made it. */
    synchronized SSLContext tls() throws IOException {
        if (tls == null) {
            Path ca = caCertificate();
            if (!Files.isRegularFile(ca) || !Files.readString(ca).contains("-----END CERTIFICATE-----")) {
                throw new IOException("no CA certificate " + ca + " yet");
            }
            tls = SmartBackendClient.trusting(ca);
            http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
        }
        return tls;
    }

    private synchronized HttpClient http() throws IOException {
        tls();
        return http;
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + httpPort + path);
    }

    /** Sets (or adds) {@code key=value} lines in a properties / cfg file of the distribution. */
    void setProperties(String file, Map<String, String> values) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = new ArrayList<>(Files.readAllLines(path, StandardCharsets.UTF_8));
        for (Map.Entry<String, String> e : values.entrySet()) {
            Pattern key = Pattern.compile("^\\s*" + Pattern.quote(e.getKey()) + "\\s*[=:].*$");
            boolean found = false;
            for (int i = 0; i < lines.size(); i++) {
                if (key.matcher(lines.get(i)).matches()) {
                    lines.set(i, e.getKey() + " = " + e.getValue());
                    found = true;
                }
            }
            if (!found) {
                lines.add(e.getKey() + " = " + e.getValue());
            }
        }
        Files.write(path, lines, StandardCharsets.UTF_8);
    }

    /** Starts {@code bin/karaf server} with the given extra JVM options; returns at once. */
    void start(String extraJavaOpts) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("karaf-console.log").toFile());
        builder.environment().put("EXTRA_JAVA_OPTS",
                ("-Dsafeharbor.http.port=" + httpPort + " -Dsafeharbor.amqp.port=" + amqpPort + " " + extraJavaOpts).trim());
        script = builder.start();
    }

    /** The Karaf JVM (a child of the bin/karaf script). */
    synchronized ProcessHandle java() {
        if (java != null && java.isAlive()) {
            return java;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = script.toHandle().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/java") || c.equals("java")).orElse(false))
                    .findFirst();
            if (found.isPresent()) {
                java = found.get();
                return java;
            }
            sleep(50);
        }
        throw new IllegalStateException("no Karaf JVM under the bin/karaf script (pid " + script.pid() + ")");
    }

    boolean alive() {
        return script != null && script.isAlive();
    }

    /** GET /health: the status code, or -1 when nothing answers. */
    Health health() {
        try {
            HttpResponse<String> r = http().send(HttpRequest.newBuilder(uri("/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Health(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Health(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(-1, "");
        }
    }

    /** True when {@code GET /fhir/metadata} answers 200 (the intake is mounted). */
    boolean fhirReady() {
        try {
            return http().send(HttpRequest.newBuilder(uri("/fhir/metadata"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    record Health(int status, String body) {
        boolean up() {
            return status == 200 && body.contains("\"status\":\"UP\"");
        }
    }

    /** The Karaf JVM's platform MBeans, through the attach API's local management agent. */
    synchronized KarafJvm jvm() {
        if (jvm == null) {
            jvm = KarafJvm.attach(java().pid());
        }
        return jvm;
    }

    /** Resident set of the Karaf JVM ({@code VmRSS}), in bytes; -1 when unknown. */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(java().pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** Stops Karaf: SIGTERM to its JVM (Karaf shuts down in order), then force after a minute. */
    @Override
    public synchronized void close() {
        if (script == null || stopped) {
            return;
        }
        stopped = true;
        if (jvm != null) {
            jvm.close();
        }
        ProcessHandle jvm = java != null ? java : script.toHandle().descendants().findFirst().orElse(null);
        if (jvm != null && jvm.isAlive()) {
            jvm.destroy();
            try {
                jvm.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                jvm.destroyForcibly();
            }
        }
        script.destroy();
        try {
            if (!script.waitFor(20, TimeUnit.SECONDS)) {
                script.destroyForcibly();
            }
        } catch (InterruptedException e) {
            script.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        script.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

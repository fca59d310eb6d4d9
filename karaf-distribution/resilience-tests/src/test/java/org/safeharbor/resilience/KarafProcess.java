package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real SafeHarbor assembly as an OS process: unpacked fresh from its tar.gz into {@code target/},
 * configured by editing its {@code etc/*.cfg}, started with {@code bin/karaf server} and killed with
 * SIGKILL (the {@code bin/karaf} script and the JVM it started, which is its child).
 *
 * <p>Every port it opens is a free one chosen here: HTTPS and the embedded broker's AMQP through
 * {@code EXTRA_JAVA_OPTS} (the cfgs read {@code safeharbor.http.port} and {@code safeharbor.amqp.port}),
 * Karaf's own SSH and JMX ports in their cfgs.
 *
 * <p>It is reached as a hospital reaches it ({@link HospitalAuth}): a client registration written into
 * {@code etc/safeharbor/clients/} before the first start, HTTPS trusting the CA the adapter generates at
 * its first start, and a SMART Backend Services bearer token on {@code /fhir} requests.
 */
final class KarafProcess implements AutoCloseable {

    private final Path home;
    private final Path logDirectory;
    private final String name;
    final int httpPort;
    final int amqpPort;
    private HospitalAuth auth;
    /** The command that starts Karaf in the foreground, and its environment; null: {@code bin/karaf server} on free ports. */
    private final List<String> command;
    /** The host name the tests connect to (the adapter's certificate names it). */
    private final String host;
    private final Map<String, String> environment;
    private Process process;
    private int starts;

    private KarafProcess(Path home, Path logDirectory, String name) {
        this(home, logDirectory, name, "127.0.0.1", Ports.free(), null, Map.of());
    }

    private KarafProcess(Path home, Path logDirectory, String name, String host, int httpPort, List<String> command,
                         Map<String, String> environment) {
        this.home = home;
        this.host = host;
        this.logDirectory = logDirectory;
        this.name = name;
        this.httpPort = httpPort;
        this.amqpPort = command == null ? Ports.free() : -1;
        this.command = command;
        this.environment = environment;
        this.auth = new HospitalAuth(home.resolve("etc"), base());
    }

    /**
     * A distribution installed by someone else (RunbookIT: as the runbook says), reached at {@code host} (a name its
     * certificate holds) on its configured HTTPS port, started by
     * {@code command} (e.g. a service unit's ExecStart as its user) with {@code environment} added; its cfgs are left as
     * they are.
     */
    static KarafProcess installed(Path home, String name, String host, int httpPort, List<String> command, Map<String, String> environment) {
        return new KarafProcess(home, Settings.target(), name, host, httpPort, List.copyOf(command), Map.copyOf(environment));
    }

    /**
     * Unpacks the assembly into {@code <target>/<name>/} (emptied first), gives Karaf's own ports free
     * values and registers the tests' hospital client.
     */
    static KarafProcess unpack(String name) {
        Path target = Settings.target();
        Path directory = target.resolve(name);
        Files2.deleteRecursively(directory);
        Files2.createDirectories(directory);
        Files2.untar(Settings.assembly(), directory);
        Path home;
        try (var entries = Files.list(directory)) {
            home = entries.filter(p -> Files.isRegularFile(p.resolve("bin/karaf"))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no bin/karaf in " + Settings.assembly()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KarafProcess karaf = new KarafProcess(home, target, name);
        karaf.editCfg("org.apache.karaf.shell.cfg", Map.of("sshPort", String.valueOf(Ports.free())));
        karaf.editCfg("org.apache.karaf.management.cfg", Map.of(
                "rmiRegistryPort", String.valueOf(Ports.free()), "rmiServerPort", String.valueOf(Ports.free())));
        karaf.auth.register(Settings.samples().resolve(Hospital.SAMPLE));
        return karaf;
    }

    Path home() {
        return home;
    }

    Path etc(String file) {
        return home.resolve("etc").resolve(file);
    }

    Path karafLog() {
        return home.resolve("data/log/karaf.log");
    }

    URI base() {
        return URI.create("https://" + host + ":" + httpPort);
    }

    /** The tests' hospital client: its TLS trust and its access tokens. */
    HospitalAuth auth() {
        return auth;
    }

    /**
     * Reaches this node as {@code first}'s client: a second node of a cluster, whose {@code etc/safeharbor/} (CA, server
     * certificate, token signing key, client registrations) is a copy of the first's (ClusterIT).
     */
    void sameClientAs(KarafProcess first) {
        auth = first.auth.at(base());
    }

    /**
     * Sets {@code key=value} in {@code etc/<file>}: replaces the line that sets the key (with or without
     * blanks around {@code =}), or appends one.
     */
    void editCfg(String file, Map<String, String> values) {
        Path path = etc(file);
        List<String> lines = new ArrayList<>(Files.exists(path) ? Files2.readLines(path) : List.of());
        for (Map.Entry<String, String> entry : values.entrySet()) {
            Pattern key = Pattern.compile("^\\s*" + Pattern.quote(entry.getKey()) + "\\s*=.*$");
            boolean found = false;
            for (int i = 0; i < lines.size(); i++) {
                if (key.matcher(lines.get(i)).matches()) {
                    lines.set(i, entry.getKey() + "=" + entry.getValue());
                    found = true;
                }
            }
            if (!found) {
                lines.add(entry.getKey() + "=" + entry.getValue());
            }
        }
        Files2.writeLines(path, lines);
    }

    /** Replaces text in {@code etc/<file>}; fails if the text is not there. */
    void replaceInEtc(String file, String regex, String replacement) {
        Path path = etc(file);
        String text = Files2.read(path);
        Matcher matcher = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("'" + regex + "' not found in " + path);
        }
        Files2.write(path, matcher.replaceAll(replacement));
    }

    /** Starts {@code bin/karaf server}; its console output is appended to {@code target/<name>-karaf.out}. */
    synchronized KarafProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("Karaf is already running");
        }
        starts++;
        ProcessBuilder builder = new ProcessBuilder(command != null ? command : List.of(home.resolve("bin/karaf").toString(), "server"))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDirectory.resolve(name + "-karaf.out").toFile()));
        if (command == null) {
            builder.environment().put("EXTRA_JAVA_OPTS",
                    "-Dsafeharbor.http.port=" + httpPort + " -Dsafeharbor.amqp.port=" + amqpPort);
        }
        builder.environment().putAll(environment);
        try {
            process = builder.start();
            Reaper.watch(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** SIGKILL to the JVM and to the script that started it; returns once both are gone. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroyForcibly(); // SIGKILL on Linux
        }
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + handle.pid() + " survived SIGKILL", e);
            }
        }
        Reaper.forget(process);
        process = null;
    }

    /**
     * SIGTERM to the JVM and to the script that started it (as {@code systemctl stop} does to the unit's processes);
     * true when they are gone within {@code timeout}, else SIGKILL and false.
     */
    synchronized boolean stop(Duration timeout) {
        if (process == null) {
            return true;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                kill();
                return false;
            }
        }
        Reaper.forget(process);
        process = null;
        return true;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    /**
     * Waits until {@code GET /health} is 200 and UP with the jurisdiction {@code jurisdiction} listed,
     * {@code GET /fhir/metadata} is 200 and the token endpoint issues the tests' hospital a token (all over
     * HTTPS, once the adapter has made its CA). Fails with the end of karaf.log if that takes longer than {@code timeout}.
     */
    Duration awaitReady(String jurisdiction, Duration timeout) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!isAlive()) {
                throw new AssertionError("Karaf exited while starting; see " + karafLog() + "\n" + tail(40));
            }
            String step = "/health";
            try {
                HttpResponse<String> health = get("/health");
                last = "/health " + health.statusCode() + " " + health.body();
                step = "/fhir/metadata";
                if (health.statusCode() == 200 && health.body().contains("\"status\":\"UP\"")
                        && health.body().contains("\"code\":\"" + jurisdiction + "\"")
                        && get("/fhir/metadata").statusCode() == 200) {
                    step = "access token";
                    auth.bearer();
                    return Duration.between(start, Instant.now());
                }
            } catch (IOException e) {
                last = step + ": " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new AssertionError("Karaf not ready after " + timeout + " (last: " + last + ")\n" + tail(40));
    }

    /** Waits until {@code GET /health} is 200 and UP; fails with the end of karaf.log if that takes longer than {@code timeout}. */
    Duration awaitHealthy(Duration timeout) {
        Instant start = Instant.now();
        String last = "no answer";
        while (Duration.between(start, Instant.now()).compareTo(timeout) < 0) {
            if (!isAlive()) {
                throw new AssertionError("Karaf exited while starting; see " + karafLog() + "\n" + tail(40));
            }
            try {
                HttpResponse<String> health = get("/health");
                last = health.statusCode() + " " + health.body();
                if (health.statusCode() == 200 && health.body().contains("\"status\":\"UP\"")) {
                    return Duration.between(start, Instant.now());
                }
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(500);
        }
        throw new AssertionError("/health not UP after " + timeout + " (last: " + last + ")\n" + tail(40));
    }

    /**
     * {@code GET path} over HTTPS; with the hospital's bearer token on {@code /fhir} paths except the two
     * that need none ({@code /fhir/metadata}, {@code /fhir/.well-known/smart-configuration}).
     */
    HttpResponse<String> get(String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(5)).GET();
        boolean anonymous = !path.startsWith("/fhir/") || path.startsWith("/fhir/metadata") || path.startsWith("/fhir/.well-known/");
        try {
            return anonymous ? auth.sendAnonymous(request.build()) : auth.send(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The last lines of karaf.log, for failure messages. */
    String tail(int lines) {
        Path log = karafLog();
        if (!Files.exists(log)) {
            return "(no karaf.log)";
        }
        List<String> all = Files2.readLines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** karaf.log and its rolled-over predecessors, oldest first, as one text. */
    String fullLog() {
        Path directory = home.resolve("data/log");
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(directory)) {
            List<Path> logs = files.filter(p -> p.getFileName().toString().startsWith("karaf.log"))
                    .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).toList();
            for (Path log : logs) {
                text.append(Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    @Override
    public void close() {
        kill();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

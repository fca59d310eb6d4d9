package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A replicated primary/backup pair of the real ActiveMQ Artemis 2.40 ({@link Settings#artemis()}): two OS processes
 * (-Xmx256M each) made with {@code artemis create} under {@code target/<name>-primary/} and {@code target/<name>-backup/},
 * paired by what a site ships in {@code etc/production/}: {@code artemis-ha.xml} and {@code artemis-ha-primary.xml} or
 * {@code artemis-ha-backup.xml} copied next to each {@code etc/broker.xml}, which {@code artemis-ha.sed} wires in, all
 * read from the source tree ({@link #shipped}) and filled in as a site would: the replication link over TLS with a key
 * pair made here, the cluster password in {@code tls/ha-cluster.password}, the network check on 127.0.0.1 (which Artemis
 * ignores, AMQ202001: on one machine there is no network to check).
 * <p>
 * For the clients: plain AMQP on 127.0.0.1 ({@link #primaryPort}, {@link #backupPort}: the acceptor of
 * {@code artemis create}, narrowed to AMQP), security on with anonymous access (so a Karaf node connects with an empty
 * user, as {@link ProductionProfile} sets it; the cluster user and password are still checked between the brokers,
 * AMQ229099 otherwise). The backup is passive: its AMQP port opens only when it takes over.
 * <p>
 * {@link #start} returns once the backup has copied the primary's journal ({@value #SYNCHRONIZED}), about 20 s.
 * {@link #killPrimary} is SIGKILL; {@link #awaitBackupLive} waits for the backup's {@value #ACTIVE} and its AMQP port
 * (0.6 to 0.8 s after the kill here; a Qpid JMS client with {@link #failoverUrl} sends again about 1.1 s after it).
 * {@link #restartPrimary} starts the primary again on its old journal: it copies the active backup's journal, takes
 * over (fail-back, a second reconnect for the clients) and the backup restarts as passive (11 to 13 s in all).
 * Outputs: {@code target/<name>-primary.out} and {@code target/<name>-backup.out}.
 */
final class ArtemisPair implements AutoCloseable {

    /** Backup log: the backup holds a full copy of the primary's journal, so it can take over. */
    static final String SYNCHRONIZED = "AMQ221024";
    /**
     * Log of a broker that activated (its acceptors open next, AMQ221020): the primary at start and at fail-back, the
     * backup at failover (after AMQ221071 "Failing over based on quorum vote results" and AMQ221037 "... to become
     * 'active'"; with one pair the vote is skipped, AMQ221083 "ignoring quorum vote as max cluster size is 1").
     */
    static final String ACTIVE = "AMQ221007";

    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");
    private static final Duration START = Duration.ofSeconds(90);

    final int primaryPort = Ports.free();
    final int backupPort = Ports.free();
    private final Broker primary;
    private final Broker backup;
    private Instant primaryKilledAt;

    private ArtemisPair(String name) {
        Path home = home();
        Path tls = Settings.target().resolve(name + "-tls");
        Files2.deleteRecursively(tls);
        Files2.createDirectories(tls);
        String password = random();
        Path keyStore = tls.resolve("broker.p12");
        Path trustStore = tls.resolve("ha-trust.p12");
        keyPair(keyStore, trustStore, tls.resolve("broker.crt"), password);
        String clusterPassword = random();
        int primaryHa = Ports.free();
        int backupHa = Ports.free();
        primary = new Broker(name, "primary", primaryPort);
        backup = new Broker(name, "backup", backupPort);
        for (Broker broker : List.of(primary, backup)) {
            boolean isPrimary = broker == primary;
            Map<String, String> values = new LinkedHashMap<>();
            values.put("@HA_BIND@", "127.0.0.1");
            values.put("@HA_HOST@", "127.0.0.1");
            values.put("@HA_PORT@", String.valueOf(isPrimary ? primaryHa : backupHa));
            values.put("@HA_PEER_HOST@", "127.0.0.1");
            values.put("@HA_PEER_PORT@", String.valueOf(isPrimary ? backupHa : primaryHa));
            values.put("@KEYSTORE@", keyStore.toString());
            values.put("@KEYSTORE_PASSWORD@", password);
            values.put("@HA_TRUSTSTORE@", trustStore.toString());
            values.put("@HA_TRUSTSTORE_PASSWORD@", password);
            values.put("@HA_ROLE@", broker.role);
            values.put("@HA_NETWORK_CHECK@", "127.0.0.1");
            broker.create(home, values, clusterPassword);
        }
    }

    /** Creates both instances, starts the primary, then the backup, and waits until the backup is synchronized. */
    static ArtemisPair start(String name) {
        ArtemisPair pair = new ArtemisPair(name);
        try {
            pair.primary.start();
            pair.primary.await(ACTIVE, START);
            Ports.awaitOpen(pair.primaryPort, START, "the primary broker (" + pair.primary.output + ")");
            pair.backup.start();
            pair.backup.await(SYNCHRONIZED, START);
            return pair;
        } catch (RuntimeException | Error e) {
            pair.close();
            throw e;
        }
    }

    /**
     * The Qpid JMS URL of the pair, primary first. amqpOpenServerListAction=IGNORE: Artemis tells an AMQP client, in its
     * Open frame, to fail over to the backup's cluster connector, which is the replication acceptor (CORE only, TLS),
     * and Qpid JMS by default replaces its list with that, so it never reaches the backup's AMQP port. The client
     * retries the two for ever, at most 250 ms apart (by default it backs off to 30 s, far longer than a failover).
     */
    String failoverUrl() {
        return "failover:(amqp://127.0.0.1:" + primaryPort + ",amqp://127.0.0.1:" + backupPort + ")"
                + "?failover.amqpOpenServerListAction=IGNORE&failover.maxReconnectDelay=250";
    }

    /** SIGKILL of the primary: no clean shutdown, the backup takes over. */
    void killPrimary() {
        backup.mark();
        primaryKilledAt = Instant.now();
        primary.kill();
    }

    /** SIGKILL of the backup: the primary carries on alone (without a copy of its journal until a backup is back). */
    void killBackup() {
        backup.kill();
    }

    /**
     * Waits until the backup is active ({@value #ACTIVE}) and accepts connections on its AMQP port; returns the time
     * since {@link #killPrimary}.
     */
    Duration awaitBackupLive(Duration timeout) {
        if (primaryKilledAt == null) {
            throw new IllegalStateException("the primary was not killed");
        }
        Instant deadline = Instant.now().plus(timeout);
        backup.await(ACTIVE, timeout);
        while (!Ports.isOpen(backupPort)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the backup logged " + ACTIVE + " but its port " + backupPort + " is closed, see "
                        + backup.output);
            }
            KarafProcess.sleep(20);
        }
        return Duration.between(primaryKilledAt, Instant.now());
    }

    /**
     * Starts the killed primary on its journal and waits for fail-back: the primary copies the active backup's journal,
     * the backup hands over and stops, the primary activates and the backup starts again, passive and synchronized.
     * Clients reconnect to the primary (a second failover). Returns the time from the start to the pair being whole.
     */
    Duration restartPrimary() {
        Instant start = Instant.now();
        backup.mark();
        primary.start();
        primary.await(ACTIVE, START);
        Ports.awaitOpen(primaryPort, START, "the primary broker (" + primary.output + ")");
        backup.await(SYNCHRONIZED, START);
        primaryKilledAt = null;
        return Duration.between(start, Instant.now());
    }

    String primaryLog() {
        return primary.log();
    }

    String backupLog() {
        return backup.log();
    }

    @Override
    public void close() {
        backup.kill();
        primary.kill();
    }

    /** The distribution, unpacked once per target directory (every pair's instances point at it). */
    private static synchronized Path home() {
        Path home = Settings.target().resolve("artemis-pair-home");
        if (!Files.isExecutable(home.resolve("bin/artemis"))) {
            Files2.deleteRecursively(home);
            Files2.createDirectories(home);
            Files2.run("tar", "xzf", Settings.artemis().toString(), "-C", home.toString(), "--strip-components=1");
        }
        return home;
    }

    /** The shipped HA files: the assembly's etc/production in the sources, by PRODUCTION.md (or -Dsafeharbor.production.etc). */
    static Path shipped() {
        String configured = System.getProperty("safeharbor.production.etc");
        Path directory = configured != null && !configured.isBlank() ? Path.of(configured)
                : Settings.runbook().resolveSibling("assembly/src/main/resources/assembly/etc/production");
        if (!Files.isRegularFile(directory.resolve("artemis-ha.sed"))) {
            throw new IllegalStateException(directory + " has no artemis-ha.sed");
        }
        return directory;
    }

    private static void keyPair(Path keyStore, Path trustStore, Path certificate, String password) {
        PeerTls.selfSigned("artemis", keyStore, trustStore, certificate, password);
    }

    private static String random() {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** One broker of the pair: its instance, its process and its output. */
    private static final class Broker {

        final String role;
        final Path instance;
        final Path output;
        final int port;
        private Process process;
        /** Where in {@link #output} the lines of the current run (or since {@link #mark}) begin. */
        private long from;

        Broker(String name, String role, int port) {
            this.role = role;
            this.instance = Settings.target().resolve(name + "-" + role);
            this.output = Settings.target().resolve(name + "-" + role + ".out");
            this.port = port;
        }

        void create(Path home, Map<String, String> values, String clusterPassword) {
            Files2.deleteRecursively(instance);
            Files2.write(output, "");
            Files2.run(home.resolve("bin/artemis").toString(), "create", "--silent", "--force",
                    "--name", instance.getFileName().toString(), "--host", "127.0.0.1", "--default-port", String.valueOf(port),
                    "--allow-anonymous", "--user", "safeharbor", "--password", "safeharbor",
                    "--nio", "--no-web", "--no-autotune", "--java-memory", "256M",
                    "--no-amqp-acceptor", "--no-hornetq-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor",
                    instance.toString());
            Path etc = instance.resolve("etc");
            // the heap: -Xmx256M from --java-memory, and an initial heap below it (the profile's -Xms512M is above)
            Path profile = etc.resolve("artemis.profile");
            Files2.write(profile, Files2.read(profile).replaceAll("-Xms\\S+", "-Xms64M"));
            // the clients' acceptor speaks AMQP only, as the site's AMQPS acceptor: CORE is the replication link's
            Path brokerXml = etc.resolve("broker.xml");
            Files2.write(brokerXml, Files2.read(brokerXml).replaceAll("protocols=[A-Z,]+", "protocols=AMQP"));
            Path shipped = shipped();
            for (String file : List.of("artemis-ha.xml", "artemis-ha-" + role + ".xml")) {
                Files2.write(etc.resolve(file), fill(Files2.read(shipped.resolve(file)), values, file));
            }
            Path tls = instance.resolve("tls");
            Files2.createDirectories(tls);
            Files2.write(tls.resolve("ha-cluster.password"), clusterPassword);
            Path sed = etc.resolve("artemis-ha.sed");
            Files2.write(sed, fill(Files2.read(shipped.resolve("artemis-ha.sed")), values, "artemis-ha.sed"));
            Files2.run("sed", "-i", "-f", sed.toString(), brokerXml.toString());
            String wired = Files2.read(brokerXml);
            if (!wired.contains("artemis-ha-" + role + ".xml") || !wired.contains("<acceptor name=\"ha\">")) {
                throw new IllegalStateException("artemis-ha.sed did not wire " + brokerXml);
            }
        }

        private static String fill(String text, Map<String, String> values, String file) {
            for (Map.Entry<String, String> value : values.entrySet()) {
                text = text.replace(value.getKey(), value.getValue());
            }
            // comments may name placeholders; elements may not keep one
            String withoutComments = text.replaceAll("(?s)<!--.*?-->", "").replaceAll("(?m)^#.*$", "");
            Matcher left = PLACEHOLDER.matcher(withoutComments);
            if (left.find()) {
                throw new IllegalStateException(file + " has a value the test does not fill: " + left.group());
            }
            return text;
        }

        synchronized void start() {
            mark();
            ProcessBuilder builder = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                    .directory(instance.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Reaper.watch(process);
        }

        /** Later waits look at what the output gets from now on. */
        synchronized void mark() {
            try {
                from = Files.size(output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits until the output, since the start (or the mark), has a line with {@code code}; fails if the process ends. */
        void await(String code, Duration timeout) {
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                if (log().contains(code)) {
                    return;
                }
                Process running;
                synchronized (this) {
                    running = process;
                }
                if (running == null || !running.isAlive()) {
                    throw new AssertionError("the " + role + " broker is not running (waiting for " + code + "), see " + output
                            + ":\n" + tail());
                }
                KarafProcess.sleep(50);
            }
            throw new AssertionError("the " + role + " broker did not log " + code + " within " + timeout + ", see " + output
                    + ":\n" + tail());
        }

        /** The output since the start (or the mark). */
        synchronized String log() {
            try {
                byte[] all = Files.readAllBytes(output);
                int start = (int) Math.min(from, all.length);
                return new String(all, start, all.length - start, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String tail() {
            List<String> lines = new ArrayList<>(List.of(log().split("\n")));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }

        synchronized void kill() {
            if (process == null) {
                return;
            }
            Reaper.kill(process);
            process = null;
        }
    }
}

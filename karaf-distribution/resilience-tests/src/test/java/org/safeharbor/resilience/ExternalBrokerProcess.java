package org.safeharbor.resilience;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The production profile's broker: the module external-broker (ActiveMQ Artemis run standalone) as a
 * separate OS process, unpacked from its {@code -bin.tar.gz} into {@code target/<name>/}, with its journal
 * in {@code target/<name>/data}. {@link #kill()} is SIGKILL; {@link #start()} again recovers the same journal.
 */
final class ExternalBrokerProcess implements AutoCloseable {

    private final Path home;
    private final Path data;
    private final Path output;
    final int port = Ports.free();
    private Process process;

    private ExternalBrokerProcess(Path home, Path output) {
        this.home = home;
        this.data = home.resolve("data");
        this.output = output;
    }

    static ExternalBrokerProcess unpack(String name) {
        Path directory = Settings.target().resolve(name);
        Files2.deleteRecursively(directory);
        Files2.createDirectories(directory);
        Files2.untar(Settings.externalBroker(), directory);
        return new ExternalBrokerProcess(directory.resolve("external-broker"), Settings.target().resolve(name + "-broker.out"));
    }

    /** The URL for etc/org.safeharbor.broker.cfg: a Qpid JMS failover URL, so clients ride out a restart. */
    String failoverUrl() {
        return "failover:(amqp://127.0.0.1:" + port + ")";
    }

    synchronized ExternalBrokerProcess start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m",
                "-Dsafeharbor.broker.data=" + data, "-Dsafeharbor.broker.port=" + port, "-Dsafeharbor.broker.host=127.0.0.1",
                "-cp", "lib/*", "org.safeharbor.broker.ExternalBroker", "etc/broker.xml"));
        try {
            process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            Reaper.watch(process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Ports.awaitOpen(port, Duration.ofSeconds(60), "the external broker (log " + output + ")");
        return this;
    }

    /** SIGKILL: no clean shutdown, the journal is recovered at the next start. */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        Reaper.kill(process);
        process = null;
    }

    @Override
    public void close() {
        kill();
    }
}

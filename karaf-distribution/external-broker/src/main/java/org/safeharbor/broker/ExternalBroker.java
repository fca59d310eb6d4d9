package org.safeharbor.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * ActiveMQ Artemis run standalone, as a separate OS process, from a {@code broker.xml}: the broker of
 * SafeHarbor Bridge's production profile in its tests (the Artemis binary distribution is not on the
 * project's package mirror; {@code artemis-server} and {@code artemis-amqp-protocol} are).
 *
 * <pre>
 * java -Dsafeharbor.broker.data=/var/lib/broker -Dsafeharbor.broker.port=5672 -cp 'lib/*' \
 *      org.safeharbor.broker.ExternalBroker etc/broker.xml
 * </pre>
 *
 * The {@code ${...}} placeholders of {@code broker.xml} are system properties (Artemis substitutes
 * them). The broker runs until the process is stopped (SIGTERM stops it cleanly; SIGKILL leaves the
 * persistent journal to be recovered at the next start).
 */
public final class ExternalBroker {

    /** Printed to standard output once the broker accepts connections. */
    public static final String STARTED = "SafeHarbor external broker started";

    private ExternalBroker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp 'lib/*' " + ExternalBroker.class.getName() + " <broker.xml>");
            System.exit(2);
        }
        Path config = Path.of(args[0]).toAbsolutePath().normalize();
        if (!Files.isRegularFile(config)) {
            System.err.println("no broker configuration at " + config);
            System.exit(2);
        }
        // relative directories in broker.xml resolve against the data folder, absolute by default
        if (System.getProperty("safeharbor.broker.data") == null) {
            System.setProperty("safeharbor.broker.data", Path.of("data").toAbsolutePath().toString());
        }
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfigResourcePath(config.toUri().toString());
        broker.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (Exception e) {
                System.err.println("broker did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "external-broker-shutdown"));
        System.out.println(STARTED + " (" + config + ", data " + System.getProperty("safeharbor.broker.data") + ")");
        System.out.flush();
        stopped.await();
    }
}

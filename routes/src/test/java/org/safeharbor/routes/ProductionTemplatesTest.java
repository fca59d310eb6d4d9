package org.safeharbor.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The production profile's templates ({@code etc/production/*.cfg}, which an operator copies over {@code etc/}) speak
 * TLS only: every broker node {@code amqps://}, the PostgreSQL URL {@code sslmode=verify-full} with its CA named.
 */
class ProductionTemplatesTest {

    private static final Pattern BROKER_NODE = Pattern.compile("([a-z+]+)://");

    static Path production() {
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).resolve(
                "../karaf-distribution/assembly/src/main/resources/assembly/etc/production").normalize();
    }

    static Properties cfg(String name) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(production().resolve(name))) {
            properties.load(reader);
        }
        return properties;
    }

    /** What is wrong with a Qpid JMS URL for production: each node that is not {@code amqps://}. */
    static List<String> brokerProblems(String url) {
        List<String> problems = new ArrayList<>();
        Matcher node = BROKER_NODE.matcher(url);
        int nodes = 0;
        while (node.find()) {
            nodes++;
            if (!node.group(1).equals("amqps")) {
                problems.add(node.group(1) + ":// is not TLS");
            }
        }
        if (nodes == 0) {
            problems.add("no broker node");
        }
        return problems;
    }

    /** What is wrong with a JDBC URL for production: PostgreSQL without {@code sslmode=verify-full} and a root CA. */
    static List<String> databaseProblems(String url) {
        List<String> problems = new ArrayList<>();
        if (!url.startsWith("jdbc:postgresql:")) {
            problems.add("not PostgreSQL");
            return problems;
        }
        String query = url.contains("?") ? url.substring(url.indexOf('?') + 1) : "";
        List<String> options = List.of(query.split("&"));
        if (!options.contains("sslmode=verify-full")) {
            problems.add("sslmode is not verify-full");
        }
        if (options.stream().noneMatch(o -> o.startsWith("sslrootcert=") && o.length() > "sslrootcert=".length())) {
            problems.add("no sslrootcert (the CA the server's certificate is checked against)");
        }
        return problems;
    }

    @Test
    void theShippedBrokerTemplateSpeaksAmqpsToEveryNode() throws IOException {
        String url = cfg("org.safeharbor.broker.cfg").getProperty("url");
        assertEquals(List.of(), brokerProblems(url), url);
        assertTrue(url.startsWith("failover:("), "a cluster: " + url);
        assertTrue(url.contains("transport.trustStoreLocation="), "the trust store is named: " + url);
        assertTrue(url.contains("failover.amqpOpenServerListAction=IGNORE"),
                "the client keeps its list of brokers (an Artemis pair would give it the replication port): " + url);
    }

    @Test
    void theShippedDatabaseTemplateVerifiesThePostgresCertificate() throws IOException {
        String url = cfg("org.ops4j.datasource-safeharbor.cfg").getProperty("url");
        assertEquals(List.of(), databaseProblems(url), url);
    }

    @Test
    void theChecksRefuseWhatIsNotTls() {
        assertEquals(List.of("amqp:// is not TLS"), brokerProblems("failover:(amqps://a:5671,amqp://b:5672)"));
        assertFalse(brokerProblems("amqp://127.0.0.1:5672").isEmpty());
        assertFalse(brokerProblems("amqpws://a:80").isEmpty());
        assertEquals(List.of(), brokerProblems("amqps://a:5671?transport.trustStoreLocation=/x.p12"));
        assertEquals(List.of("sslmode is not verify-full", "no sslrootcert (the CA the server's certificate is checked against)"),
                databaseProblems("jdbc:postgresql://db:5432/safeharbor?connectTimeout=5"));
        assertFalse(databaseProblems("jdbc:postgresql://db:5432/safeharbor?sslmode=require&sslrootcert=/ca.crt").isEmpty());
        assertFalse(databaseProblems("jdbc:postgresql://db:5432/safeharbor?sslmode=verify-ca&sslrootcert=/ca.crt").isEmpty());
        assertEquals(List.of(), databaseProblems("jdbc:postgresql://db/s?sslmode=verify-full&sslrootcert=/ca.crt"));
    }
}

package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14, no personal data in logs, proven: every sample of bundles/fhir/samples and the whole bad-input corpus
 * ({@link HostileCorpus}: the intake, the accepted hostile cases and the three states' status call-backs) go through
 * the packed distribution, the Illinois referrals to the state peer; then every file Karaf logs to ({@code data/log/},
 * where the embedded broker logs too) and its console output are searched for every name, birth date, street and
 * phone number in the samples, and for the corpus' own personal data, and none may be there; nor in the broker's
 * files (its journal).
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NoPersonalDataInLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Who in a sample is a person (the hospital's own name, address and phone are not personal data). */
    private static final Set<String> PEOPLE = Set.of("Patient", "RelatedPerson", "Practitioner", "Person");

    static StatePeer peer;
    static KarafProcess karaf;

    @BeforeAll
    static void start() throws IOException {
        peer = new StatePeer().start();
        try {
            karaf = KarafProcess.unpack("no-personal-data");
            karaf.auth().register(samples());
            Cfg.pointAtPeer(karaf, peer, Map.of());
            HostileCorpus.configureStates(karaf);
            karaf.start().awaitReady("US-IL", Duration.ofMinutes(3));
            HostileInputIT.awaitStatusEndpoints(karaf, Duration.ofMinutes(2));
        } catch (IOException | RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (karaf != null) {
            karaf.kill();
        }
        peer.stop();
    }

    static List<Path> samples() {
        try (var files = Files.list(Settings.samples())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every name, birth date, street, city, phone number and identifier of a person in the samples. */
    static Set<String> personalDataOfTheSamples() {
        Set<String> values = new LinkedHashSet<>();
        for (Path sample : samples()) {
            try {
                for (JsonNode entry : JSON.readTree(sample.toFile()).path("entry")) {
                    JsonNode resource = entry.path("resource");
                    if (!PEOPLE.contains(resource.path("resourceType").asText())) {
                        continue;
                    }
                    for (JsonNode name : resource.path("name")) {
                        add(values, name.path("family"));
                        name.path("given").forEach(given -> add(values, given));
                    }
                    add(values, resource.path("birthDate"));
                    for (JsonNode address : resource.path("address")) {
                        address.path("line").forEach(line -> add(values, line));
                        add(values, address.path("city"));
                    }
                    for (JsonNode telecom : resource.path("telecom")) {
                        // "+1 618-555-0146": the number as a log could hold it, without the country code
                        add(values, JSON.getNodeFactory().textNode(telecom.path("value").asText().replaceFirst("^\\+1 ", "")));
                    }
                    if (resource.path("resourceType").asText().equals("Patient")) {
                        resource.path("identifier").forEach(identifier -> add(values, identifier.path("value")));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values;
    }

    private static void add(Set<String> values, JsonNode value) {
        // a two-letter given name (e.g. "Al") would match anything: such a value is too short to search for
        if (value.isTextual() && value.asText().strip().length() >= 4) {
            values.add(value.asText().strip());
        }
    }

    @Test
    @Order(1)
    void noNameBirthDateStreetOrPhoneNumberOfTheSamplesOrTheCorpusReachesALog() throws Exception {
        Map<String, Integer> answers = new TreeMap<>();
        List<String> accepted = new ArrayList<>();
        for (Path sample : samples()) {
            ObjectNode bundle = (ObjectNode) JSON.readTree(sample.toFile());
            ((ObjectNode) bundle.get("identifier")).put("value", "NO-PD-" + UUID.randomUUID());
            HttpResponse<String> answer = karaf.auth().send(HttpRequest.newBuilder(karaf.base().resolve(HostileCorpus.PROCESS_MESSAGE))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(bundle))));
            answers.merge(sample.getFileName() + " " + answer.statusCode(), 1, Integer::sum);
            if (answer.statusCode() == 202) {
                accepted.add(sample.getFileName().toString());
            }
        }
        assertEquals(samples().size(), accepted.size(), "every sample is accepted: " + answers);
        List<HostileCorpus.Case> corpus = new ArrayList<>(HostileCorpus.intake());
        corpus.addAll(HostileCorpus.accepted());
        for (String state : List.of("us-il", "us-ma", "us-tx")) {
            corpus.addAll(HostileCorpus.status(state));
        }
        for (HostileCorpus.Case c : corpus) {
            answers.merge("corpus " + HostileCorpus.send(karaf, c).status(), 1, Integer::sum);
        }
        // the Illinois referrals are delivered (and logged as such) before the logs are read
        KarafProcess.sleep(Duration.ofSeconds(10).toMillis());
        System.out.println("[NoPersonalDataInLogsIT] answers: " + answers + ", deliveries to the Illinois peer: " + peer.deliveries().size());
        assertTrue(peer.deliveries().size() > 0, "nothing reached the Illinois peer");

        Map<String, String> logs = logs();
        Set<String> personal = new LinkedHashSet<>(personalDataOfTheSamples());
        personal.addAll(HostileCorpus.personalData());
        assertTrue(personal.size() >= 30, "the samples' and the corpus' personal data: " + personal);
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> log : logs.entrySet()) {
            for (String value : personal) {
                int at = log.getValue().indexOf(value);
                if (at >= 0) {
                    int lineStart = log.getValue().lastIndexOf('\n', at) + 1;
                    int lineEnd = log.getValue().indexOf('\n', at);
                    found.add("'" + value + "' in " + log.getKey() + ": "
                            + log.getValue().substring(lineStart, lineEnd < 0 ? log.getValue().length() : lineEnd));
                }
            }
        }
        System.out.println("[NoPersonalDataInLogsIT] searched " + logs.keySet() + " (" + logs.values().stream().mapToInt(String::length).sum()
                + " characters) for " + personal.size() + " values");
        assertEquals(List.of(), found, "personal data in the logs");
        assertTrue(logs.values().stream().anyMatch(text -> text.contains("accepted for")), "the logs hold the intake's lines at all");
    }

    /**
     * Issue 14, the queues: the embedded broker's files (journal, paging, large messages below data/artemis) hold every
     * message the samples put on a jurisdiction queue, the delivered ones too until the journal is compacted, and the
     * ones still waiting for a state without a bundle; none may hold a sample's name, birth date, street or phone
     * number (the queue message body is sealed with the message store's cipher: README "Audit and privacy").
     */
    @Test
    @Order(2)
    void noNameBirthDateStreetOrPhoneNumberOfTheSamplesIsInTheBrokersFiles() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        try (var walk = Files.walk(karaf.home().resolve("data/artemis"))) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(karaf.home().relativize(file).toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            }
        }
        // the files read are the ones that hold the queue messages: their address is there in clear
        assertTrue(files.values().stream().anyMatch(text -> text.contains("referrals.US-IL")), "no queue message in " + files.keySet());
        List<String> found = new ArrayList<>();
        for (String value : personalDataOfTheSamples()) {
            files.forEach((name, text) -> {
                if (text.contains(value)) {
                    found.add("'" + value + "' in " + name);
                }
            });
        }
        System.out.println("[NoPersonalDataInLogsIT] searched the broker's files " + files.keySet());
        assertEquals(List.of(), found, "personal data in the broker's files");
    }

    /** Every file below data/log/ (Karaf's and the embedded broker's logs) and Karaf's console output. */
    static Map<String, String> logs() throws IOException {
        Map<String, String> logs = new LinkedHashMap<>();
        try (var files = Files.walk(karaf.home().resolve("data/log"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                logs.put(karaf.home().relativize(file).toString(), new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
            }
        }
        Path console = Settings.target().resolve("no-personal-data-karaf.out");
        if (Files.exists(console)) {
            logs.put(console.getFileName().toString(), new String(Files.readAllBytes(console), StandardCharsets.UTF_8));
        }
        assertTrue(logs.keySet().stream().anyMatch(name -> name.endsWith("karaf.log")), "no karaf.log in " + logs.keySet());
        return logs;
    }
}

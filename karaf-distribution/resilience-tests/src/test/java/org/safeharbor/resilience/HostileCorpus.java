package org.safeharbor.resilience;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import org.safeharbor.client.SmartBackendClient;

/**
 * The bad-input corpus ({@code src/test/resources/hostile/}, see its README.md) and how each case is sent to the
 * running distribution: the files of {@code intake/} and the cases made here (a body over 1 MiB, 900 KB strings, a
 * body without Content-Length, a chunked one, wrong media types) to {@code POST /fhir/$process-message} or
 * {@code POST /fhir} as the tests' hospital, with its token, over HTTPS; the files of {@code us-il-status/},
 * {@code us-ma-status/} and {@code us-tx-status/} to each state's status call-back with that state's credential.
 */
final class HostileCorpus {

    /** How a case travels. */
    enum Transport {
        /** Java's HTTP client: a Content-Length header. */
        LENGTH,
        /** A raw TLS socket, {@code Transfer-Encoding: chunked} and no Content-Length. */
        CHUNKED,
        /** A raw TLS socket, neither Content-Length nor Transfer-Encoding: no body. */
        NO_LENGTH,
        /** A raw TLS socket, a Content-Length of half the body (the rest is never read as this request). */
        SHORT_LENGTH
    }

    /**
     * One request.
     *
     * @param expected the status it must get, or 0 for "some 4xx"
     */
    record Case(String name, String path, String contentType, byte[] body, Transport transport, int expected) {
        /** The same case, sent to another path. */
        Case at(String otherPath) {
            return new Case(name, otherPath, contentType, body, transport, expected);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An answer: status, headers and body as text. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
    }

    static final String PROCESS_MESSAGE = "/fhir/$process-message";
    /** How the IT's status credentials are made: fresh for every run. */
    static final String STATE_SECRET = "hostile-" + UUID.randomUUID();
    static final String IL_STATUS_USER = "scr-hostile";

    private HostileCorpus() {
    }

    static Path dir() {
        try {
            return Path.of(HostileCorpus.class.getResource("/hostile").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The corpus' own fictitious personal data ({@code hostile/personal-data.txt}): none may reach a log or an answer. */
    static List<String> personalData() {
        return Files2.readLines(dir().resolve("personal-data.txt")).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    static List<Path> files(String folder) {
        try (var files = Files.list(dir().resolve(folder))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fhirType(Path file) {
        return file.toString().endsWith(".xml") ? "application/fhir+xml" : "application/fhir+json";
    }

    /** Every intake case: the files, then the ones made here. Each must be refused with a 4xx OperationOutcome. */
    static List<Case> intake() {
        List<Case> cases = new ArrayList<>();
        for (Path file : files("intake")) {
            cases.add(new Case("intake/" + file.getFileName(), PROCESS_MESSAGE, fhirType(file), read(file), Transport.LENGTH, 0));
        }
        String sample = new String(read(dir().resolve("intake-accepted/sql-script-and-jndi-in-free-text.json")), StandardCharsets.UTF_8);
        String family = personalData().get(0);
        Matcher name = Pattern.compile("\"family\":\"[^\"]*\"").matcher(sample);
        String huge = name.replaceFirst(Matcher.quoteReplacement("\"family\":\"" + family + "x".repeat(900_000) + "\""));
        cases.add(made("huge-string-900k.json", "application/fhir+json", huge, Transport.LENGTH, 400));
        cases.add(made("huge-xml-attribute-900k.xml", "application/fhir+xml", "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"message\"/>"
                + "<entry><resource><Patient><name><family value=\"" + family + "x".repeat(900_000) + "\"/></name></Patient></resource></entry></Bundle>",
                Transport.LENGTH, 400));
        cases.add(made("deep-xml-10000.xml", "application/fhir+xml", "<Bundle xmlns=\"http://hl7.org/fhir\">" + "<extension>".repeat(10_000)
                + "</extension>".repeat(10_000) + "</Bundle>", Transport.LENGTH, 400));
        // 1 MiB + 1: the shipped maxPayloadBytes is 1,048,576
        String padded = sample.substring(0, sample.length() - 1) + " ".repeat(1_048_577 - sample.getBytes(StandardCharsets.UTF_8).length) + "}";
        cases.add(made("one-mebibyte-plus-one-byte.json", "application/fhir+json", padded, Transport.LENGTH, 413));
        cases.add(made("no-content-length.json", "application/fhir+json", sample, Transport.NO_LENGTH, 411));
        cases.add(made("chunked.json", "application/fhir+json", sample, Transport.CHUNKED, 411));
        cases.add(made("content-length-shorter-than-the-body.json", "application/fhir+json", sample, Transport.SHORT_LENGTH, 400));
        cases.add(made("json-as-text-plain.json", "text/plain", sample, Transport.LENGTH, 415));
        cases.add(made("json-as-a-form.json", "application/x-www-form-urlencoded", sample, Transport.LENGTH, 415));
        cases.add(made("json-as-fhir-xml.json", "application/fhir+xml", sample, Transport.LENGTH, 400));
        String xml = new String(read(dir().resolve("intake/xml-patient-root.xml")), StandardCharsets.UTF_8);
        cases.add(made("xml-as-fhir-json.xml", "application/fhir+json", xml, Transport.LENGTH, 400));
        cases.add(made("no-content-type.json", null, "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"entry\":[{\"resource\":", Transport.LENGTH, 400));
        // POST /fhir: HAPI binds the transaction itself, after the intake's own parser has seen it
        cases.add(new Case("transaction-xxe.xml", "/fhir", "application/fhir+xml", read(dir().resolve("intake/xml-xxe-file.xml")),
                Transport.LENGTH, 400));
        String transaction = new String(read(dir().resolve("intake/dates-february-30.json")), StandardCharsets.UTF_8)
                .replace("\"type\":\"message\"", "\"type\":\"transaction\"");
        cases.add(made("transaction-invalid-birth-date.json", "application/fhir+json", transaction, Transport.LENGTH, 400).at("/fhir"));
        return cases;
    }

    private static Case made(String name, String contentType, String body, Transport transport, int expected) {
        return new Case("made/" + name, PROCESS_MESSAGE, contentType, body.getBytes(StandardCharsets.UTF_8), transport, expected);
    }

    /** Hostile but valid (SQL, script and JNDI lookups in free text; right-to-left and Cyrillic names, emoji): accepted. */
    static List<Case> accepted() {
        List<Case> cases = new ArrayList<>();
        for (Path file : files("intake-accepted")) {
            cases.add(new Case("intake-accepted/" + file.getFileName(), PROCESS_MESSAGE, fhirType(file), read(file), Transport.LENGTH, 202));
        }
        return cases;
    }

    /** A state's status call-back cases; each a 4xx (a status for a referral never delivered there: 404). */
    static List<Case> status(String state) {
        String contentType = switch (state) {
            case "us-il" -> "text/xml; charset=UTF-8";
            case "us-ma" -> "application/json";
            default -> "application/xml";
        };
        List<Case> cases = new ArrayList<>();
        for (Path file : files(state + "-status")) {
            String name = file.getFileName().toString();
            cases.add(new Case(state + "-status/" + name, "/jurisdictions/" + state + "/status", contentType, read(file), Transport.LENGTH,
                    name.startsWith("unknown-referral") ? 404 : 0));
        }
        return cases;
    }

    /** The state's credential on its status call-back, as its cfg is set by {@link #configureStates}. */
    static String stateAuthorization(String state) {
        return state.equals("us-il")
                ? "Basic " + Base64.getEncoder().encodeToString((IL_STATUS_USER + ":" + STATE_SECRET).getBytes(StandardCharsets.UTF_8))
                : "Bearer " + STATE_SECRET + "-" + state;
    }

    /**
     * Gives Illinois, Massachusetts and Texas a status credential, so that their call-backs run; Massachusetts and
     * Texas endpoints that refuse connections (nothing here plays those states) and the JVM's trust.
     */
    static void configureStates(KarafProcess karaf) {
        karaf.editCfg("org.safeharbor.jurisdiction.us.il.cfg", Map.of("statusUsername", IL_STATUS_USER, ".statusPassword", STATE_SECRET));
        karaf.editCfg("org.safeharbor.jurisdiction.us.ma.cfg", Map.of(".statusToken", STATE_SECRET + "-us-ma", "trustStore", "",
                "reportUrl", "https://127.0.0.1:1/dcf/51a/reports", "districtAttorneyUrl", "https://127.0.0.1:1/da",
                "lawEnforcementUrl", "https://127.0.0.1:1/le"));
        karaf.editCfg("org.safeharbor.jurisdiction.us.tx.cfg", Map.of(".statusToken", STATE_SECRET + "-us-tx", "trustStore", "",
                "cpsIntakeUrl", "https://127.0.0.1:1/cps/intake", "lawEnforcementUrl", "https://127.0.0.1:1/law-enforcement"));
    }

    /** Sends a case: an intake case as the tests' hospital, a status case with the state's credential. */
    static Answer send(KarafProcess karaf, Case c) throws IOException, InterruptedException {
        String authorization;
        if (c.path().startsWith("/fhir")) {
            authorization = karaf.auth().bearer();
        } else {
            authorization = stateAuthorization(c.path().split("/")[2]);
        }
        return send(karaf, c, authorization);
    }

    static Answer send(KarafProcess karaf, Case c, String authorization) throws IOException, InterruptedException {
        if (c.transport() != Transport.LENGTH) {
            return raw(karaf, c, authorization);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(karaf.base().resolve(c.path()))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (c.path().contains("us-il")) {
            request.header("SOAPAction", "\"urn:us-il:NotifyStatus\"");
        }
        HttpResponse<String> response = karaf.auth().http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    /** One request on its own TLS connection, written byte for byte, read until the server closes. */
    private static Answer raw(KarafProcess karaf, Case c, String authorization) throws IOException {
        try (SSLSocket socket = (SSLSocket) SmartBackendClient.trusting(karaf.auth().caCertificate()).getSocketFactory()
                .createSocket("127.0.0.1", karaf.httpPort)) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder("POST " + c.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + karaf.httpPort + "\r\n"
                    + "Authorization: " + authorization + "\r\nContent-Type: " + c.contentType() + "\r\nConnection: close\r\n");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            switch (c.transport()) {
                case CHUNKED -> {
                    head.append("Transfer-Encoding: chunked\r\n");
                    body.write((Integer.toHexString(c.body().length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    body.write(c.body());
                    body.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                case SHORT_LENGTH -> {
                    head.append("Content-Length: ").append(c.body().length / 2).append("\r\n");
                    body.write(c.body(), 0, c.body().length / 2);
                }
                default -> { }
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body.toByteArray());
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    /** An HTTP/1.1 response as read from the socket (its body de-chunked). */
    private static Answer parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if (headers.getOrDefault("Transfer-Encoding", List.of()).contains("chunked")) {
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (true) {
                int lineEnd = body.indexOf("\r\n", at);
                int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                joined.append(body, lineEnd + 2, lineEnd + 2 + size);
                at = lineEnd + 2 + size + 2;
            }
            body = joined.toString();
        }
        return new Answer(status, headers, body);
    }
}

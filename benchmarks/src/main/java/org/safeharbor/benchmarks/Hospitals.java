package org.safeharbor.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.HdrHistogram.Histogram;

/**
 * N simulated hospitals posting the sample submission to {@code POST /fhir/$process-message}, each on its
 * own thread and its own HTTPS/1.1 connection ({@link HttpClient}, trusting the adapter's generated CA),
 * each a SMART Backend Services client of its own ({@link HospitalTokens}: {@code bench-hospital-<n>},
 * registered before Karaf starts, a bearer token on every submission), each submission made unique (its
 * own sender endpoint per hospital, the one its registration allows, and its own {@code Bundle.identifier}
 * per message) so that the intake's idempotency does not answer with an earlier referral.
 *
 * <p>A token request (at the start, and a renewal when a token is within a minute of expiry or was
 * refused) is timed apart ({@link HospitalTokens.Cost}); it happens before the submission's send, so
 * it is outside the service time, but inside the latency of the 202 counted from the planned send time
 * (fixed rate) or from the call (full speed), as a hospital would feel it.
 *
 * <p>Two ways to load: at a fixed total rate (open loop: every submission has a planned send time, and
 * the latency of the 202 is counted from that plan, so a slow answer that delays the next send is not
 * hidden: no coordinated omission) and at full speed (closed loop: each hospital sends its next
 * submission as soon as it has the answer to the previous one).
 */
final class Hospitals {

    /** Markers put into the sample once, replaced per request. */
    private static final String SENDER = "@@SENDER@@";
    private static final String MESSAGE_ID = "@@MESSAGE_ID@@";

    private static final Pattern SOURCE_ENDPOINT = Pattern.compile("\"endpoint\"\\s*:\\s*\"([^\"]*" + SENDER + "[^\"]*)\"");

    private final URI intake;
    private final URI fhirBase;
    private final int count;
    private final HospitalTokens[] tokens;
    /** What the hospitals' token requests cost. */
    final HospitalTokens.Cost tokenCost = new HospitalTokens.Cost();
    private volatile SSLContext tls;
    private final String template;
    private final String runId;
    /** The time each referral was answered 202 (System.nanoTime), by referral id. */
    final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param sampleJson       the sample submission (a message Bundle)
     * @param placeOfCareState when not null, every {@code "state": "MO"} in the sample (the place of care of the
     *                         Illinois sample) becomes this state, so that the referral goes to one jurisdiction
     */
    Hospitals(int httpPort, int count, String sampleJson, String placeOfCareState, String runId) {
        this.fhirBase = URI.create("https://127.0.0.1:" + httpPort + "/fhir");
        this.intake = URI.create(fhirBase + "/$process-message");
        this.count = count;
        this.runId = runId;
        String sample = sampleJson;
        if (placeOfCareState != null && !placeOfCareState.isBlank()) {
            sample = sample.replaceAll("\"state\"\\s*:\\s*\"MO\"", "\"state\": \"" + placeOfCareState + "\"");
        }
        sample = sample.replaceFirst("(\"identifier\"\\s*:\\s*\\{\\s*\"system\"\\s*:\\s*\"[^\"]*\"\\s*,\\s*\"value\"\\s*:\\s*\")[^\"]*\"",
                "$1" + MESSAGE_ID + "\"");
        sample = sample.replaceAll("(\"endpoint\"\\s*:\\s*\"https://ehr\\.)([^.\"]+)(\\.example\\.org/fhir\")", "$1$2-" + SENDER + "$3");
        if (!sample.contains(MESSAGE_ID) || !sample.contains(SENDER)) {
            throw new IllegalArgumentException("the sample has no Bundle.identifier or no MessageHeader.source.endpoint to make unique");
        }
        this.template = sample;
        this.tokens = new HospitalTokens[count];
        for (int h = 0; h < count; h++) {
            tokens[h] = new HospitalTokens("bench-hospital-" + h, tokenCost);
        }
    }

    /**
     * Writes each hospital's registration into the distribution's clients directory
     * ({@code etc/safeharbor/clients/}), allowed the sender endpoint its submissions carry. Before Karaf starts.
     */
    void register(Path clientsDirectory) throws IOException {
        Matcher endpoint = SOURCE_ENDPOINT.matcher(template);
        if (!endpoint.find()) {
            throw new IllegalStateException("no MessageHeader.source.endpoint in the sample");
        }
        for (int h = 0; h < count; h++) {
            tokens[h].register(clientsDirectory, endpoint.group(1).replace(SENDER, sender(h)));
        }
    }

    /** Over {@code tls} from now on; each hospital gets its first token (timed, see {@link #tokenCost}). */
    void connect(SSLContext tls) throws IOException, InterruptedException {
        this.tls = tls;
        for (HospitalTokens hospital : tokens) {
            hospital.connect(fhirBase, tls);
            hospital.bearer();
        }
    }

    private static String sender(int hospital) {
        return "h" + hospital;
    }

    /** One phase's outcome. */
    static final class Outcome {
        final String name;
        final long startNanos;
        long endNanos;
        /** Latency of the 202, from the planned send time (fixed rate) or the send (full speed), in microseconds. */
        final Histogram accepted = histogram();
        /** Service time alone: from the actual send to the answer, in microseconds. */
        final Histogram service = histogram();
        final List<String> referralIds = new ArrayList<>();
        final Map<String, Long> failures = new TreeMap<>();

        Outcome(String name, long startNanos) {
            this.name = name;
            this.startNanos = startNanos;
        }

        long acceptedCount() {
            return referralIds.size();
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        synchronized void merge(Outcome part) {
            accepted.add(part.accepted);
            service.add(part.service);
            referralIds.addAll(part.referralIds);
            part.failures.forEach((k, v) -> failures.merge(k, v, Long::sum));
        }
    }

    /** Latencies in microseconds, up to an hour, three significant digits. */
    static Histogram histogram() {
        return new Histogram(3_600_000_000L, 3);
    }

    /** Submits at {@code perSecond} in total, spread evenly over the hospitals, for {@code length}. */
    Outcome fixedRate(String name, double perSecond, Duration length) throws InterruptedException {
        long start = System.nanoTime() + 50_000_000L;
        long end = start + length.toNanos();
        long interval = (long) (count * 1e9 / perSecond);
        Outcome total = new Outcome(name, start);
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < count; h++) {
            int hospital = h;
            long first = start + hospital * interval / count;
            threads.add(thread("hospital-" + h, () -> {
                Outcome mine = new Outcome(name, start);
                HttpClient client = client();
                for (long planned = first; planned < end; planned += interval) {
                    long wait = planned - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    submit(client, hospital, planned, mine);
                }
                total.merge(mine);
            }));
        }
        return finish(total, threads);
    }

    /** Each hospital submits as fast as it is answered, until {@code length} has passed or {@code limit} were sent. */
    Outcome fullSpeed(String name, Duration length, long limit) throws InterruptedException {
        long start = System.nanoTime();
        long end = length == null ? Long.MAX_VALUE : start + length.toNanos();
        AtomicLong left = new AtomicLong(limit <= 0 ? Long.MAX_VALUE : limit);
        Outcome total = new Outcome(name, start);
        List<Thread> threads = new ArrayList<>();
        for (int h = 0; h < count; h++) {
            int hospital = h;
            threads.add(thread("hospital-" + h, () -> {
                Outcome mine = new Outcome(name, start);
                HttpClient client = client();
                while (System.nanoTime() < end && left.getAndDecrement() > 0) {
                    submit(client, hospital, System.nanoTime(), mine);
                }
                total.merge(mine);
            }));
        }
        return finish(total, threads);
    }

    private static Outcome finish(Outcome total, List<Thread> threads) throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        total.endNanos = System.nanoTime();
        return total;
    }

    private HttpClient client() {
        if (tls == null) {
            throw new IllegalStateException("connect(tls) first");
        }
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private void submit(HttpClient client, int hospital, long plannedNanos, Outcome outcome) {
        String body = template.replace(SENDER, sender(hospital)).replace(MESSAGE_ID, "BENCH-" + runId + "-" + sequence.incrementAndGet());
        HttpRequest.Builder request = HttpRequest.newBuilder(intake).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HospitalTokens credentials = tokens[hospital];
        try {
            // a renewal, when due, is timed apart (HospitalTokens.Cost) and stays outside the service time
            String bearer = credentials.bearer();
            long sent = System.nanoTime();
            HttpResponse<String> response = client.send(request.setHeader("Authorization", bearer).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                // refused (e.g. revoked or a new signing key): a new token, and the same submission once more
                credentials.refused(bearer);
                bearer = credentials.bearer();
                sent = System.nanoTime();
                response = client.send(request.setHeader("Authorization", bearer).build(), HttpResponse.BodyHandlers.ofString());
            }
            long answered = System.nanoTime();
            if (response.statusCode() != 202) {
                outcome.failures.merge("HTTP " + response.statusCode(), 1L, Long::sum);
                return;
            }
            String location = response.headers().firstValue("Content-Location").orElse("");
            int task = location.indexOf("/Task/");
            if (task < 0) {
                outcome.failures.merge("202 without Content-Location", 1L, Long::sum);
                return;
            }
            String id = location.substring(task + 6).split("/")[0];
            acceptedAt.put(id, answered);
            outcome.referralIds.add(id);
            outcome.accepted.recordValue(Math.max(0, (answered - plannedNanos) / 1000));
            outcome.service.recordValue(Math.max(0, (answered - sent) / 1000));
        } catch (IOException e) {
            outcome.failures.merge(e.getClass().getSimpleName(), 1L, Long::sum);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}

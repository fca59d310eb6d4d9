package org.safeharbor.resilience;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.safeharbor.client.SmartBackendClient;

/**
 * A hospital's EHR as a load driver: posts FHIR message Bundles to {@code POST /fhir/$process-message}
 * over HTTPS with a SMART Backend Services access token ({@link HospitalAuth}: renewed a minute before it
 * expires, and at once on a 401), each one unique (its own {@code Bundle.identifier}, Bundle id and
 * MessageHeader id), and, as a real hospital would, sends the very same submission again whenever it got
 * no answer (connection refused or reset, timeout, 5xx, such as the 503 the adapter answers while its intake
 * is still starting, no token, or a 401 although it asked for a new token first). A 404 is, as for an EHR's
 * interface engine, a permanent refusal: the crash test counts it as a failure. Each submission is sent
 * until it is answered 202, and remembers every Task id it was answered with.
 *
 * <p>The template is {@code lives-in-one-state-seen-in-another.json} (a suspected sex-trafficking
 * Condition, T76.52XA, for a child living in Illinois) with its place of care moved from Missouri to
 * Illinois, so that every referral goes to US-IL only.
 */
final class Hospital implements AutoCloseable {

    static final String SAMPLE = "lives-in-one-state-seen-in-another.json";
    /** Personal data of the sample that must never appear in a log. */
    static final List<String> PERSONAL_DATA = List.of("Dakota", "Fictitious", "2011-08-08", "900 Sample Avenue", "GWY-12077340",
            "618-555-0146");

    private static final Pattern TASK = Pattern.compile("/Task/([A-Za-z0-9.-]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One unique submission and what became of it. */
    static final class Submission {
        final int sequence;
        final String messageId;
        final String body;
        final Set<String> taskIds = ConcurrentHashMap.newKeySet();
        final AtomicInteger sends = new AtomicInteger();
        volatile Instant firstSentAt;
        volatile Instant acceptedAt;
        volatile String refusal;

        Submission(int sequence, String messageId, String body) {
            this.sequence = sequence;
            this.messageId = messageId;
            this.body = body;
        }

        boolean accepted() {
            return !taskIds.isEmpty();
        }

        String taskId() {
            return taskIds.isEmpty() ? null : taskIds.iterator().next();
        }
    }

    private final HospitalAuth auth;
    private final URI endpoint;
    private final String template;
    private final String runId;
    private final Duration requestTimeout;
    private final List<Submission> submissions = new CopyOnWriteArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final AtomicInteger noAnswer = new AtomicInteger();
    private final AtomicInteger noToken = new AtomicInteger();
    private volatile boolean loadOn;
    private ExecutorService workers;

    Hospital(KarafProcess karaf, String runId, Duration requestTimeout) {
        this(karaf.auth(), karaf.base(), runId, requestTimeout);
    }

    /** A hospital reaching the adapter at {@code base} (e.g. a load balancer in front of several nodes) as {@code auth}'s client. */
    Hospital(HospitalAuth auth, URI base, String runId, Duration requestTimeout) {
        this.auth = auth.at(base);
        this.endpoint = base.resolve("/fhir/$process-message");
        this.runId = runId;
        this.requestTimeout = requestTimeout;
        this.template = template(Settings.samples().resolve(SAMPLE));
    }

    /** The sample with placeholders for the ids, and its place of care moved to Illinois. */
    private static String template(Path sample) {
        try {
            ObjectNode bundle = (ObjectNode) JSON.readTree(sample.toFile());
            String headerId = bundle.path("entry").path(0).path("resource").path("id").asText();
            bundle.put("id", "@BUNDLE_ID@");
            ((ObjectNode) bundle.get("identifier")).put("value", "@MESSAGE_ID@");
            moveToIllinois(bundle);
            String text = JSON.writeValueAsString(bundle);
            if (headerId.isEmpty() || !text.contains(headerId)) {
                throw new IllegalStateException("sample " + sample + " has no MessageHeader id");
            }
            return text.replace(headerId, "@HEADER_ID@");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + sample, e);
        }
    }

    private static void moveToIllinois(JsonNode node) {
        if (node instanceof ObjectNode object && "MO".equals(object.path("state").asText(null))) {
            object.put("state", "IL");
        }
        node.forEach(Hospital::moveToIllinois);
    }

    /** A new unique submission (not sent yet). */
    Submission newSubmission() {
        int n = sequence.incrementAndGet();
        String messageId = "RES-" + runId + "-" + String.format("%06d", n);
        String body = template.replace("@BUNDLE_ID@", UUID.randomUUID().toString())
                .replace("@MESSAGE_ID@", messageId)
                .replace("@HEADER_ID@", UUID.randomUUID().toString());
        Submission submission = new Submission(n, messageId, body);
        submissions.add(submission);
        return submission;
    }

    /**
     * Sends the submission, and again (same bytes) after every failure that left it unanswered, until
     * it is answered 202 or refused with a 4xx, or {@code giveUpAfter} has passed. True when accepted.
     */
    boolean submit(Submission submission, Duration giveUpAfter) {
        Instant giveUp = Instant.now().plus(giveUpAfter);
        while (true) {
            int sends = submission.sends.incrementAndGet();
            if (sends == 1) {
                submission.firstSentAt = Instant.now();
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(requestTimeout)
                    .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(submission.body));
            try {
                HttpResponse<String> response = auth.send(request);
                int status = response.statusCode();
                answers.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status == 202) {
                    String location = response.headers().firstValue("Content-Location").orElse("");
                    Matcher task = TASK.matcher(location);
                    if (!task.find()) {
                        throw new AssertionError("202 without a Task in Content-Location for " + submission.messageId + ": " + location);
                    }
                    submission.taskIds.add(task.group(1));
                    submission.acceptedAt = Instant.now();
                    return true;
                }
                // 401 even with a new token (HospitalAuth asked for one): the adapter may be half started; try again
                if (status < 500 && status != 401 && status != 408 && status != 429) {
                    submission.refusal = status + " " + response.body();
                    return false;
                }
            } catch (SmartBackendClient.TokenRefused e) {
                noToken.incrementAndGet(); // e.g. the adapter still starting; the token is asked for again
            } catch (IOException e) {
                noAnswer.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (Instant.now().isAfter(giveUp)) {
                return false;
            }
            KarafProcess.sleep(250);
        }
    }

    /** Starts {@code threads} workers, each sending a new submission every {@code pacing} (slower if answers are slow). */
    synchronized void startLoad(int threads, Duration pacing, Duration giveUpAfter) {
        if (workers != null) {
            throw new IllegalStateException("load already on");
        }
        loadOn = true;
        workers = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "hospital-" + runId);
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < threads; i++) {
            workers.submit(() -> {
                while (loadOn) {
                    long started = System.nanoTime();
                    submit(newSubmission(), giveUpAfter);
                    long left = pacing.toNanos() - (System.nanoTime() - started);
                    if (left > 0 && loadOn) {
                        KarafProcess.sleep(TimeUnit.NANOSECONDS.toMillis(left));
                    }
                }
            });
        }
    }

    /** Stops making new submissions and waits for every one in flight to be answered. */
    synchronized void stopLoad(Duration timeout) {
        loadOn = false;
        if (workers == null) {
            return;
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
                throw new AssertionError("submissions still unanswered " + timeout + " after the load stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers = null;
    }

    List<Submission> submissions() {
        return new ArrayList<>(submissions);
    }

    /** Task ids of accepted submissions, in the order the submissions were made. */
    Set<String> acceptedIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (Submission s : submissions) {
            ids.addAll(s.taskIds);
        }
        return ids;
    }

    /** Sends beyond the first, over all submissions. */
    int resends() {
        return submissions.stream().mapToInt(s -> Math.max(0, s.sends.get() - 1)).sum();
    }

    /** Submissions sent more than once. */
    int resentSubmissions() {
        return (int) submissions.stream().filter(s -> s.sends.get() > 1).count();
    }

    /** How often each HTTP status was answered, how often there was no answer at all, and how often no token. */
    String answers() {
        return new java.util.TreeMap<>(answers).toString() + " no-answer=" + noAnswer.get() + " token-refused=" + noToken.get()
                + " tokens-issued=" + auth.tokensIssued();
    }

    @Override
    public void close() {
        loadOn = false;
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}

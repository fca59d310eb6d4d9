package org.safeharbor.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.safeharbor.tck.ConformanceReferrals.allegation;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.CaregiverRole;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.DeliveryContract;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.JurisdictionAdapter;
import org.safeharbor.api.v1.PerpetratorRelation;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.StatusReporter;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.jurisdiction.support.v1.Redelivery;
import org.safeharbor.jurisdiction.support.v1.StateTransport;

/**
 * The delivery contract ({@link DeliveryContract}), checked for one state against its real transport and its sandbox
 * peer: the core's own delivery path ({@code JurisdictionPipeline}, its queues in memory, an in-memory store of
 * delivered messages bound as the core binds the message store's) carries the kit's referral to the state, and the
 * kit checks that
 * <ul>
 *   <li>only the contract's two headers ({@link DeliveryContract#STATE_REFERRAL_ID} with the referral id,
 *       {@link DeliveryContract#STATE_ATTEMPT} with the attempt number) and the protocol's own reach the state as
 *       transport headers: nothing of the queue message (its headers are given distinctive canary values);</li>
 *   <li>a refusal of the report is quarantined at once: one attempt, {@code REJECTED}, the canonical JSON on the
 *       quarantine, nothing on the dead-letter queue;</li>
 *   <li>a passing failure (the state is down) is retried as the transport's {@link Redelivery} says, then
 *       dead-lettered: every attempt recorded and failed, {@code FAILED}, the canonical JSON on the dead-letter queue;</li>
 *   <li>the same queue message twice is delivered once;</li>
 *   <li>attempt numbers rise, 1, 2, ..., across retries and an operator's replays, and the state is told each one.</li>
 * </ul>
 *
 * <h2>What a subclass provides</h2>
 * A state's test class (in its {@code -sandbox} module, where its peer lives) extends this, starts its sandbox peer in
 * a {@code @BeforeEach} and stops it in an {@code @AfterEach}, and implements:
 * <ul>
 *   <li>{@link #adapter(StatusReporter)}: the adapter, configured against that peer as the sandbox would, with the
 *       kit's reporter and <em>short retries</em> (1 to {@value #MOST_RETRIES} retries, delays of milliseconds; any policy
 *       where {@link Check#PASSING_FAILURE_RETRIED} does not apply). The
 *       same object is the state's {@link StateTransport}, as the core expects, unless {@link #transport} says
 *       otherwise. Called once per test, after every {@code @BeforeEach}; {@link #close} is called after the test;</li>
 *   <li>{@link #peer(Peer)}: make the peer accept reports, be down (a passing failure: connection refused, HTTP 503,
 *       a SOAP Server fault) or refuse the report (the 4xx, or SOAP Client fault, with which the state refuses a
 *       report: never retried);</li>
 *   <li>{@link #requestsSeen()}: the transport headers of every request that reached the peer, in order, whatever it
 *       answered (a peer that is down sees nothing, one that answers 503 sees the request).</li>
 * </ul>
 * and may override {@link #sendCollected()} (a batch transport: send what the attempts collected),
 * {@link #deliveriesSeen(ReferralId)} (a transport without headers: count the peer's deliveries of the referral),
 * {@link #protocolHeaders()}, {@link #referral()} and {@link #clock()}.
 *
 * <h2>Opting out, explicitly</h2>
 * A check that cannot apply to a state's transport (a batch of files over SFTP has no per-request header; a state that
 * refuses a record days later in a status file has no refusal at the attempt) is named with its reason in
 * {@link #notApplicable()}; the kit then reports that test as skipped with the reason, never as passed. The same
 * queue message delivered once and the rising attempt numbers apply to every transport.
 */
public abstract class DeliveryContractTest {

    /** The most retries the kit waits through; more only slows the build. */
    public static final int MOST_RETRIES = 5;

    /** What the peer does with each request from now on. */
    public enum Peer {
        /** Takes the report, as the state does. */
        ACCEPTS,
        /** A passing failure: not listening, HTTP 503, a SOAP Server fault. Retried. */
        DOWN,
        /** Refuses the report: the 4xx or SOAP Client fault the state answers an invalid report with. Quarantined. */
        REFUSES
    }

    /** The checks a transport may say do not apply to it, in {@link #notApplicable()}. */
    public enum Check {
        /** Only the contract's headers reach the state: for transports that carry headers per request. */
        TRANSPORT_HEADERS,
        /** A refusal at the attempt is quarantined at once. */
        REFUSAL_QUARANTINED,
        /** A passing failure at the attempt is retried, then dead-lettered. */
        PASSING_FAILURE_RETRIED
    }

    /**
     * Headers the queue message carries besides the contract's own, as a broker and an intake may put them: each value
     * holds {@link #CANARY}, which must never reach the state.
     */
    private static final Map<String, Object> QUEUE_CANARIES = Map.of(
            "TckQueueCanary", canary("queue"),
            "JMSCorrelationID", canary("correlation"),
            "JMSXGroupID", canary("group"),
            "Authorization", "Bearer " + canary("credential"),
            DeliveryContract.ANSWER_REASON, canary("answer"));

    /** What every canary value of the queue message contains. */
    public static final String CANARY = "tck-canary";

    /** The HTTP and SOAP headers a transport's client sets of its own (lower case); {@link #protocolHeaders()}. */
    private static final Set<String> HTTP_HEADERS = Set.of("host", "content-type", "content-length", "user-agent", "accept",
            "accept-encoding", "connection", "transfer-encoding", "authorization", "soapaction", "cache-control", "pragma",
            "expect", "te", "keep-alive", "upgrade", "http2-settings");

    private final RecordingStatusReporter reporter = new RecordingStatusReporter();
    private InMemoryPipeline path;
    private JurisdictionAdapter adapter;
    private StateTransport transport;

    // ------------------------------------------------------------------ what a subclass provides

    /**
     * The adapter under test, configured against the sandbox peer with short retries and reporting to
     * {@code reporter}. Called once per test, after every {@code @BeforeEach}.
     */
    protected abstract JurisdictionAdapter adapter(StatusReporter reporter) throws Exception;

    /** The state's transport: by default the adapter itself, as the core finds it on the adapter's service. */
    protected StateTransport transport(JurisdictionAdapter adapter) {
        if (adapter instanceof StateTransport own) {
            return own;
        }
        throw new AssertionError(adapter.getClass().getName() + " is not a StateTransport: override transport(adapter)");
    }

    /** Makes the peer accept, be down or refuse from now on. */
    protected abstract void peer(Peer behaviour) throws Exception;

    /** The transport headers of every request that reached the peer, in order (names as sent; values as strings). */
    protected abstract List<Map<String, String>> requestsSeen();

    /**
     * How many deliveries of the referral reached the peer, whatever it answered. By default the requests whose
     * {@link DeliveryContract#STATE_REFERRAL_ID} header names it; a transport without per-request headers counts the
     * peer's own record (e.g. the records of a batch file).
     */
    protected long deliveriesSeen(ReferralId referralId) {
        return requestsSeen().stream().filter(headers -> referralId.value().equals(header(headers, DeliveryContract.STATE_REFERRAL_ID)))
                .count();
    }

    /**
     * A batch transport sends here what its attempts collected (e.g. Florida's spool, as one batch file); called
     * after every queue message the kit sends. A transport that sends at the attempt does nothing (the default).
     */
    protected void sendCollected() throws Exception {
    }

    /** The checks that do not apply to this transport, each with the reason; none by default. */
    protected Map<Check, String> notApplicable() {
        return Map.of();
    }

    /**
     * Headers the transport's protocol sets of its own, which may reach the state besides the contract's two
     * (compared without regard to case): by default HTTP's and SOAP's (Host, Content-Type, Content-Length, User-Agent,
     * Accept, Accept-Encoding, Connection, Transfer-Encoding, Authorization, SOAPAction, ...). A transport whose client
     * adds another adds it here, with a comment saying why.
     */
    protected Set<String> protocolHeaders() {
        return HTTP_HEADERS;
    }

    /**
     * The referral the kit delivers: by default the conformance kit's (child and place of care in the state) with one
     * suspected sex trafficking allegation by a parent.
     */
    protected Referral referral() {
        return ConformanceReferrals.referral(adapter.jurisdiction(),
                allegation(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED, PerpetratorRelation.PARENT, CaregiverRole.ACT));
    }

    /** The clock the core reports with. */
    protected Clock clock() {
        return Clock.systemUTC();
    }

    /** Stops what {@link #adapter} started (its status endpoint, a CXF bus...), after the core's routes stopped. */
    protected void close(JurisdictionAdapter adapter) throws Exception {
    }

    // ------------------------------------------------------------------ the checks

    @Test
    void onlyTheContractsTwoHeadersReachTheState() throws Exception {
        applies(Check.TRANSPORT_HEADERS);
        start();
        peer(Peer.ACCEPTS);
        Referral referral = referral();

        Exchange exchange = queue(referral, QUEUE_CANARIES);

        assertNull(exchange.getException(), () -> "the delivery failed: " + exchange.getException());
        List<Map<String, String>> seen = requestsSeen();
        assertFalse(seen.isEmpty(), "no request reached the state");
        Set<String> allowed = lowerCase(protocolHeaders());
        allowed.add(DeliveryContract.STATE_REFERRAL_ID.toLowerCase(Locale.ROOT));
        allowed.add(DeliveryContract.STATE_ATTEMPT.toLowerCase(Locale.ROOT));
        for (Map<String, String> headers : seen) {
            assertEquals(referral.id().value(), header(headers, DeliveryContract.STATE_REFERRAL_ID),
                    "the state is told the stable referral id: " + headers.keySet());
            assertEquals("1", header(headers, DeliveryContract.STATE_ATTEMPT), "the state is told the attempt number");
            headers.forEach((name, value) -> {
                assertTrue(allowed.contains(name.toLowerCase(Locale.ROOT)),
                        "header " + name + " reached the state: neither the contract's nor the protocol's");
                assertFalse(value != null && value.contains(CANARY), "header " + name + " carries a value of the queue message");
            });
            for (String queueHeader : List.of(DeliveryContract.REFERRAL_ID, DeliveryContract.JURISDICTION, "TckQueueCanary",
                    "JMSCorrelationID", "JMSXGroupID", DeliveryContract.ANSWER_REASON)) {
                assertNull(header(headers, queueHeader), "the queue message's header " + queueHeader + " reached the state");
            }
        }
    }

    @Test
    void aRefusalIsQuarantinedAtOnceAndNeverRetried() throws Exception {
        Referral referral = deliveredTo(Peer.REFUSES, Check.REFUSAL_QUARANTINED);

        List<RecordedAttempts.Attempt> attempts = reporter.attempts(referral.id(), adapter.jurisdiction());
        assertEquals(1, attempts.size(), "a refused report is not sent again: it would only be refused again");
        assertNotNull(attempts.get(0).failure(), "the refused attempt is recorded as failed");
        assertEquals(List.of(DeliveryStatus.REJECTED), reporter.statuses());
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), path.quarantined(),
                "the canonical referral is kept in quarantine");
        assertEquals(List.of(), path.deadLetters());
        assertTrue(deliveriesSeen(referral.id()) >= 1, "the refusal came from the state: the report reached it");
        if (!notApplicable().containsKey(Check.TRANSPORT_HEADERS)) {
            assertEquals(List.of("1"), attemptsSeen(referral.id()), "only attempt 1 reached the state");
        }
        assertNoPersonalData(reporter.updates().get(0).reason());
        assertNoPersonalData(attempts.get(0).failure());
    }

    @Test
    void aPassingFailureIsRetriedThenDeadLettered() throws Exception {
        Referral referral = deliveredTo(Peer.DOWN, Check.PASSING_FAILURE_RETRIED);

        int expected = transport.redelivery().maximumRedeliveries() + 1;
        List<RecordedAttempts.Attempt> attempts = reporter.attempts(referral.id(), adapter.jurisdiction());
        assertEquals(numbers(1, expected), attempts.stream().map(RecordedAttempts.Attempt::number).toList(),
                "the first attempt and every retry, numbered");
        attempts.forEach(attempt -> {
            assertNotNull(attempt.failure(), "attempt " + attempt.number() + " is recorded as failed");
            assertNoPersonalData(attempt.failure());
        });
        assertEquals(List.of(DeliveryStatus.FAILED), reporter.statuses());
        assertEquals(List.of(ReferralJson.INSTANCE.write(referral)), path.deadLetters(),
                "the canonical referral, not the state's payload, is on the dead-letter queue");
        assertEquals(List.of(), path.quarantined(), "a passing failure is not a refusal");
        assertNoPersonalData(reporter.updates().get(0).reason());
    }

    /**
     * A child in the agency's care (foster care) with only an at-risk screen, where the state's format declares its
     * child-in-care rule (42 U.S.C. 671(a)(34)): the signal reaches the state's peer, which takes it (its schema and
     * checks), and the delivery is not refused, dead-lettered or left open. The format's round trip (conformance kit)
     * shows it reads back as at-risk only.
     */
    @Test
    void aChildInCaresAtRiskSignalIsDeliveredWhereTheRuleIsDeclared() throws Exception {
        start();
        org.junit.jupiter.api.Assumptions.assumeTrue(adapter.format().childInCareAtRiskRule().isPresent(),
                "the state's format declares no child-in-care rule: nothing to deliver");
        peer(Peer.ACCEPTS);
        Referral referral = JurisdictionConformanceTest.withCare(ConformanceReferrals.referral(adapter.jurisdiction(),
                org.safeharbor.api.v1.Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.AT_RISK)),
                org.safeharbor.api.v1.CareStatus.FOSTER_CARE);

        assertNull(queue(referral, Map.of()).getException());

        assertTrue(deliveriesSeen(referral.id()) >= 1, "the child in care's at-risk signal did not reach the state");
        List<RecordedAttempts.Attempt> attempts = reporter.attempts(referral.id(), adapter.jurisdiction());
        assertEquals(1, attempts.size());
        assertNull(attempts.get(0).failure(), () -> "the state did not take it: " + attempts.get(0).failure());
        assertTrue(reporter.statuses().stream().noneMatch(s -> s == DeliveryStatus.FAILED || s == DeliveryStatus.REJECTED
                || s == DeliveryStatus.NOT_SENT), () -> "statuses " + reporter.statuses());
        assertEquals(List.of(), path.deadLetters());
        assertEquals(List.of(), path.quarantined());
    }

    @Test
    void theSameQueueMessageTwiceIsDeliveredOnce() throws Exception {
        start();
        peer(Peer.ACCEPTS);
        Referral referral = referral();

        assertNull(queue(referral, Map.of()).getException());
        long once = deliveriesSeen(referral.id());
        assertTrue(once >= 1, "the referral did not reach the state");
        assertNull(queue(referral, Map.of()).getException());

        assertEquals(once, deliveriesSeen(referral.id()), "the same queue message was delivered again");
        assertEquals(1, reporter.attempts(referral.id(), adapter.jurisdiction()).size(), "a second attempt was made");
        assertTrue(reporter.statuses().stream().noneMatch(s -> s == DeliveryStatus.FAILED || s == DeliveryStatus.REJECTED),
                () -> "statuses " + reporter.statuses());
        assertEquals(List.of(), path.deadLetters());
        assertEquals(List.of(), path.quarantined());
    }

    @Test
    void attemptNumbersRiseAcrossRetriesAndReplays() throws Exception {
        start();
        peer(Peer.ACCEPTS);
        Referral referral = referral();
        boolean retries = !notApplicable().containsKey(Check.PASSING_FAILURE_RETRIED);

        assertNull(queue(referral, Map.of()).getException());
        if (retries) {
            // an operator replays it while the state is down: retried, then dead-lettered
            peer(Peer.DOWN);
            assertNull(queue(referral, Map.of(DeliveryContract.REPLAY_ID, "tck-replay-1")).getException());
            peer(Peer.ACCEPTS);
        }
        // and replays it again once the state is back
        assertNull(queue(referral, Map.of(DeliveryContract.REPLAY_ID, "tck-replay-2")).getException());

        int failed = retries ? transport.redelivery().maximumRedeliveries() + 1 : 0;
        int last = 2 + failed;
        List<RecordedAttempts.Attempt> attempts = reporter.attempts(referral.id(), adapter.jurisdiction());
        assertEquals(numbers(1, last), attempts.stream().map(RecordedAttempts.Attempt::number).toList(),
                "attempts are numbered from 1 and keep rising: a replay does not start again at 1");
        assertNull(attempts.get(0).failure());
        assertNull(attempts.get(last - 1).failure());
        attempts.subList(1, last - 1).forEach(a -> assertNotNull(a.failure(), "attempt " + a.number() + " failed"));
        if (!notApplicable().containsKey(Check.TRANSPORT_HEADERS)) {
            List<String> told = attemptsSeen(referral.id());
            assertEquals("1", told.get(0), "the first attempt is announced as 1: " + told);
            assertEquals(String.valueOf(last), told.get(told.size() - 1), "the replay is announced as attempt " + last + ": " + told);
            List<Integer> asNumbers = told.stream().map(Integer::valueOf).toList();
            for (int i = 1; i < asNumbers.size(); i++) {
                assertTrue(asNumbers.get(i) > asNumbers.get(i - 1), "the attempt numbers the state saw do not rise: " + told);
            }
        } else {
            assertTrue(deliveriesSeen(referral.id()) >= 2, "the first delivery and the replay both reached the state");
        }
    }

    // ------------------------------------------------------------------ the core's path around the adapter

    /** The reporter the adapter was given: statuses and attempts as the message store would keep them. */
    protected final RecordingStatusReporter reporter() {
        return reporter;
    }

    /** The CamelContext the core's path runs in, once a test has started it (e.g. for a batch transport's flush). */
    protected final CamelContext camel() {
        return path.camel();
    }

    /** The adapter under test, once a test has started it. */
    protected final JurisdictionAdapter adapterUnderTest() {
        return adapter;
    }

    private void start() throws Exception {
        adapter = adapter(reporter);
        transport = transport(adapter);
        Redelivery retry = transport.redelivery();
        boolean retries = !notApplicable().containsKey(Check.PASSING_FAILURE_RETRIED);
        assertTrue(!retries || retry.maximumRedeliveries() >= 1 && retry.maximumRedeliveries() <= MOST_RETRIES,
                "configure the adapter under test with 1 to " + MOST_RETRIES + " retries, not " + retry.maximumRedeliveries());
        assertTrue(!retries || retry.maximumDelay().compareTo(Duration.ofSeconds(1)) <= 0 && retry.firstDelay().compareTo(Duration.ofSeconds(1)) <= 0,
                "configure the adapter under test with retry delays of milliseconds, not " + retry);
        // the store of delivered messages bound as the core binds the message store's: without it nothing is de-duplicated
        path = new InMemoryPipeline(adapter, transport, reporter, clock(), true).start();
    }

    @AfterEach
    void stopThePath() throws Exception {
        if (path != null) {
            path.close();
        }
        if (adapter != null) {
            close(adapter);
        }
    }

    /**
     * Unless the check is opted out: starts the path, makes the peer behave so, and queues the kit's referral, whose
     * failure the core must handle (quarantine, dead-letter queue), never leave failing on the queue.
     */
    private Referral deliveredTo(Peer behaviour, Check check) throws Exception {
        applies(check);
        start();
        peer(behaviour);
        Referral referral = referral();
        Exchange exchange = queue(referral, Map.of());
        assertNull(exchange.getException(), () -> "the failure was not handled but left on the queue: " + exchange.getException());
        return referral;
    }

    /** Puts the referral on the jurisdiction's queue as the core's intake does, with these further headers. */
    private Exchange queue(Referral referral, Map<String, Object> headers) throws Exception {
        Exchange exchange = path.send(referral, headers);
        sendCollected();
        return exchange;
    }

    /** The attempt numbers the state was told for the referral, request by request, repeats merged. */
    private List<String> attemptsSeen(ReferralId referralId) {
        List<String> told = new ArrayList<>();
        for (Map<String, String> headers : requestsSeen()) {
            if (referralId.value().equals(header(headers, DeliveryContract.STATE_REFERRAL_ID))) {
                String attempt = header(headers, DeliveryContract.STATE_ATTEMPT);
                assertNotNull(attempt, "a request reached the state without its attempt number");
                if (told.isEmpty() || !told.get(told.size() - 1).equals(attempt)) {
                    told.add(attempt);
                }
            }
        }
        assertFalse(told.isEmpty(), "no request for referral " + referralId + " reached the state");
        return told;
    }

    /** A header's value, its name compared without regard to case (HTTP's rule); null if absent. */
    protected static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** Headers as one request carried them, first value of each (for a peer that keeps them as lists). */
    protected static Map<String, String> firstValues(Map<String, ? extends List<String>> headers) {
        Map<String, String> first = new LinkedHashMap<>();
        headers.forEach((name, values) -> first.put(name, values == null || values.isEmpty() ? "" : String.join(",", values)));
        return first;
    }

    private void applies(Check check) {
        String reason = notApplicable().get(check);
        if (reason != null) {
            assertFalse(reason.isBlank(), check + " is opted out without a reason");
            Assumptions.abort(check + " does not apply to " + getClass().getSimpleName() + ": " + reason);
        }
    }

    private static void assertNoPersonalData(String text) {
        if (text == null) {
            return;
        }
        ConformanceReferrals.TELLTALES.values().forEach(values -> values.forEach(value ->
                assertFalse(text.contains(value), "personal data in a reason or failure: " + text)));
    }

    private static List<Integer> numbers(int from, int to) {
        return Stream.iterate(from, n -> n <= to, n -> n + 1).toList();
    }

    private static Set<String> lowerCase(Set<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String canary(String what) {
        return CANARY + "-" + what;
    }

    /** Fails: for a subclass's {@link #peer} asked for a behaviour its peer cannot show (a check it opted out of). */
    protected static void unsupported(Peer behaviour, String why) {
        fail("the peer cannot be made " + behaviour + ": " + why);
    }
}

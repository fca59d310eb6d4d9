package org.safeharbor.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.security.auth.login.AppConfigurationEntry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.karaf.jaas.modules.properties.PropertiesLoginModule;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safeharbor.api.v1.Address;
import org.safeharbor.api.v1.Allegation;
import org.safeharbor.api.v1.AllegationType;
import org.safeharbor.api.v1.Certainty;
import org.safeharbor.api.v1.Child;
import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.PersonName;
import org.safeharbor.api.v1.Referral;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.api.v1.Sex;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.store.AuditQuery;
import org.safeharbor.store.AuditRecord;
import org.safeharbor.store.MessageStore;

/**
 * The console's servlet on a real Jetty, logging in through JAAS with Karaf's own PropertiesLoginModule over a users
 * file in Karaf's format (users, groups, roles), the message store on H2: the session cookie's flags, CSRF, the
 * roles (a viewer's replay refused 403 and audited, never reaching the replay service), the auditor's audit records,
 * no personal data in a timeline nor in any answer but an operator's break-glass reveal (audited with its reason), a
 * bulk replay's progress as a background job, lockout after failed logins, and the page's own assets only.
 */
class ConsoleServletTest {

    private static final String REALM = "console-test";
    private static final String CHILD_NAME = "Marisol";
    @TempDir
    static Path dir;
    static Server jetty;
    static String base;
    static MessageStore store;
    static javax.security.auth.login.Configuration previous;
    static final AtomicInteger replays = new AtomicInteger();
    /** The single replays the stub was asked for: source and user. */
    static final List<String> singleReplays = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** US-ZZ's bulk replay: three dead letters, the last two moved only once the test lets them. */
    static final Jurisdiction GATED = Jurisdiction.of("US-ZZ");
    /** US-YY's bulk replay: the broker fails after one message. */
    static final Jurisdiction FAILING = Jurisdiction.of("US-YY");
    static final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    static final String REASON = "Caseworker callback to confirm placement, ticket 4711";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, String.join("\n",
                "_g_\\:harbor-viewers = group,viewer,ssh",
                "_g_\\:harbor-operators = group,operator,viewer,ssh",
                "dana = dana-pw,_g_:harbor-viewers",
                "olu = olu-pw,_g_:harbor-operators",
                "ari = ari-pw,auditor",
                "sam = sam-pw,ssh",
                "lock = lock-pw,viewer", ""));
        previous = javax.security.auth.login.Configuration.getConfiguration();
        javax.security.auth.login.Configuration.setConfiguration(new javax.security.auth.login.Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return REALM.equals(name) ? new AppConfigurationEntry[] {new AppConfigurationEntry(PropertiesLoginModule.class.getName(),
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("users", users.toString()))} : null;
            }
        });
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = new MessageStore(h2);
        Child child = new Child(new PersonName("Quintero", List.of(CHILD_NAME)), LocalDate.of(2011, 3, 4), Sex.FEMALE,
                new Address(null, "Springfield", "IL", null, "US"));
        Map<Jurisdiction, DeliveryStatus> first = new LinkedHashMap<>();
        first.put(Jurisdiction.of("US-IL"), DeliveryStatus.QUEUED);
        store.accept("ehr|1", new Referral(new ReferralId("ref-1"), child, null, null, Instant.now(), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{\"name\":\"" + CHILD_NAME + "\"}",
                "application/fhir+json", first);
        ReferralReplay replay = new ReferralReplay() {
            @Override
            public Queued replay(ReferralId referralId, Jurisdiction jurisdiction, Source source, Integer attempt, String requestedBy) {
                replays.incrementAndGet();
                if (!referralId.value().equals("ref-1")) {
                    throw new IllegalArgumentException("no such referral");
                }
                singleReplays.add(source + " by " + requestedBy);
                return new Queued("replay-" + singleReplays.size(), referralId, jurisdiction);
            }

            @Override
            public List<DeadLetter> deadLetters(Jurisdiction jurisdiction) {
                return List.of();
            }

            @Override
            public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy) {
                replays.incrementAndGet();
                return List.of();
            }

            @Override
            public List<Queued> replayDeadLetters(Jurisdiction jurisdiction, String requestedBy, Progress progress) {
                if (GATED.equals(jurisdiction)) {
                    progress.moved(0, 3);
                    List<Queued> moved = new java.util.ArrayList<>();
                    for (int i = 1; i <= 3; i++) {
                        if (i == 2) {
                            try {
                                gate.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException(e);
                            }
                        }
                        moved.add(new Queued("rp-" + i, new ReferralId("dl-" + i), jurisdiction));
                        progress.moved(i, 3);
                    }
                    return moved;
                }
                if (FAILING.equals(jurisdiction)) {
                    progress.moved(0, 2);
                    progress.moved(1, 2);
                    throw new IllegalStateException("broker gone");
                }
                return ReferralReplay.super.replayDeadLetters(jurisdiction, requestedBy, progress);
            }
        };
        ConsoleData.Gauges gauges = new ConsoleData.Gauges() {
            @Override
            public Double depth(String jurisdiction, String queue) {
                return null;
            }

            @Override
            public Double consumers(String jurisdiction) {
                return null;
            }
        };
        ConsoleServlet servlet = new ConsoleServlet(new JaasRealm(REALM), new Sessions(Clock.systemUTC()),
                new ConsoleData(store, replay, gauges, Map::of, Clock.systemUTC()), replay, store);
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(servlet), ConsoleComponent.PATH);
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/console/";
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        javax.security.auth.login.Configuration.setConfiguration(previous);
    }

    /** A logged-in browser: its cookie and CSRF token. */
    record Login(String cookie, String csrf, JsonNode session) {
    }

    static HttpResponse<String> post(String path, String body, String cookie, String csrf, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header(ConsoleServlet.CSRF_HEADER, csrf);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Login login(String user, String password) throws Exception {
        HttpResponse<String> r = post("api/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}", null, null, null);
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        JsonNode session = JSON.readTree(r.body());
        return new Login(setCookie.substring(0, setCookie.indexOf(';')), session.get("csrf").asText(), session);
    }

    @Test
    void loginSetsASecureHttpOnlySameSiteStrictCookieAndTheRolesOfTheUsersGroup() throws Exception {
        HttpResponse<String> r = post("api/login", "{\"username\":\"olu\",\"password\":\"olu-pw\"}", null, null, null);
        assertEquals(200, r.statusCode());
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith(ConsoleServlet.COOKIE + "="), cookie);
        for (String flag : List.of("Path=/console", "Secure", "HttpOnly", "SameSite=Strict")) {
            assertTrue(cookie.contains("; " + flag), cookie);
        }
        JsonNode session = JSON.readTree(r.body());
        assertEquals("olu", session.get("user").asText());
        assertEquals("[\"operator\",\"viewer\"]", session.get("roles").toString());
        String value = cookie.substring(0, cookie.indexOf(';'));
        assertEquals(200, get("api/session", value).statusCode());
        assertEquals(401, get("api/overview", null).statusCode(), "no cookie, no data");
        assertEquals(401, get("api/overview", ConsoleServlet.COOKIE + "=forged").statusCode());
    }

    @Test
    void wrongPasswordIsRefusedAndAuditedAndAUserWithoutAConsoleRoleIsRefused() throws Exception {
        int before = store.countAudit(new AuditQuery(null, null, null, null));
        HttpResponse<String> r = post("api/login", "{\"username\":\"dana\",\"password\":\"nope\"}", null, null, null);
        assertEquals(401, r.statusCode());
        assertFalse(r.headers().firstValue("Set-Cookie").isPresent());
        assertEquals(before + 1, store.countAudit(new AuditQuery(null, null, null, null)), "the failed login is audited");
        assertEquals(403, post("api/login", "{\"username\":\"sam\",\"password\":\"sam-pw\"}", null, null, null).statusCode(),
                "an ssh-only user has no console role");
    }

    @Test
    void fiveFailedLoginsLockTheUserNameOut() throws Exception {
        for (int i = 0; i < Sessions.MAX_FAILURES; i++) {
            assertEquals(401, post("api/login", "{\"username\":\"lock\",\"password\":\"x\"}", null, null, null).statusCode());
        }
        assertEquals(429, post("api/login", "{\"username\":\"lock\",\"password\":\"lock-pw\"}", null, null, null).statusCode(),
                "even the right password, while locked out");
    }

    @Test
    void postsNeedTheSessionsCsrfTokenAndThisOrigin() throws Exception {
        Login olu = login("olu", "olu-pw");
        String body = "{\"jurisdiction\":\"US-IL\",\"deadLetters\":true}";
        assertEquals(403, post("api/replay", body, olu.cookie(), null, null).statusCode(), "no token");
        assertEquals(403, post("api/replay", body, olu.cookie(), "wrong", null).statusCode(), "wrong token");
        Login dana = login("dana", "dana-pw");
        assertEquals(403, post("api/replay", body, olu.cookie(), dana.csrf(), null).statusCode(), "another session's token");
        assertEquals(403, post("api/replay", body, olu.cookie(), olu.csrf(), "https://elsewhere.example").statusCode(), "cross-origin");
        int before = replays.get();
        HttpResponse<String> started = post("api/replay", body, olu.cookie(), olu.csrf(), base.substring(0, base.indexOf("/console")));
        assertEquals(202, started.statusCode(), started.body());
        assertEquals("done", awaitJob(olu, JSON.readTree(started.body()).get("job").asText(), "done").get("state").asText());
        assertEquals(before + 1, replays.get(), "the operator's replay reached the replay service");
        assertEquals(200, post("api/logout", "{}", olu.cookie(), olu.csrf(), null).statusCode());
        assertEquals(401, get("api/session", olu.cookie()).statusCode(), "logged out");
    }

    @Test
    void anOperatorReplaysOneReferralFromTheSubmissionOrFromTheLastAttemptsOutput() throws Exception {
        Login olu = login("olu", "olu-pw");
        singleReplays.clear();
        HttpResponse<String> fromOutput = post("api/replay", "{\"jurisdiction\":\"US-IL\",\"referralId\":\"ref-1\",\"from\":\"output\"}",
                olu.cookie(), olu.csrf(), null);
        assertEquals(200, fromOutput.statusCode(), fromOutput.body());
        assertEquals("output", JSON.readTree(fromOutput.body()).get("from").asText());
        HttpResponse<String> fromSubmission = post("api/replay", "{\"jurisdiction\":\"US-IL\",\"referralId\":\"ref-1\"}",
                olu.cookie(), olu.csrf(), null);
        assertEquals(200, fromSubmission.statusCode(), fromSubmission.body());
        assertEquals(List.of("OUTPUT by olu", "SUBMISSION by olu"), singleReplays);
        assertEquals(404, post("api/replay", "{\"jurisdiction\":\"US-IL\",\"referralId\":\"ref-none\",\"from\":\"output\"}",
                olu.cookie(), olu.csrf(), null).statusCode(), "nothing to replay");
        // the page offers both to an operator on the referral's page
        try (InputStream in = ConsoleServlet.class.getResourceAsStream("/console/console.js")) {
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(js.contains("replayButton(id, d.jurisdiction, 'output')") && js.contains("replayButton(id, d.jurisdiction, 'submission')"));
        }
    }

    @Test
    void aViewerCannotReplayTheRefusalIsAuditedAndNothingIsReplayed() throws Exception {
        Login dana = login("dana", "dana-pw");
        int before = replays.get();
        int refusedBefore = replayRefusals("dana");
        HttpResponse<String> r = post("api/replay", "{\"jurisdiction\":\"US-IL\",\"deadLetters\":true}", dana.cookie(), dana.csrf(), null);
        assertEquals(403, r.statusCode());
        assertEquals(403, post("api/replay", "{\"jurisdiction\":\"US-IL\",\"referralId\":\"ref-1\"}", dana.cookie(), dana.csrf(), null)
                .statusCode());
        assertEquals(before, replays.get());
        // counted from before: other tests refuse dana too
        assertEquals(refusedBefore + 2, replayRefusals("dana"));
    }

    static int replayRefusals(String user) {
        return (int) store.auditRecords(new AuditQuery(null, user, null, null), 0, 500).stream()
                .filter(a -> "replay".equals(a.eventCode()) && a.json().contains("not an operator")).count();
    }

    @Test
    void aTimelineShowsNoPersonalDataIsAuditedWithTheUserAndOnlyAnAuditorSeesTheAuditRecords() throws Exception {
        Login dana = login("dana", "dana-pw");
        HttpResponse<String> r = get("api/referrals/ref-1", dana.cookie());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode t = JSON.readTree(r.body());
        assertEquals("QUEUED", t.get("deliveries").get(0).get("status").asText());
        assertEquals("received", t.get("timeline").get(0).get("kind").asText());
        assertFalse(t.has("audit"), "a viewer does not read the audit records");
        for (String personal : List.of(CHILD_NAME, "Quintero", "2011-03-04", "Springfield")) {
            assertFalse(r.body().contains(personal), personal);
        }
        assertTrue(store.auditRecords(AuditQuery.ofEntity("ref-1"), 0, 100).stream()
                .anyMatch(a -> "dana".equals(a.agent()) && a.json().contains("console")), "the view is audited with the user");
        Login ari = login("ari", "ari-pw");
        JsonNode audited = JSON.readTree(get("api/referrals/ref-1", ari.cookie()).body());
        assertTrue(java.util.stream.StreamSupport.stream(audited.get("audit").spliterator(), false)
                .anyMatch(a -> a.get("agent").asText().equals("dana") && a.get("event").asText().equals("referral-view")), audited.toString());
        assertEquals(404, get("api/referrals/none", dana.cookie()).statusCode());
    }

    /** Polls a bulk replay's job until its state is {@code state} (or 10 s pass). */
    static JsonNode awaitJob(Login login, String job, String state) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        JsonNode j;
        do {
            HttpResponse<String> r = get("api/jobs/" + job, login.cookie());
            assertEquals(200, r.statusCode(), r.body());
            j = JSON.readTree(r.body());
            if (j.get("state").asText().equals(state)) {
                return j;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        throw new AssertionError("job " + job + " never " + state + ": " + j);
    }

    @Test
    void aBulkReplayRunsAsAJobWhoseProgressThePageCanFollowOneAtATimePerJurisdiction() throws Exception {
        Login olu = login("olu", "olu-pw");
        String body = "{\"jurisdiction\":\"US-ZZ\",\"deadLetters\":true}";
        HttpResponse<String> started = post("api/replay", body, olu.cookie(), olu.csrf(), null);
        assertEquals(202, started.statusCode(), started.body());
        String job = JSON.readTree(started.body()).get("job").asText();
        // the first message moved, the rest held back by the gate: running, 1 of 3
        long end = System.nanoTime() + 10_000_000_000L;
        JsonNode running;
        do {
            running = JSON.readTree(get("api/jobs/" + job, olu.cookie()).body());
        } while (running.get("done").asInt() < 1 && System.nanoTime() < end);
        assertEquals("running", running.get("state").asText(), running.toString());
        assertEquals(1, running.get("done").asInt());
        assertEquals(3, running.get("total").asInt());
        assertEquals("US-ZZ", running.get("jurisdiction").asText());
        // the overview lists it with the other long operations (those started in the shell too), as it goes
        JsonNode op = JSON.readTree(get("api/overview", olu.cookie()).body()).get("operations").get(0);
        assertEquals("bulk replay", op.get("kind").asText(), op.toString());
        assertEquals("US-ZZ", op.get("subject").asText());
        assertEquals("olu", op.get("by").asText());
        assertEquals("running", op.get("state").asText());
        assertEquals("1 of 3", op.get("progress").asText());
        // a second bulk replay of the same jurisdiction while it runs: 409, naming the running job
        HttpResponse<String> second = post("api/replay", body, olu.cookie(), olu.csrf(), null);
        assertEquals(409, second.statusCode(), second.body());
        assertEquals(job, JSON.readTree(second.body()).get("job").asText());
        gate.countDown();
        JsonNode done = awaitJob(olu, job, "done");
        assertEquals(3, done.get("done").asInt());
        assertEquals(done.get("total").asInt(), done.get("done").asInt(), "done == total at the end");
        JsonNode ended = JSON.readTree(get("api/overview", olu.cookie()).body()).get("operations").get(0);
        assertEquals("done", ended.get("state").asText(), ended.toString());
        assertEquals("3 of 3", ended.get("progress").asText());
        assertEquals("3 dead letter(s) queued again", ended.get("outcome").asText());
        assertEquals(List.of("dl-1", "dl-2", "dl-3"), java.util.stream.StreamSupport.stream(done.get("queued").spliterator(), false)
                .map(q -> q.get("referralId").asText()).toList());
        // once it ended, the jurisdiction may be replayed again
        HttpResponse<String> again = post("api/replay", body, olu.cookie(), olu.csrf(), null);
        assertEquals(202, again.statusCode(), again.body());
        awaitJob(olu, JSON.readTree(again.body()).get("job").asText(), "done");
        // a viewer may follow a job (ids and counts only) but not start one
        Login dana = login("dana", "dana-pw");
        assertEquals(200, get("api/jobs/" + job, dana.cookie()).statusCode());
        assertEquals(403, post("api/replay", body, dana.cookie(), dana.csrf(), null).statusCode());
        assertEquals(404, get("api/jobs/nope", olu.cookie()).statusCode());
    }

    @Test
    void aBulkReplayThatFailsEndsFailedWithWhatItHadMoved() throws Exception {
        Login olu = login("olu", "olu-pw");
        HttpResponse<String> started = post("api/replay", "{\"jurisdiction\":\"US-YY\",\"deadLetters\":true}", olu.cookie(), olu.csrf(), null);
        assertEquals(202, started.statusCode(), started.body());
        JsonNode failed = awaitJob(olu, JSON.readTree(started.body()).get("job").asText(), "failed");
        assertEquals(1, failed.get("done").asInt());
        assertEquals(2, failed.get("total").asInt());
        assertFalse(failed.toString().contains("broker gone"), "no exception text in an answer");
    }

    @Test
    void anOperatorRevealsTheReferralAfterGivingAReasonAndTheRevealIsAuditedWithIt() throws Exception {
        Login olu = login("olu", "olu-pw");
        HttpResponse<String> r = post("api/reveal", JSON.writeValueAsString(Map.of("referralId", "ref-1", "reason", REASON)),
                olu.cookie(), olu.csrf(), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode revealed = JSON.readTree(r.body());
        assertEquals("ref-1", revealed.get("referralId").asText());
        assertEquals("olu", revealed.get("revealedBy").asText());
        JsonNode child = revealed.get("referral").get("child");
        assertEquals("Quintero", child.get("name").get("family").asText());
        assertEquals(CHILD_NAME, child.get("name").get("given").get(0).asText());
        assertEquals("2011-03-04", child.get("birthDate").asText());
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
        List<AuditRecord> audited = store.auditRecords(AuditQuery.ofEntity("ref-1"), 0, 500).stream()
                .filter(a -> "olu".equals(a.agent()) && "referral-view".equals(a.eventCode()) && a.json().contains("break-glass")
                        && a.json().contains(REASON)).toList();
        assertEquals(1, audited.size(), "one break-glass view by olu");
        String json = audited.get(0).json();
        assertTrue(json.contains(REASON), json);
        assertTrue(json.contains("console"), json);
        assertEquals("0", audited.get(0).outcome(), "a success");
        for (String personal : List.of(CHILD_NAME, "Quintero", "2011-03-04", "Springfield")) {
            assertFalse(json.contains(personal), "the audit record holds the reason, not the data: " + personal);
        }
    }

    @Test
    void aViewerOrAnAuditorIsRefusedTheRevealTheRefusalIsAuditedAndNothingIsRevealed() throws Exception {
        String body = JSON.writeValueAsString(Map.of("referralId", "ref-1", "reason", REASON));
        for (String[] user : List.of(new String[] {"dana", "dana-pw"}, new String[] {"ari", "ari-pw"})) {
            Login login = login(user[0], user[1]);
            HttpResponse<String> r = post("api/reveal", body, login.cookie(), login.csrf(), null);
            assertEquals(403, r.statusCode(), user[0]);
            for (String personal : List.of(CHILD_NAME, "Quintero", "2011-03-04", "Springfield")) {
                assertFalse(r.body().contains(personal), personal);
            }
            List<AuditRecord> refused = store.auditRecords(new AuditQuery(null, user[0], null, null), 0, 500).stream()
                    .filter(a -> "referral-view".equals(a.eventCode()) && a.json().contains("not an operator")
                            && a.json().contains("break-glass")).toList();
            assertEquals(1, refused.size(), user[0] + "'s refusal is audited");
            assertFalse(refused.get(0).json().contains(REASON), "a refused reveal records no reason");
        }
    }

    @Test
    void aRevealNeedsAReasonOfTenToFiveHundredCharactersAndTheCsrfToken() throws Exception {
        Login olu = login("olu", "olu-pw");
        int before = store.countAudit(AuditQuery.ofEntity("ref-1"));
        String secret = "Quintero!";
        for (String body : List.of("{\"referralId\":\"ref-1\"}", "{\"referralId\":\"ref-1\",\"reason\":\"" + secret + "\"}",
                "{\"referralId\":\"ref-1\",\"reason\":\"          \\t          \"}",
                JSON.writeValueAsString(Map.of("referralId", "ref-1", "reason", "x".repeat(ConsoleServlet.REASON_MAX + 1))),
                JSON.writeValueAsString(Map.of("reason", REASON)))) {
            HttpResponse<String> r = post("api/reveal", body, olu.cookie(), olu.csrf(), null);
            assertEquals(400, r.statusCode(), body);
            assertFalse(r.body().contains(secret) || r.body().contains(CHILD_NAME), "a refusal echoes nothing sent, reveals nothing");
        }
        String good = JSON.writeValueAsString(Map.of("referralId", "ref-1", "reason", REASON));
        assertEquals(403, post("api/reveal", good, olu.cookie(), null, null).statusCode(), "no CSRF token");
        assertEquals(403, post("api/reveal", good, olu.cookie(), olu.csrf(), "https://elsewhere.example").statusCode(), "cross-origin");
        assertEquals(before, store.countAudit(AuditQuery.ofEntity("ref-1")), "nothing revealed, nothing to audit");
        HttpResponse<String> none = post("api/reveal", JSON.writeValueAsString(Map.of("referralId", "none", "reason", REASON)),
                olu.cookie(), olu.csrf(), null);
        assertEquals(404, none.statusCode());
    }

    @Test
    void noAnswerButTheRevealCarriesPersonalData() throws Exception {
        Login olu = login("olu", "olu-pw");
        Login ari = login("ari", "ari-pw");
        String reason = "Second look, for this test only";
        HttpResponse<String> revealed = post("api/reveal", JSON.writeValueAsString(Map.of("referralId", "ref-1", "reason", reason)),
                olu.cookie(), olu.csrf(), null);
        assertTrue(revealed.body().contains(CHILD_NAME), "the reveal does");
        HttpResponse<String> started = post("api/replay", "{\"jurisdiction\":\"US-IL\",\"deadLetters\":true}", olu.cookie(), olu.csrf(), null);
        String job = JSON.readTree(started.body()).get("job").asText();
        awaitJob(olu, job, "done");
        List<HttpResponse<String>> answers = new java.util.ArrayList<>(List.of(started,
                get("api/session", olu.cookie()), get("api/overview", olu.cookie()), get("api/referrals", olu.cookie()),
                get("api/referrals?id=ref-1", olu.cookie()), get("api/referrals/ref-1", olu.cookie()),
                get("api/referrals/ref-1", ari.cookie()), get("api/dead-letters?jurisdiction=US-IL", olu.cookie()),
                get("api/jobs/" + job, olu.cookie()), get("", null), get("console.js", null), get("index.html", null)));
        for (HttpResponse<String> r : answers) {
            assertEquals(true, r.statusCode() == 200 || r.statusCode() == 202, r.uri() + " " + r.statusCode());
            for (String personal : List.of(CHILD_NAME, "Quintero", "2011-03-04", "Springfield")) {
                assertFalse(r.body().contains(personal), r.uri() + " carries " + personal);
            }
            assertFalse(r.body().contains(reason), r.uri() + " shows a break-glass reason");
        }
    }

    @Test
    void overviewAndSearchAnswerFromTheStore() throws Exception {
        Login dana = login("dana", "dana-pw");
        JsonNode o = JSON.readTree(get("api/overview", dana.cookie()).body());
        assertEquals("US-IL", o.get("jurisdictions").get(0).get("code").asText());
        assertEquals(1, o.get("jurisdictions").get(0).get("waiting").asInt());
        JsonNode s = JSON.readTree(get("api/referrals?id=ref-1&status=QUEUED&jurisdiction=US-IL", dana.cookie()).body());
        assertEquals(1, s.get("referrals").size());
        // by hospital (the SMART client that submitted it)
        store.accept("st-marys", "st-marys|9", new Referral(new ReferralId("ref-st-marys"), new Child(null, LocalDate.of(2012, 1, 1),
                Sex.FEMALE, new Address(null, null, "IL", null, "US")), null, null, Instant.now(), null,
                List.of(Allegation.of(AllegationType.SEX_TRAFFICKING, Certainty.SUSPECTED))), true, "{}", "application/fhir+json",
                Map.of(Jurisdiction.of("US-IL"), DeliveryStatus.QUEUED));
        JsonNode byHospital = JSON.readTree(get("api/referrals?client=st-marys", dana.cookie()).body()).get("referrals");
        assertEquals(1, byHospital.size());
        assertEquals("ref-st-marys", byHospital.get(0).get("referralId").asText());
        assertEquals(0, JSON.readTree(get("api/referrals?client=elsewhere", dana.cookie()).body()).get("referrals").size());
        assertEquals(400, get("api/referrals?client=" + "x".repeat(201), dana.cookie()).statusCode());
        assertEquals(400, get("api/referrals?status=NOPE", dana.cookie()).statusCode());
        HttpResponse<String> bad = get("api/referrals?from=" + CHILD_NAME, dana.cookie());
        assertEquals(400, bad.statusCode());
        assertFalse(bad.body().contains(CHILD_NAME), "an error names no value the caller sent");
    }

    @Test
    void thePageIsServedFromTheBundleWithAPolicyThatLoadsNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = get("", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"console.js\""));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), csp);
        for (String asset : List.of("index.html", "console.js", "console.css")) {
            try (InputStream in = ConsoleServlet.class.getResourceAsStream("/console/" + asset)) {
                assertNotNull(in, asset);
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertFalse(text.contains("http://") || text.contains("https://") || text.contains("//cdn"), asset + " names another origin");
                assertFalse(text.contains("innerHTML"), asset + " writes HTML from data");
            }
        }
        assertEquals(404, get("../etc/passwd", null).statusCode());
        assertEquals(404, get("nothing.js", null).statusCode());
    }
}

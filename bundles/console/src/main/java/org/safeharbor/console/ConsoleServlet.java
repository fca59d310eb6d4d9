package org.safeharbor.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.safeharbor.api.v1.DeliveryStatus;
import org.safeharbor.api.v1.Jurisdiction;
import org.safeharbor.api.v1.ReferralId;
import org.safeharbor.fhir.replay.ReferralReplay;
import org.safeharbor.json.v1.ReferralJson;
import org.safeharbor.store.AuditEntry;
import org.safeharbor.store.AuditLog;
import org.safeharbor.store.MessageStore;
import org.safeharbor.store.StoredReferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console at {@code /console} on the adapter's HTTPS server: the page, its script and style (from this
 * bundle, nothing from the internet), and a small JSON API under {@code /console/api/}.
 *
 * <p>Login against the Karaf JAAS realm ({@link JaasRealm}); the session is a cookie {@value #COOKIE} (Secure,
 * HttpOnly, SameSite=Strict, path /console); every POST but the login must carry the session's CSRF token in
 * {@value #CSRF_HEADER} and, when the browser sends one, an {@code Origin} of this server. A viewer, operator or
 * auditor reads; only an operator replays and reveals a referral's personal data (403 otherwise); only an auditor reads
 * a referral's audit records. Logins, referral views (a reveal is one, marked break-glass with its reason) and replays
 * go to the audit trail with the user who logged in. Errors name no value a caller sent. No answer but a reveal's
 * carries personal data.
 */
final class ConsoleServlet extends HttpServlet {

    static final String COOKIE = "SH_CONSOLE";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServlet.class);
    private static final long MAX_BODY = 16 * 1024;
    /** A break-glass reason's bounds: long enough to say why, short enough for the audit record. */
    static final int REASON_MIN = 10;
    static final int REASON_MAX = 500;
    private static final Map<String, String> STATIC = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");
    /** The page's policy: its own script and style only, no frames, no other origin (so no CDN could ever load). */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final transient ObjectMapper json = new ObjectMapper();
    private final transient JaasRealm realm;
    private final transient Sessions sessions;
    private final transient ConsoleData data;
    private final transient ReferralReplay replay;
    private final transient AuditLog audit;
    private final transient MessageStore store;
    private final transient ReplayJobs jobs;

    ConsoleServlet(JaasRealm realm, Sessions sessions, ConsoleData data, ReferralReplay replay, MessageStore store) {
        this.realm = realm;
        this.sessions = sessions;
        this.data = data;
        this.replay = replay;
        this.audit = store;
        this.store = store;
        this.jobs = new ReplayJobs(replay, store.operations(), Clock.systemUTC());
    }

    /** Stops the background replays (each message moved so far stays moved). */
    void close() {
        jobs.close();
    }

    @Override
    public void destroy() {
        close();
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Cache-Control", "no-store");
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        try {
            if (path.startsWith("/api/")) {
                api(req, resp, path.substring("/api/".length()));
            } else if (req.getMethod().equals("GET")) {
                page(req, resp, path);
            } else {
                resp.sendError(405);
            }
        } catch (RuntimeException e) {
            // the type only: a message could carry what a caller sent
            LOG.warn("Console request {} {} failed: {}", req.getMethod(), path.startsWith("/api/") ? path : "(page)", e.getClass().getName());
            if (!resp.isCommitted()) {
                send(resp, 500, Map.of("error", "internal error; see the adapter's log"));
            }
        }
    }

    private void page(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        if (path.isEmpty()) {
            // /console -> /console/ so the page's relative links resolve
            resp.sendRedirect(req.getContextPath() + req.getServletPath() + "/");
            return;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        String type = STATIC.get(name);
        if (type == null) {
            resp.sendError(404);
            return;
        }
        try (InputStream in = ConsoleServlet.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                resp.sendError(404);
                return;
            }
            resp.setContentType(type);
            resp.setHeader("Content-Security-Policy", CSP);
            in.transferTo(resp.getOutputStream());
        }
    }

    private void api(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        String method = req.getMethod();
        // a POST's body is read (bounded) before any answer, so a refusal never leaves it unread on a kept-alive connection
        JsonNode body = method.equals("POST") ? body(req) : null;
        if (method.equals("POST") && !sameOrigin(req)) {
            send(resp, 403, Map.of("error", "cross-origin request refused"));
            return;
        }
        if (path.equals("login") && method.equals("POST")) {
            login(req, resp, body);
            return;
        }
        Optional<Sessions.Session> found = sessions.find(cookie(req));
        if (found.isEmpty()) {
            send(resp, 401, Map.of("error", "not logged in"));
            return;
        }
        Sessions.Session session = found.get();
        if (method.equals("POST") && !Sessions.csrfMatches(session, req.getHeader(CSRF_HEADER))) {
            send(resp, 403, Map.of("error", "missing or wrong CSRF token; reload the page"));
            return;
        }
        switch (method + " " + route(path)) {
            case "GET session" -> send(resp, 200, sessionView(session));
            case "POST logout" -> logout(session, resp);
            case "GET overview" -> send(resp, 200, data.overview());
            case "GET referrals" -> search(req, resp);
            case "GET referral" -> referral(session, resp, path.substring("referrals/".length()));
            case "GET dead-letters" -> send(resp, 200, data.deadLetters(Jurisdiction.of(param(req, "jurisdiction").orElseThrow(
                    () -> new IllegalArgumentException("jurisdiction")))));
            case "POST replay" -> replay(session, body, resp);
            case "GET job" -> job(resp, path.substring("jobs/".length()));
            case "POST reveal" -> reveal(session, body, resp);
            default -> send(resp, 404, Map.of("error", "no such console API"));
        }
    }

    private static String route(String path) {
        if (path.startsWith("jobs/") && path.length() > "jobs/".length()) {
            return "job";
        }
        return path.startsWith("referrals/") && path.length() > "referrals/".length() ? "referral" : path;
    }

    private void login(HttpServletRequest req, HttpServletResponse resp, JsonNode body) throws IOException {
        String user = body == null ? "" : body.path("username").asText("").trim();
        char[] password = body == null ? new char[0] : body.path("password").asText("").toCharArray();
        if (user.isEmpty() || user.length() > 100 || password.length == 0) {
            send(resp, 400, Map.of("error", "give a user name and a password"));
            return;
        }
        if (sessions.lockedOut(user)) {
            send(resp, 429, Map.of("error", "too many failed logins for this user; try again later"));
            return;
        }
        Optional<JaasRealm.Login> login = realm.login(user, password);
        if (login.isEmpty()) {
            sessions.failed(user);
            audit.audit(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.anonymous(null, req.getRemoteAddr()))
                    .object("console-login").outcome(AuditEntry.Outcome.MINOR_FAILURE, "wrong user name or password").build());
            send(resp, 401, Map.of("error", "wrong user name or password"));
            return;
        }
        if (login.get().roles().isEmpty()) {
            audit.audit(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.operator(login.get().user()))
                    .object("console-login").outcome(AuditEntry.Outcome.MINOR_FAILURE, "no console role").build());
            send(resp, 403, Map.of("error", "this user has none of the console's roles (viewer, operator, auditor)"));
            return;
        }
        Sessions.Session session = sessions.open(login.get().user(), login.get().roles());
        audit.audit(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.operator(session.user())).object("console-login")
                .detail("roles", session.roles().stream().map(Role::code).sorted().toList()).build());
        resp.addHeader("Set-Cookie", COOKIE + "=" + session.id() + "; Path=/console; Secure; HttpOnly; SameSite=Strict");
        send(resp, 200, sessionView(session));
    }

    private void logout(Sessions.Session session, HttpServletResponse resp) throws IOException {
        sessions.close(session.id());
        audit.audit(AuditEntry.of(AuditEntry.Kind.TOKEN, AuditEntry.Actor.operator(session.user())).object("console-logout").build());
        resp.addHeader("Set-Cookie", COOKIE + "=; Path=/console; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
        send(resp, 200, Map.of("loggedOut", true));
    }

    private static Map<String, Object> sessionView(Sessions.Session session) {
        return ConsoleData.row("user", session.user(), "roles", session.roles().stream().map(Role::code).sorted().toList(),
                "csrf", session.csrf());
    }

    private void search(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        DeliveryStatus status;
        Instant from;
        Instant to;
        Jurisdiction jurisdiction;
        try {
            status = param(req, "status").map(s -> DeliveryStatus.valueOf(s.toUpperCase(Locale.ROOT))).orElse(null);
            jurisdiction = param(req, "jurisdiction").map(Jurisdiction::of).orElse(null);
            from = param(req, "from").map(d -> LocalDate.parse(d).atStartOfDay().toInstant(ZoneOffset.UTC)).orElse(null);
            to = param(req, "to").map(d -> LocalDate.parse(d).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)).orElse(null);
        } catch (RuntimeException e) {
            send(resp, 400, Map.of("error", "status is one of " + List.of(DeliveryStatus.values())
                    + ", jurisdiction a code like US-IL, from and to dates like 2026-12-06"));
            return;
        }
        Optional<String> id = param(req, "id");
        if (id.isPresent() && id.get().length() > 64) {
            send(resp, 400, Map.of("error", "a referral id has at most 64 characters"));
            return;
        }
        Optional<String> client = param(req, "client");
        if (client.isPresent() && client.get().length() > 200) {
            send(resp, 400, Map.of("error", "a hospital's client id has at most 200 characters"));
            return;
        }
        send(resp, 200, Map.of("referrals", data.search(id.orElse(null), client.orElse(null), status, jurisdiction, from, to),
                "limit", ConsoleData.SEARCH_LIMIT));
    }

    private void referral(Sessions.Session session, HttpServletResponse resp, String rawId) throws IOException {
        String id = java.net.URLDecoder.decode(rawId, StandardCharsets.UTF_8);
        if (id.isBlank() || id.length() > 64) {
            send(resp, 404, Map.of("error", "no such referral"));
            return;
        }
        ReferralId referralId = new ReferralId(id);
        boolean auditor = session.has(Role.AUDITOR);
        Optional<Map<String, Object>> timeline = data.timeline(referralId, auditor);
        AuditEntry.Builder entry = AuditEntry.of(AuditEntry.Kind.REFERRAL_VIEW, AuditEntry.Actor.operator(session.user()))
                .referral(referralId).detail("via", "console");
        if (auditor) {
            entry.detail("audit-records", true);
        }
        audit.audit(entry.outcome(timeline.isPresent() ? AuditEntry.Outcome.SUCCESS : AuditEntry.Outcome.MINOR_FAILURE,
                timeline.isPresent() ? null : "no such referral").build());
        if (timeline.isEmpty()) {
            send(resp, 404, Map.of("error", "no such referral"));
            return;
        }
        send(resp, 200, timeline.get());
    }

    /**
     * An operator's replay: {@code {"jurisdiction":"US-IL","deadLetters":true}} starts moving every dead letter of the
     * jurisdiction on the broker back onto its queue in the background ({@link ReferralReplay#replayDeadLetters}, one
     * broker transaction each, as {@code harbor:replay --dead-letters}) and answers 202 with the job to follow at
     * {@code GET jobs/{id}}, or 409 with the job already doing it; {@code {"jurisdiction":..,"referralId":..,"from":"submission"|"output"}}
     * sends one referral again ({@link ReferralReplay#replay}, as {@code harbor:replay -j}). The replay service records
     * each replay and audits it with the user.
     */
    private void replay(Sessions.Session session, JsonNode body, HttpServletResponse resp) throws IOException {
        if (!session.has(Role.OPERATOR)) {
            audit.audit(AuditEntry.of(AuditEntry.Kind.REPLAY, AuditEntry.Actor.operator(session.user()))
                    .outcome(AuditEntry.Outcome.MINOR_FAILURE, "refused: not an operator").detail("via", "console").build());
            send(resp, 403, Map.of("error", "only an operator may replay"));
            return;
        }
        Jurisdiction j;
        try {
            j = Jurisdiction.of(body.path("jurisdiction").asText(""));
        } catch (RuntimeException e) {
            send(resp, 400, Map.of("error", "give the jurisdiction, e.g. US-IL"));
            return;
        }
        if (body.path("deadLetters").asBoolean(false)) {
            ReplayJobs.Started started = jobs.start(j, session.user());
            if (started.alreadyRunning()) {
                send(resp, 409, ConsoleData.row("error", "a bulk replay of " + j.code() + " is already running; follow it",
                        "job", started.job().id));
                return;
            }
            send(resp, 202, started.job().view());
            return;
        }
        String id = body.path("referralId").asText("");
        ReferralReplay.Source source = "output".equals(body.path("from").asText("submission"))
                ? ReferralReplay.Source.OUTPUT : ReferralReplay.Source.SUBMISSION;
        if (id.isBlank() || id.length() > 64) {
            send(resp, 400, Map.of("error", "give the referral id"));
            return;
        }
        try {
            ReferralReplay.Queued q = replay.replay(new ReferralId(id), j, source, null, session.user());
            LOG.info("Console: {} replayed referral {} to {} from {}", session.user(), q.referralId().value(), j.code(), source);
            send(resp, 200, ConsoleData.row("replayId", q.replayId(), "referralId", q.referralId().value(), "jurisdiction", j.code(),
                    "from", source.name().toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            send(resp, 404, Map.of("error", "nothing to replay: no such referral, delivery or stored output"));
        }
    }

    /** A bulk replay's progress: {@code state} running, done or failed, {@code done} of {@code total}, what was queued. */
    private void job(HttpServletResponse resp, String id) throws IOException {
        Optional<ReplayJobs.Job> job = id.length() > 64 ? Optional.empty() : jobs.find(id);
        if (job.isEmpty()) {
            send(resp, 404, Map.of("error", "no such job (a finished one is kept for an hour)"));
            return;
        }
        send(resp, 200, job.get().view());
    }

    /**
     * Break glass: {@code {"referralId":..,"reason":..}} answers the stored canonical referral, personal data and all,
     * as the project writes it ({@link ReferralJson}), to an operator who gave a reason. It is a referral view marked
     * {@code break-glass} with the reason, audited before anything is sent: when the audit trail cannot record it, the
     * request fails and nothing is revealed. A refusal for the role is audited too.
     */
    private void reveal(Sessions.Session session, JsonNode body, HttpServletResponse resp) throws IOException {
        String id = body.path("referralId").asText("").trim();
        ReferralId referralId = id.isEmpty() || id.length() > 64 ? null : new ReferralId(id);
        if (!session.has(Role.OPERATOR)) {
            audit.audit(AuditEntry.of(AuditEntry.Kind.REFERRAL_VIEW, AuditEntry.Actor.operator(session.user())).referral(referralId)
                    .outcome(AuditEntry.Outcome.MINOR_FAILURE, "refused: not an operator").detail("via", "console")
                    .detail("break-glass", true).build());
            send(resp, 403, Map.of("error", "only an operator may reveal a referral's personal data"));
            return;
        }
        if (referralId == null) {
            send(resp, 400, Map.of("error", "give the referral id"));
            return;
        }
        // control characters out, so the reason reads as one line wherever the audit record is shown
        String reason = body.path("reason").asText("").replaceAll("\\p{Cntrl}", " ").strip();
        if (reason.length() < REASON_MIN || reason.length() > REASON_MAX) {
            send(resp, 400, Map.of("error", "give the reason for revealing this referral's personal data, "
                    + REASON_MIN + " to " + REASON_MAX + " characters"));
            return;
        }
        Optional<StoredReferral> stored = store.find(referralId);
        AuditEntry.Builder entry = AuditEntry.of(AuditEntry.Kind.REFERRAL_VIEW, AuditEntry.Actor.operator(session.user()))
                .referral(referralId).detail("via", "console").detail("break-glass", true).detail("reason", reason);
        if (stored.isEmpty()) {
            audit.audit(entry.outcome(AuditEntry.Outcome.MINOR_FAILURE, "no such referral").build());
            send(resp, 404, Map.of("error", "no such referral"));
            return;
        }
        // written before the audit so a referral that cannot be written is not recorded as revealed; sent only after it
        JsonNode referral = json.readTree(ReferralJson.INSTANCE.write(stored.get().referral()));
        audit.audit(entry.build());
        // the user and the referral only: the reason is the operator's own text, kept in the audit trail
        LOG.info("Console: {} revealed the personal data of referral {} (break-glass, audited)", session.user(), referralId.value());
        send(resp, 200, ConsoleData.row("referralId", referralId.value(), "revealedBy", session.user(),
                "revealedAt", ConsoleData.time(Instant.now()), "referral", referral));
    }

    /** A browser sends Origin on a POST; when it does, it must be this server (scheme, host and port). */
    private static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return !"cross-site".equals(req.getHeader("Sec-Fetch-Site"));
        }
        int port = req.getServerPort();
        String self = req.getScheme() + "://" + req.getServerName() + (port == 443 || port == 80 ? "" : ":" + port);
        return origin.equalsIgnoreCase(self);
    }

    private static String cookie(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    private static Optional<String> param(HttpServletRequest req, String name) {
        String v = req.getParameter(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private JsonNode body(HttpServletRequest req) throws IOException {
        byte[] bytes = req.getInputStream().readNBytes((int) MAX_BODY + 1);
        if (bytes.length > MAX_BODY || bytes.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(bytes);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private void send(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json; charset=utf-8");
        json.writeValue(resp.getOutputStream(), body);
    }
}

package org.safeharbor.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer;

/**
 * The end-to-end benchmark: the packed distribution, unpacked fresh, on ports of its own, delivering
 * to the Illinois intake peer ({@link IllinoisIntakePeer}, the bundle's own SOAP peer) running in this
 * JVM, so that the time from the hospital's 202 to the state's receipt is exact (see
 * {@link ReceiptExtension}). Phases, in order:
 * <ol>
 *   <li><b>boot</b>: {@code bin/karaf server} to the first {@code /health} 200 UP, and to US-IL listed;</li>
 *   <li><b>tokens</b>: each hospital, a SMART Backend Services client registered before the start, gets
 *       its first access token (timed apart, as are its renewals during the phases: {@code auth.*});</li>
 *   <li><b>warm-up</b> at full speed (not reported as a result);</li>
 *   <li><b>fixed rate</b>: N hospitals at R referrals/s in total: latency of the 202, 202 to receipt;</li>
 *   <li><b>full speed</b>: N hospitals each sending as soon as answered: sustained referrals/s from the
 *       first submission to the last receipt (Flight Recorder on);</li>
 *   <li><b>backlog</b>: the state's system down (peer stopped; Illinois retries every second), B referrals
 *       submitted and queued, then the state back: time until the peer has taken all B (Flight Recorder
 *       on).</li>
 * </ol>
 * Heap, GC, CPU of the Karaf JVM and its resident memory are sampled throughout. Options are
 * {@code --name=value}; see {@link Options}.
 */
public final class LoadDriver {

    private final Options options;
    /** The Illinois peer's TLS material (made at the start of the run). */
    private PeerTls peerTls;
    private final Report report = new Report();
    /** Referrals accepted so far in this run, all phases: what the disk figures are divided by. */
    private long acceptedInRun;

    private LoadDriver(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Options options = Options.parse(args);
        new LoadDriver(options).run();
    }

    private void run() throws Exception {
        Files.createDirectories(options.out);
        String runId = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        machine();
        int peerPort = Distribution.freePort();
        // https: outside the sandbox the adapter refuses an http:// intake
        String intakeUrl = "https://127.0.0.1:" + peerPort + IllinoisIntakePeer.SERVLET_PATH.replace("/*", "") + IllinoisIntakePeer.ADDRESS;
        peerTls = PeerTls.make(options.out.resolve("peer-tls"));
        log("unpacking %s into %s", options.distribution, options.work);
        Distribution karaf = Distribution.unpack(options.distribution, options.work);
        Map<String, String> illinois = new LinkedHashMap<>();
        illinois.put("intakeUrl", intakeUrl);
        illinois.put("trustStore", peerTls.trustStore().toAbsolutePath().toString());
        illinois.put(".trustStorePassword", peerTls.password());
        illinois.put("trustStoreType", "PKCS12");
        // the state's system may be down for the whole backlog phase: retry every second, never give up,
        // so that the backlog waits on its queue (the default gives up after ~2 minutes, to the DLQ)
        illinois.put("maximumRedeliveries", "100000000");
        illinois.put("redeliveryDelay", "PT1S");
        illinois.put("redeliveryMultiplier", "1.0");
        illinois.put("maximumRedeliveryDelay", "PT1S");
        karaf.setProperties("etc/org.safeharbor.jurisdiction.us.il.cfg", illinois);
        // the other states get nothing in this benchmark: point them at closed ports, so that they never reach the
        // in-Karaf sandbox peers of another Karaf on this machine (a demo, a test) on the default ports
        int closed = Distribution.freePort();
        karaf.setProperties("etc/org.safeharbor.jurisdiction.us.fl.cfg", Map.of("sftpPort", Integer.toString(closed)));
        karaf.setProperties("etc/org.safeharbor.jurisdiction.us.ma.cfg", Map.of(
                "reportUrl", "https://127.0.0.1:" + closed + "/dcf/51a/reports",
                "districtAttorneyUrl", "https://127.0.0.1:" + closed + "/da/notifications"));
        karaf.setProperties("etc/org.safeharbor.jurisdiction.us.tx.cfg", Map.of(
                "cpsIntakeUrl", "https://127.0.0.1:" + closed + "/cps/intake",
                "lawEnforcementUrl", "https://127.0.0.1:" + closed + "/law-enforcement/notifications"));
        // private (dot-prefixed) values are secrets: named, never printed
        Map<String, String> shown = new LinkedHashMap<>(illinois);
        shown.replaceAll((key, value) -> key.startsWith(".") ? "***" : value);
        report.put("config.illinois", shown.toString());
        if (options.queueConsumers > 0) {
            karaf.setProperties("etc/org.safeharbor.broker.cfg", Map.of("queueConsumers", Integer.toString(options.queueConsumers)));
        }
        if (!options.h2Compaction.isBlank()) {
            // an interval (PT0S: off), or key=value,... of etc/org.safeharbor.store.compaction.cfg
            Map<String, String> compaction = new LinkedHashMap<>();
            for (String setting : options.h2Compaction.split(",")) {
                String[] kv = setting.split("=", 2);
                compaction.put(kv.length == 2 ? kv[0].trim() : "interval", kv[kv.length - 1].trim());
            }
            karaf.setProperties("etc/org.safeharbor.store.compaction.cfg", compaction);
        }
        report.put("config.h2Compaction", options.h2Compaction.isBlank() ? "as shipped (PT1S)" : options.h2Compaction);
        if (!options.jdbcUrl.isBlank()) {
            // the production profile's message store (karaf-distribution/PRODUCTION.md), the embedded broker kept
            karaf.setProperties("etc/org.ops4j.datasource-safeharbor.cfg", Map.of("osgi.jdbc.driver.class", "org.postgresql.Driver",
                    "url", options.jdbcUrl, "user", options.jdbcUser, "password", options.jdbcPassword));
        }
        report.put("config.database", options.jdbcUrl.isBlank() ? "as shipped (embedded H2, WRITE_DELAY=0)" : options.jdbcUrl);
        report.put("config.queueConsumers", options.queueConsumers > 0 ? Integer.toString(options.queueConsumers) : "as shipped (1: in order)");
        report.put("config.jfr", options.jfr ? "ON, from Karaf's start (settings=" + options.jfrSettings
                + "): every figure below includes the recorder's cost (20-25% on 2026-12-07); compare only runs without it" : "off");
        report.put("config.karafJavaOpts", options.karafJavaOpts.isBlank() ? "(none: as shipped, -Xmx1g and -XX:-DontCompileHugeMethods from bin/setenv)" : options.karafJavaOpts);
        report.put("config.ports", "https " + karaf.httpPort + ", amqp " + karaf.amqpPort + ", Illinois peer " + peerPort);
        // the hospitals are registered clients before Karaf starts, as an operator would have done
        Hospitals hospitals = new Hospitals(karaf.httpPort, options.hospitals, Samples.text(options.sample),
                options.placeOfCareState, runId);
        hospitals.register(karaf.clientsDirectory());
        report.put("config.load", options.hospitals + " hospitals, sample " + options.sample
                + (options.placeOfCareState.isBlank() ? "" : " (place of care moved to " + options.placeOfCareState + ")"));
        report.put("auth.clients", options.hospitals + " SMART Backend Services clients (bench-hospital-0.." + (options.hospitals - 1)
                + "), ES384 keys, scopes " + HospitalTokens.SCOPES + ", each its own source endpoint; HTTPS trusting the generated CA");

        IllinoisIntakePeer peer = Peers.track(peerTls.serve(new IllinoisIntakePeer("127.0.0.1", peerPort, null, Clock.systemUTC())).start());
        // Ctrl-C or a kill: stop Karaf all the same, leave nothing running
        Thread cleanup = new Thread(() -> {
            karaf.close();
            Peers.stopAll();
        }, "stop-karaf");
        Runtime.getRuntime().addShutdownHook(cleanup);
        MemorySampler sampler = null;
        try {
            boot(karaf);
            tokens(karaf, hospitals);
            KarafJvm jvm = karaf.jvm();
            idleMemory(karaf, jvm);

            if (!options.warmup.isZero()) {
                log("warm-up: %d hospitals at full speed for %ds", options.hospitals, options.warmup.toSeconds());
                Hospitals.Outcome warm = hospitals.fullSpeed("warmup", options.warmup, 0);
                requireProgress(warm);
                acceptedInRun += warm.acceptedCount();
                awaitReceipts(warm, options.drainTimeout);
                log("warm-up: %d accepted (%.0f/s), failures %s", warm.acceptedCount(), warm.acceptedCount() / warm.seconds(),
                        warm.failures);
            }

            sampler = new MemorySampler(karaf, jvm);
            sampler.start();
            for (double rate : options.rates) {
                if (options.fixedLength.isZero()) {
                    break;
                }
                String name = "fixed" + Math.round(rate);
                log("fixed rate: %d hospitals, %.0f referrals/s in total, for %ds", options.hospitals, rate,
                        options.fixedLength.toSeconds());
                Phase phase = Phase.start(jvm);
                Hospitals.Outcome fixed = hospitals.fixedRate(name, rate, options.fixedLength);
                requireProgress(fixed);
                awaitReceipts(fixed, options.drainTimeout);
                phase(fixed, hospitals, phase.end(jvm), "fixed rate " + Math.round(rate) + "/s");
            }
            if (!options.fullLength.isZero()) {
                log("full speed: %d hospitals for %ds", options.hospitals, options.fullLength.toSeconds());
                Instant from = Instant.now();
                Phase phase = Phase.start(jvm);
                Hospitals.Outcome full = hospitals.fullSpeed("full", options.fullLength, 0);
                requireProgress(full);
                awaitReceipts(full, options.drainTimeout);
                Phase.Usage usage = phase.end(jvm);
                profiled("fullspeed", from, jvm);
                phase(full, hospitals, usage, "full speed");
            }
            sampler.stop();
            if (sampler.rssMax > 0) {
                report.put("memory.underLoad.heapUsedMax", mb(sampler.heapUsedMax));
                report.put("memory.underLoad.heapCommittedMax", mb(sampler.heapCommittedMax));
                report.put("memory.underLoad.rssMax", mb(sampler.rssMax));
            }
            jvm.fullGc();
            report.put("memory.afterLoad.liveHeapAfterFullGc", mb(jvm.heap().getUsed()));
            report.put("memory.afterLoad.rss", mb(karaf.residentBytes()));
            report.put("disk.afterLoad", disk(karaf));

            if (options.backlog > 0) {
                backlog(karaf, jvm, hospitals, peer, peerPort);
            }
            report.put("auth.renewals", hospitals.tokenCost.renewals());
        } finally {
            if (sampler != null) {
                sampler.stop();
            }
            log("stopping Karaf");
            karaf.close();
            Peers.stopAll();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        String text = report.text();
        System.out.println();
        System.out.println(text);
        Files.writeString(options.out.resolve("e2e.txt"), text, StandardCharsets.UTF_8);
        Path jfr = options.out.resolve("karaf.jfr");
        if (options.jfr && Files.isRegularFile(jfr)) {
            for (Map.Entry<String, Instant[]> window : profiledPhases.entrySet()) {
                ByteArrayOutputStream summary = new ByteArrayOutputStream();
                JfrTop.summarize(jfr, window.getValue()[0], window.getValue()[1], 25, new PrintStream(summary, true, StandardCharsets.UTF_8));
                Files.write(options.out.resolve(window.getKey() + "-jfr-top.txt"), summary.toByteArray());
                log("JFR summary: %s", options.out.resolve(window.getKey() + "-jfr-top.txt"));
            }
        }
        log("results: %s", options.out.resolve("e2e.txt"));
    }

    /** The phases the Flight Recorder summaries cover, in order: name -> {from, to}. */
    private final Map<String, Instant[]> profiledPhases = new java.util.LinkedHashMap<>();
    private static final String JFR_NAME = "safeharbor-benchmark";

    /** With --jfr: notes the phase's window and writes the recording so far (the last write holds every phase). */
    private void profiled(String name, Instant from, KarafJvm jvm) {
        if (options.jfr) {
            profiledPhases.put(name, new Instant[] {from, Instant.now()});
            jvm.jfrDump(JFR_NAME, options.out.resolve("karaf.jfr"));
        }
    }

    // ------------------------------------------------------------------ phases

    private void boot(Distribution karaf) throws IOException {
        log("starting %s/bin/karaf server (http %d, amqp %d)", karaf.home(), karaf.httpPort, karaf.amqpPort);
        long start = System.nanoTime();
        // a recording from the JVM's start costs its share of every figure, but one started later slows Karaf 3-5 times
        karaf.start(options.jfr ? ("-XX:StartFlightRecording=name=" + JFR_NAME + ",settings=" + options.jfrSettings + " "
                + options.karafJavaOpts).trim() : options.karafJavaOpts);
        long deadline = start + options.bootTimeout.toNanos();
        Double up = null;
        Double illinois = null;
        while (System.nanoTime() < deadline && illinois == null) {
            if (!karaf.alive()) {
                throw new IllegalStateException("Karaf exited during start-up: see " + options.work.resolve("karaf-console.log"));
            }
            Distribution.Health health = karaf.health();
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (up == null && health.up()) {
                up = elapsed;
                log("/health UP after %.1f s", up);
            }
            if (up != null && health.up() && health.body().contains("\"US-IL\"") && karaf.fhirReady()) {
                illinois = elapsed;
                log("US-IL listed in /health and /fhir/metadata answering after %.1f s", illinois);
            } else {
                Distribution.sleep(100);
            }
        }
        if (illinois == null) {
            throw new IllegalStateException("not ready within " + options.bootTimeout.toSeconds() + " s (last /health: "
                    + karaf.health() + ")");
        }
        report.put("ready.healthUpSeconds", String.format(Locale.ROOT, "%.1f", up));
        report.put("ready.illinoisAndFhirSeconds", String.format(Locale.ROOT, "%.1f", illinois));
    }

    /**
     * Each hospital's first access token, over the TLS the adapter's CA allows: timed per hospital
     * ({@code auth.firstTokens}); retried while the token endpoint is still being mounted.
     */
    private void tokens(Distribution karaf, Hospitals hospitals) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                hospitals.connect(karaf.tls());
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no access token within 60 s of ready: " + e.getMessage(), e);
                }
                Distribution.sleep(250);
            }
        }
        report.put("auth.firstTokens", hospitals.tokenCost.first());
        // filled in at the end; here so that the summary keeps the auth lines together
        report.put("auth.renewals", "(run not finished)");
        log("tokens: %s", hospitals.tokenCost.first());
    }

    private void idleMemory(Distribution karaf, KarafJvm jvm) {
        MemoryUsage heap = jvm.heap();
        report.put("memory.idle.heapUsed", mb(heap.getUsed()));
        report.put("memory.idle.heapCommitted", mb(heap.getCommitted()));
        report.put("memory.idle.heapMax", mb(heap.getMax()));
        report.put("memory.idle.nonHeapUsed", mb(jvm.nonHeap().getUsed()));
        jvm.fullGc();
        report.put("memory.idle.liveHeapAfterFullGc", mb(jvm.heap().getUsed()));
        report.put("memory.idle.rss", mb(karaf.residentBytes()));
    }

    private void backlog(Distribution karaf, KarafJvm jvm, Hospitals hospitals, IllinoisIntakePeer peer, int peerPort)
            throws Exception {
        log("backlog: the state's system goes down (peer stopped); %d referrals submitted at full speed", options.backlog);
        peer.stop();
        MemorySampler sampler = new MemorySampler(karaf, jvm);
        sampler.start();
        Instant submitFrom = Instant.now();
        Phase submitPhase = Phase.start(jvm);
        Hospitals.Outcome queued = hospitals.fullSpeed("backlog", null, options.backlog);
        requireProgress(queued);
        Phase.Usage submitUsage = submitPhase.end(jvm);
        profiled("intake", submitFrom, jvm); // the intake alone: nothing is delivered while the state is down
        acceptedInRun += queued.acceptedCount();
        report.put("backlog.submitted", queued.acceptedCount() + " accepted in " + secs(queued.seconds()) + " s ("
                + rate(queued.acceptedCount(), queued.seconds()) + "/s) while the state is down; failures " + queued.failures);
        report.put("backlog.submit.latency202", percentiles(queued.service));
        report.put("backlog.submit.karafCpu", cpu(submitUsage, queued.acceptedCount()));
        int early = Receipts.received(queued.referralIds);
        jvm.fullGc();
        report.put("backlog.queued.liveHeapAfterFullGc", mb(jvm.heap().getUsed()));
        report.put("backlog.queued.rss", mb(karaf.residentBytes()));
        report.put("backlog.queued.disk", disk(karaf));

        log("backlog: %d queued; the state comes back (peer started)", queued.acceptedCount());
        Instant drainFrom = Instant.now();
        Phase drainPhase = Phase.start(jvm);
        long start = System.nanoTime();
        Peers.track(peerTls.serve(new IllinoisIntakePeer("127.0.0.1", peerPort, null, Clock.systemUTC())).start());
        boolean all = awaitIds(queued.referralIds, options.drainTimeout, "drain");
        long end = System.nanoTime();
        Phase.Usage drainUsage = drainPhase.end(jvm);
        profiled("drain", drainFrom, jvm);
        sampler.stop();
        int received = Receipts.received(queued.referralIds);
        double seconds = (end - start) / 1e9;
        report.put("backlog.drain", (all ? "all " : "ONLY ") + received + " of " + queued.acceptedCount() + " received in "
                + secs(seconds) + " s (" + rate(received - early, seconds) + "/s)"
                + (early > 0 ? "; " + early + " had been delivered before the outage took effect" : "")
                + (all ? "" : "; gave up after " + options.drainTimeout.toSeconds() + " s"));
        report.put("backlog.drain.karafCpu", cpu(drainUsage, received - early));
        report.put("backlog.heapUsedMax", mb(sampler.heapUsedMax));
        report.put("backlog.rssMax", mb(sampler.rssMax));
        report.put("backlog.drained.disk", disk(karaf));
        settle(karaf);
        double perMillion = seconds / Math.max(1, received - early) * 1_000_000;
        report.put("backlog.extrapolated1M", "~" + secs(perMillion / 60) + " min for 1,000,000 at this drain rate (linear; see BENCHMARKS.md)");
    }

    /**
     * The embedded database's files and the broker's journal on disk, per referral accepted in the run so far (issue 16:
     * at most 20 KB per referral); an external database is not measured here.
     */
    private String disk(Distribution karaf) throws java.io.IOException {
        long h2 = bytesUnder(karaf.home().resolve("data/h2"));
        long artemis = bytesUnder(karaf.home().resolve("data/artemis"));
        return String.format(Locale.ROOT, "H2 %,.1f MB, Artemis %,.1f MB: %.1f KB per referral accepted in the run (%d)%s",
                h2 / 1e6, artemis / 1e6, (h2 + artemis) / 1024.0 / Math.max(1, acceptedInRun), acceptedInRun,
                options.jdbcUrl.isBlank() ? "" : "; the database is external, not counted");
    }

    /**
     * The disk once the adapter has been idle a while: the embedded store gives back the space a peak left only while
     * nothing is committed, a slice of the file per second (EmbeddedH2Compaction), so this waits until the files have
     * not changed for two minutes, at most {@code --settle} seconds, and reports them then.
     */
    private void settle(Distribution karaf) throws Exception {
        if (options.settle.isZero() || !options.jdbcUrl.isBlank()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + options.settle.toNanos();
        long last = -1;
        long changedAt = start;
        long smallest = Long.MAX_VALUE;
        while (System.nanoTime() < deadline && System.nanoTime() - changedAt < Duration.ofMinutes(2).toNanos()) {
            long now = bytesUnder(karaf.home().resolve("data/h2")) + bytesUnder(karaf.home().resolve("data/artemis"));
            if (now != last) {
                last = now;
                changedAt = System.nanoTime();
            }
            smallest = Math.min(smallest, now);
            Thread.sleep(5_000);
        }
        report.put("backlog.settled.disk", disk(karaf) + "; idle " + secs((System.nanoTime() - start) / 1e9)
                + " s after the drain, the files last changed after " + secs((changedAt - start) / 1e9) + " s (smallest seen "
                + String.format(Locale.ROOT, "%,.1f MB", smallest / 1e6) + ")");
    }

    private static long bytesUnder(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private void phase(Hospitals.Outcome outcome, Hospitals hospitals, Phase.Usage usage, String title) {
        String key = outcome.name;
        long accepted = outcome.acceptedCount();
        acceptedInRun += accepted;
        report.put(key + ".title", title);
        report.put(key + ".submitted", accepted + " accepted (202) in " + secs(outcome.seconds()) + " s = "
                + rate(accepted, outcome.seconds()) + "/s; failures " + outcome.failures);
        report.put(key + ".latency202", percentiles(outcome.accepted)
                + (key.startsWith("fixed") ? " (from the planned send time)" : ""));
        if (key.startsWith("fixed")) {
            report.put(key + ".serviceTime202", percentiles(outcome.service) + " (from the actual send)");
        }
        Histogram endToEnd = Hospitals.histogram();
        long lastReceipt = outcome.startNanos;
        int received = 0;
        for (String id : outcome.referralIds) {
            Long at = Receipts.at(id);
            Long acceptedAt = hospitals.acceptedAt.get(id);
            if (at != null) {
                received++;
                lastReceipt = Math.max(lastReceipt, at);
                if (acceptedAt != null) {
                    endToEnd.recordValue(Math.max(0, (at - acceptedAt) / 1000));
                }
            }
        }
        double span = (lastReceipt - outcome.startNanos) / 1e9;
        report.put(key + ".received", received + " of " + accepted + " received by the Illinois peer; first submission to last receipt "
                + secs(span) + " s = " + rate(received, span) + " referrals/s end to end");
        report.put(key + ".latency202ToReceipt", percentiles(endToEnd));
        report.put(key + ".karafCpu", cpu(usage, received));
    }

    /** Stops the run when the intake stopped answering (rather than waiting out every phase). */
    private void requireProgress(Hospitals.Outcome outcome) {
        boolean timedOut = outcome.failures.containsKey("HttpTimeoutException");
        if (outcome.acceptedCount() == 0 || (timedOut && outcome.failures.get("HttpTimeoutException") >= options.hospitals)) {
            throw new IllegalStateException("the intake stopped answering in phase " + outcome.name + " (" + outcome.acceptedCount()
                    + " accepted, failures " + outcome.failures + "). With " + options.hospitals + " hospitals this is likely the"
                    + " message store's connection-pool deadlock (see BENCHMARKS.md): take a thread dump of the Karaf JVM"
                    + " (jstack) before it stops, or run with fewer --hospitals");
        }
    }

    private void awaitReceipts(Hospitals.Outcome outcome, Duration timeout) {
        awaitIds(outcome.referralIds, timeout, outcome.name);
    }

    /** Waits until the peer has taken every one of these referrals; false on time-out. */
    private boolean awaitIds(List<String> ids, Duration timeout, String what) {
        List<String> left = new ArrayList<>(ids);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextLog = start + TimeUnit.SECONDS.toNanos(15);
        while (!left.isEmpty()) {
            left.removeIf(id -> Receipts.at(id) != null);
            if (left.isEmpty()) {
                return true;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                log("%s: %d of %d not received after %d s", what, left.size(), ids.size(), timeout.toSeconds());
                return false;
            }
            if (now > nextLog) {
                log("%s: %d of %d received (%.0f s)", what, ids.size() - left.size(), ids.size(), (now - start) / 1e9);
                nextLog = now + TimeUnit.SECONDS.toNanos(15);
            }
            Distribution.sleep(20);
        }
        return true;
    }

    // ------------------------------------------------------------------ measuring the Karaf JVM

    /** CPU and GC of the Karaf JVM over a phase. */
    private record Phase(long cpu, long gcMillis, long gcCount, long wall) {
        static Phase start(KarafJvm jvm) {
            long[] gc = jvm.gc();
            return new Phase(jvm.processCpuNanos(), gc[0], gc[1], System.nanoTime());
        }

        Usage end(KarafJvm jvm) {
            long[] gc = jvm.gc();
            return new Usage(jvm.processCpuNanos() - cpu, gc[0] - gcMillis, gc[1] - gcCount, System.nanoTime() - wall);
        }

        record Usage(long cpuNanos, long gcMillis, long gcCount, long wallNanos) {
        }
    }

    private static String cpu(Phase.Usage usage, long referrals) {
        double cpuSeconds = usage.cpuNanos() / 1e9;
        double wall = usage.wallNanos() / 1e9;
        return String.format(Locale.ROOT, "%.1f CPU-s over %.1f s wall (%.2f cores busy); %.2f CPU-ms per referral; GC %d collections, %.1f s",
                cpuSeconds, wall, cpuSeconds / wall, referrals == 0 ? 0.0 : usage.cpuNanos() / 1e6 / referrals,
                usage.gcCount(), usage.gcMillis() / 1000.0);
    }

    /** Heap and resident memory of the Karaf JVM, every two seconds. */
    private static final class MemorySampler {
        private final Distribution karaf;
        private final KarafJvm jvm;
        private volatile boolean running = true;
        private Thread thread;
        volatile long heapUsedMax;
        volatile long heapCommittedMax;
        volatile long rssMax;

        MemorySampler(Distribution karaf, KarafJvm jvm) {
            this.karaf = karaf;
            this.jvm = jvm;
        }

        void start() {
            thread = new Thread(() -> {
                while (running) {
                    try {
                        MemoryUsage heap = jvm.heap();
                        heapUsedMax = Math.max(heapUsedMax, heap.getUsed());
                        heapCommittedMax = Math.max(heapCommittedMax, heap.getCommitted());
                        rssMax = Math.max(rssMax, karaf.residentBytes());
                    } catch (RuntimeException e) {
                        // Karaf going away
                    }
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /** Peers started after the first, to stop at the end. */
    private static final class Peers {
        private static final List<IllinoisIntakePeer> STARTED = new ArrayList<>();

        static synchronized IllinoisIntakePeer track(IllinoisIntakePeer peer) {
            STARTED.add(peer);
            return peer;
        }

        static synchronized void stopAll() {
            STARTED.forEach(IllinoisIntakePeer::stop);
            STARTED.clear();
        }
    }

    // ------------------------------------------------------------------ the report

    private void machine() throws IOException {
        report.put("machine.cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        String memTotal = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .findFirst().map(l -> l.replaceAll("\\s+", " ")).orElse("?");
        report.put("machine.memory", memTotal);
        report.put("machine.jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.put("machine.loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim()
                + " (other work on the machine: figures are noisy when this is high)");
    }

    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %s ms, p95 %s ms, p99 %s ms, max %s ms (%d samples)",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)), ms(h.getValueAtPercentile(99)),
                ms(h.getMaxValue()), h.getTotalCount());
    }

    private static String ms(long micros) {
        return micros >= 100_000 ? Long.toString(Math.round(micros / 1000.0)) : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "?" : (bytes / (1024 * 1024)) + " MB";
    }

    private static String secs(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    private static String rate(long count, double seconds) {
        return seconds <= 0 ? "?" : String.format(Locale.ROOT, "%.0f", count / seconds);
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%s] %s%n", DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC)
                .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), String.format(Locale.ROOT, format, args));
    }

    /** Ordered key: value lines. */
    private static final class Report {
        private final Map<String, String> values = new LinkedHashMap<>();

        void put(String key, String value) {
            values.put(key, value);
        }

        String text() {
            StringBuilder out = new StringBuilder("SafeHarbor Bridge end-to-end benchmark\n");
            values.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
            return out.toString();
        }
    }

    // ------------------------------------------------------------------ options

    /** {@code --name=value} options, with the defaults documented in BENCHMARKS.md. */
    static final class Options {
        Path distribution = Path.of("karaf-distribution/assembly/target/safeharbor-karaf-assembly-0.1.0-SNAPSHOT.tar.gz");
        Path work = Path.of("benchmarks/target/e2e");
        Path out = Path.of("benchmarks/target/results");
        int hospitals = 10;
        String sample = Samples.ILLINOIS;
        String placeOfCareState = "IL";
        Duration warmup = Duration.ofSeconds(20);
        List<Double> rates = List.of(30.0, 300.0);
        Duration fixedLength = Duration.ofSeconds(30);
        Duration fullLength = Duration.ofSeconds(60);
        long backlog = 100_000;
        Duration drainTimeout = Duration.ofMinutes(40);
        /** How long at most to wait after the drain for the embedded store's files to stop changing (0: not measured). */
        Duration settle = Duration.ofMinutes(6);
        Duration bootTimeout = Duration.ofMinutes(3);
        /** Flight Recorder in Karaf from its start: every figure then includes its cost, so off unless asked for. */
        boolean jfr = false;
        /** The JDK's Flight Recorder settings: {@code profile} (10 ms samples) or {@code default} (20 ms). */
        String jfrSettings = "profile";
        String karafJavaOpts = "";
        /** etc/org.safeharbor.broker.cfg queueConsumers; 0: as shipped (1, in order). */
        int queueConsumers = 0;
        /** etc/org.safeharbor.store.compaction.cfg interval (PT1S as shipped, PT0S off), or key=value,...; empty: as shipped. */
        String h2Compaction = "";
        /** The message store's database; empty: as shipped (embedded H2). */
        String jdbcUrl = "";
        String jdbcUser = "";
        String jdbcPassword = "";

        static Options parse(String[] args) {
            Options o = new Options();
            for (String arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=")) {
                    throw new IllegalArgumentException("options are --name=value, got " + arg);
                }
                String name = arg.substring(2, arg.indexOf('='));
                String value = arg.substring(arg.indexOf('=') + 1);
                switch (name) {
                    case "distribution" -> o.distribution = Path.of(value);
                    case "work" -> o.work = Path.of(value);
                    case "out" -> o.out = Path.of(value);
                    case "hospitals" -> o.hospitals = Integer.parseInt(value);
                    case "sample" -> o.sample = value;
                    case "place-of-care-state" -> o.placeOfCareState = value;
                    case "warmup" -> o.warmup = seconds(value);
                    case "rates" -> o.rates = java.util.Arrays.stream(value.split(",")).map(String::trim)
                            .filter(v -> !v.isEmpty()).map(Double::valueOf).toList();
                    case "fixed" -> o.fixedLength = seconds(value);
                    case "full" -> o.fullLength = seconds(value);
                    case "backlog" -> o.backlog = Long.parseLong(value.replace("_", "").replace(",", ""));
                    case "drain-timeout" -> o.drainTimeout = seconds(value);
                    case "settle" -> o.settle = seconds(value);
                    case "boot-timeout" -> o.bootTimeout = seconds(value);
                    case "jfr" -> o.jfr = Boolean.parseBoolean(value);
                    case "jfr-settings" -> o.jfrSettings = value;
                    case "karaf-java-opts" -> o.karafJavaOpts = value;
                    case "queue-consumers" -> o.queueConsumers = Integer.parseInt(value);
                    case "h2-compaction" -> o.h2Compaction = value;
                    case "jdbc-url" -> o.jdbcUrl = value;
                    case "jdbc-user" -> o.jdbcUser = value;
                    case "jdbc-password" -> o.jdbcPassword = value;
                    default -> throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            return o;
        }

        private static Duration seconds(String value) {
            return Duration.ofSeconds(Long.parseLong(value.replaceAll("s$", "")));
        }
    }
}

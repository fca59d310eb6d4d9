package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.safeharbor.jurisdiction.us.il.sandbox.IllinoisIntakePeer.Delivery;

/**
 * Issue 20: karaf-distribution/PRODUCTION.md followed as written, as root, on this machine. The test plays the site
 * around the runbook: a DBA's PostgreSQL with TLS ({@link SitePostgres}), the downloaded Artemis and adapter
 * distributions, the Illinois state's HTTPS intake ({@link StatePeer}), a hospital ({@link Hospital}) and systemd
 * (this machine has no systemd as PID 1, so the unit's {@code ExecStart} is run as its {@code User} with its
 * {@code UMask}, {@code WorkingDirectory} and {@code Environment}). Every command of the runbook is the document's own
 * ({@link Runbook}); the test only sets the site's variables. Then: a backup, the host and the database lost and
 * restored from it, and an upgrade with referrals queued across it: from the previous commit's distribution, which
 * {@code .ci/run} builds ({@code SAFEHARBOR_PREVIOUS_TARBALL}), to this build's. The time of each block goes to
 * {@code target/runbook/timings.txt}.
 */
class RunbookIT {

    private static final Duration READY = Duration.ofMinutes(3);

    @Test
    void aStateTeamFollowsTheRunbookAsWritten() throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim());
        if (!root) {
            // CI runs as root (it installs packages); elsewhere the runbook cannot make its user or chown
            assertFalse("true".equals(System.getenv("CI")), "RunbookIT follows the runbook as root (useradd, chown): run CI as root");
            Assumptions.abort("RunbookIT needs root (useradd, chown), as the runbook does");
        }
        Path dir = Settings.target().resolve("runbook");
        Files2.deleteRecursively(dir);
        Files2.createDirectories(dir);
        Path home = dir.resolve("opt/safeharbor");
        Instant began = Instant.now();
        try (SitePostgres pg = SitePostgres.start(); StatePeer peer = new StatePeer().start()) {
            Map<String, String> site = new HashMap<>();
            site.put("SAFEHARBOR_HOME", home.toString());
            // the release installed first: the previous commit's distribution when .ci/run built it (.ci/previous-release)
            String previous = System.getenv("SAFEHARBOR_PREVIOUS_TARBALL");
            Path installed = previous == null || previous.isBlank() ? Settings.assembly() : Path.of(previous);
            System.out.println("[RunbookIT] installs " + installed + " (" + System.getenv().getOrDefault("SAFEHARBOR_PREVIOUS_COMMIT",
                    "no previous commit built: this build's") + "), then upgrades to " + Settings.assembly());
            site.put("SAFEHARBOR_TARBALL", installed.toString());
            site.put("SAFEHARBOR_HOSTNAME", "localhost");
            site.put("SYSTEMD_DIR", Files.createDirectories(dir.resolve("etc/systemd/system")).toString());
            site.put("BACKUP_DIR", dir.resolve("backups").toString());
            site.put("PGHOST", "localhost");
            site.put("PGPORT", String.valueOf(pg.port));
            site.put("PG_CA", pg.caCertificate.toString());
            site.put("PSQL_ADMIN", pg.psqlAdmin());
            site.put("ARTEMIS_TARBALL", Settings.artemis().toString());
            site.put("ARTEMIS_HOME", dir.resolve("opt/apache-artemis").toString());
            site.put("BROKER_INSTANCE", dir.resolve("var/lib/artemis/safeharbor").toString());
            site.put("BROKER_HOST", "localhost");
            site.put("AMQPS_BIND", "127.0.0.1");
            site.put("AMQPS_PORT", String.valueOf(Ports.free()));
            site.put("IL_INTAKE_URL", peer.intakeUrl());
            site.put("IL_TRUST_STORE", peer.tls().trustStore.toAbsolutePath().toString());
            Runbook book = Runbook.read(Settings.runbook(), dir.resolve("logs"), site);
            Path etc = home.resolve("etc");
            KarafProcess karaf = null;
            try {
                // 2-9: every block up to the service, in the document's order; the state's credentials are what a
                // state would hand over (the secrets block asks for them)
                for (String name : book.names()) {
                    if (List.of("site", "setcfg").contains(name) || name.endsWith("-stop")) {
                        continue; // read by every block; a stop command is for later
                    }
                    if (name.equals("verify")) {
                        break;
                    }
                    if (name.equals("secrets")) {
                        Path secrets = Files.createDirectories(etc.resolve("secrets"));
                        Files.writeString(secrets.resolve("il-password"), "state-issued-" + System.nanoTime());
                        Files.writeString(secrets.resolve("il-trust-password"), peer.tls().password);
                    }
                    book.run(name);
                }
                assertInstalledAsTheRunbookSays(home);

                // 10: the unit as systemd would run it
                karaf = startAsTheUnit(book, home, Path.of(site.get("SYSTEMD_DIR"), "safeharbor.service"));
                // 11: verify and the smoke test, then a referral as a hospital sends it, delivered to the state
                String health = book.run("verify");
                assertTrue(health.contains("\"code\":\"US-IL\""), health);
                assertTrue(book.run("smoke").contains("smoke test passed"));
                String delivered;
                try (Hospital hospital = new Hospital(karaf, "runbook" + System.currentTimeMillis() % 100000, Duration.ofSeconds(10))) {
                    Hospital.Submission first = hospital.newSubmission();
                    assertTrue(hospital.submit(first, Duration.ofSeconds(60)), "not accepted: " + first.refusal);
                    delivered = first.taskId();
                }
                assertTrue(peer.awaitDelivered(Set.of(delivered), Duration.ofSeconds(60), Duration.ofMillis(500)).missing().isEmpty(),
                        "the state received the referral");
                assertTrue(Files2.read(karaf.karafLog()).contains("Message store ready"), "the store is up on PostgreSQL");
                assertFalse(Files2.read(karaf.karafLog()).contains("CHANGE-ME"));

                // 12: backup, then the adapter's host and its database are lost
                book.run("backup");
                Instant stopAt = Instant.now();
                assertTrue(karaf.stop(Duration.ofMinutes(3)), "Karaf stopped on SIGTERM, as systemctl stop does");
                book.time("(service stop)", Duration.between(stopAt, Instant.now()));
                pg.admin("postgres", "DROP DATABASE safeharbor");
                Files2.run("rm", "-rf", home.toString());
                // restored on a fresh host: install (3), etc/ back (12), the empty database (5), its data and the
                // broker's journal (12), the unit (10)
                for (String name : List.of("install", "restore-etc", "postgres", "restore-data", "service")) {
                    book.run(name);
                }
                karaf = startAsTheUnit(book, home, Path.of(site.get("SYSTEMD_DIR"), "safeharbor.service"));
                book.run("verify");
                HttpResponse<String> task = karaf.get("/fhir/Task/" + delivered);
                assertEquals(200, task.statusCode(), "the delivered referral's Task after the restore: " + task.body());

                // 13: an upgrade with referrals queued across it: the state is down, three referrals are accepted,
                // the node is stopped, upgraded, and started once the state is back
                peer.stop();
                Set<String> queued = new LinkedHashSet<>();
                try (Hospital hospital = new Hospital(karaf, "upgrade" + System.currentTimeMillis() % 100000, Duration.ofSeconds(10))) {
                    for (int i = 0; i < 3; i++) {
                        Hospital.Submission s = hospital.newSubmission();
                        assertTrue(hospital.submit(s, Duration.ofSeconds(60)), "not accepted: " + s.refusal);
                        queued.add(s.taskId());
                    }
                }
                book.run("upgrade", Map.of("NEW_TARBALL", Settings.assembly().toString()), Duration.ofMinutes(5));
                stopAt = Instant.now();
                assertTrue(karaf.stop(Duration.ofMinutes(3)), "Karaf stopped on SIGTERM");
                book.time("(service stop)", Duration.between(stopAt, Instant.now()));
                for (String name : List.of("upgrade-switch", "configure", "states", "https", "service")) {
                    book.run(name);
                }
                assertTrue(Files.isDirectory(Path.of(home + ".old")), "the old tree is kept until the new one is verified");
                peer.start();
                karaf = startAsTheUnit(book, home, Path.of(site.get("SYSTEMD_DIR"), "safeharbor.service"));
                book.run("verify");
                assertTrue(peer.awaitDelivered(queued, Duration.ofMinutes(2), Duration.ofSeconds(2)).missing().isEmpty(),
                        "every referral queued across the upgrade reached the state");
                Map<String, List<Delivery>> byReferral = new HashMap<>();
                peer.deliveries().forEach(d -> byReferral.computeIfAbsent(d.referralId(), k -> new ArrayList<>()).add(d));
                for (String id : queued) {
                    assertEquals(1, byReferral.get(id).size(), "delivered exactly once: " + id);
                }
                assertEquals(1, byReferral.get(delivered).size(), "the first referral was not sent again");
            } finally {
                if (karaf != null) {
                    karaf.kill();
                }
                book.runQuietly("artemis-stop");
                // whatever of the broker is left (a stop cut short): no process of this test outlives it
                ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(site.get("BROKER_INSTANCE")))
                        .forEach(ProcessHandle::destroyForcibly);
                Duration total = Duration.between(began, Instant.now());
                List<String> lines = new ArrayList<>(book.timings());
                lines.add(String.format("%-18s %6.1f s", "whole runbook", total.toMillis() / 1000.0));
                Files2.writeLines(dir.resolve("timings.txt"), lines);
                System.out.println("[RunbookIT] " + String.join("; ", lines));
            }
        }
    }

    /** Section 3's promises: root owns the code, the service user what it writes, secrets owner-only. */
    private static void assertInstalledAsTheRunbookSays(Path home) throws IOException {
        assertEquals("root", Files.getOwner(home.resolve("bin/karaf")).getName());
        assertEquals("root", Files.getOwner(home.resolve("system")).getName());
        for (String written : List.of("etc", "data", "deploy", "instances")) {
            assertEquals("safeharbor", Files.getOwner(home.resolve(written)).getName(), written);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(written))), written);
        }
        try (var secrets = Files.list(home.resolve("etc/secrets"))) {
            for (Path secret : secrets.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)), secret.toString());
                assertEquals("safeharbor", Files.getOwner(secret).getName(), secret.toString());
            }
        }
        for (String cfg : List.of("org.ops4j.datasource-safeharbor.cfg", "org.safeharbor.broker.cfg", "org.safeharbor.jurisdiction.us.il.cfg")) {
            String text = Files.readString(home.resolve("etc").resolve(cfg));
            assertFalse(text.contains("CHANGE-ME"), cfg + " still has a shipped placeholder password");
            assertTrue(text.contains("$[secret:secrets/"), cfg + " names its password by secret, not in clear");
        }
        assertFalse(Files.exists(home.resolve("etc/org.apache.felix.fileinstall-deploy.cfg")), "deploy/ is off");
    }

    /**
     * Starts Karaf as systemd would start the unit: its {@code ExecStart} as its {@code User}/{@code Group}
     * ({@code setpriv}, supplementary groups initialised), with its {@code UMask}, {@code WorkingDirectory} and
     * {@code Environment}; waits for /health UP.
     */
    private static KarafProcess startAsTheUnit(Runbook book, Path home, Path unitFile) {
        Map<String, String> unit = new HashMap<>();
        Map<String, String> environment = new HashMap<>();
        for (String line : Files2.readLines(unitFile)) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            if (key.equals("Environment")) {
                int e = value.indexOf('=');
                environment.put(value.substring(0, e), value.substring(e + 1));
            } else {
                unit.put(key, value);
            }
        }
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + unit.get("User"), "--regid=" + unit.get("Group"),
                "--init-groups", "--", "/bin/sh", "-c", "umask " + unit.get("UMask") + " && cd \"$0\" && exec \"$@\"",
                unit.get("WorkingDirectory")));
        command.addAll(List.of(unit.get("ExecStart").split(" +")));
        assertEquals(home.toString(), unit.get("WorkingDirectory"));
        KarafProcess karaf = KarafProcess.installed(home, "runbook", "localhost", 8443, command, environment);
        // the tests' hospital, registered as the README says (a file in etc/safeharbor/clients/), the service user's
        karaf.auth().register(Settings.samples().resolve(Hospital.SAMPLE));
        Files2.run("chown", "-R", "safeharbor:", home.resolve("etc/safeharbor/clients").toString());
        Instant start = Instant.now();
        karaf.start();
        karaf.awaitHealthy(READY);
        book.time("(service start)", Duration.between(start, Instant.now()));
        return karaf;
    }
}

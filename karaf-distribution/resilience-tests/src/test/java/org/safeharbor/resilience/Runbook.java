package org.safeharbor.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * karaf-distribution/PRODUCTION.md's executable blocks: every fenced block whose info string is {@code sh runbook:NAME},
 * in the document's order. {@link #run} runs one as written with bash ({@code set -euo pipefail}), after the
 * {@code site} and {@code setcfg} blocks (the site's variables and the one helper function every block may use), with
 * the test's values for the site's variables in the environment; each run's output goes to {@code logs/}.
 */
final class Runbook {

    private static final Pattern START = Pattern.compile("^```sh runbook:([a-z0-9-]+)\\s*$");

    private final Map<String, String> blocks;
    private final Path logs;
    private final Map<String, String> environment;
    private final List<String> timings = new ArrayList<>();
    private int runs;

    private Runbook(Map<String, String> blocks, Path logs, Map<String, String> environment) {
        this.blocks = blocks;
        this.logs = logs;
        this.environment = environment;
    }

    /** The blocks of {@code document}, by name in the document's order. */
    static Runbook read(Path document, Path logs, Map<String, String> environment) {
        Map<String, String> blocks = new LinkedHashMap<>();
        List<String> lines = Files2.readLines(document);
        for (int i = 0; i < lines.size(); i++) {
            Matcher start = START.matcher(lines.get(i));
            if (!start.matches()) {
                continue;
            }
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            while (j < lines.size() && !lines.get(j).startsWith("```")) {
                body.append(lines.get(j)).append('\n');
                j++;
            }
            if (j == lines.size()) {
                throw new IllegalStateException(document + ": block runbook:" + start.group(1) + " is never closed");
            }
            if (blocks.put(start.group(1), body.toString()) != null) {
                throw new IllegalStateException(document + ": two blocks named runbook:" + start.group(1));
            }
            i = j;
        }
        Files2.createDirectories(logs);
        return new Runbook(blocks, logs, environment);
    }

    List<String> names() {
        return List.copyOf(blocks.keySet());
    }

    /** Runs the block as written; fails with its output unless it exits 0 within {@code timeout}. Returns its output. */
    String run(String name, Map<String, String> more, Duration timeout) {
        String block = blocks.get(name);
        if (block == null) {
            throw new AssertionError("PRODUCTION.md has no block runbook:" + name + " (it has " + blocks.keySet() + ")");
        }
        String script = "set -euo pipefail\n" + blocks.get("site") + blocks.get("setcfg") + block;
        Path log = logs.resolve(String.format("%02d-%s.log", ++runs, name));
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().putAll(more);
        Instant start = Instant.now();
        try {
            Process process = builder.start();
            Reaper.watch(process);
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("runbook:" + name + " still running after " + timeout + "\n" + Files2.read(log));
            }
            Reaper.forget(process);
            String output = Files.readString(log);
            Duration took = Duration.between(start, Instant.now());
            timings.add(String.format("%-18s %6.1f s", name, took.toMillis() / 1000.0));
            assertEquals(0, process.exitValue(), () -> "runbook:" + name + " failed (exit " + process.exitValue() + "):\n" + output);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String run(String name) {
        return run(name, Map.of(), Duration.ofMinutes(5));
    }

    /** Runs the block if the document has it, ignoring how it ends (clean-up after a failure). */
    void runQuietly(String name) {
        if (blocks.containsKey(name)) {
            try {
                run(name, Map.of(), Duration.ofMinutes(1));
            } catch (AssertionError | RuntimeException e) {
                // the failure that brought us here is the one to report
            }
        }
    }

    /** Adds a line to the timings (a step of the test's own, e.g. the service's start). */
    void time(String step, Duration took) {
        timings.add(String.format("%-18s %6.1f s", step, took.toMillis() / 1000.0));
    }

    List<String> timings() {
        return List.copyOf(timings);
    }
}

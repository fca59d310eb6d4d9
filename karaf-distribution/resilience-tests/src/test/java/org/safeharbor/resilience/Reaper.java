package org.safeharbor.resilience;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills (SIGKILL) every OS process the tests started and still run when the test JVM exits, e.g. when
 * Failsafe stops a fork that ran out of time, so no Karaf or broker outlives the build.
 */
final class Reaper {

    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ProcessHandle process : LIVE) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }, "resilience-tests-reaper"));
    }

    private Reaper() {
    }

    static void watch(Process process) {
        LIVE.add(process.toHandle());
    }

    static void forget(Process process) {
        LIVE.remove(process.toHandle());
    }

    /** SIGKILL, waits (at most 20 s) until the process is gone, and stops watching it. */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forget(process);
    }
}

package org.safeharbor.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went in a Flight Recorder file: the {@code jdk.ExecutionSample} events summed by thread
 * (Camel's thread names say which route), by the method on top of the stack (self time), by every method
 * on the stack (inclusive time), and for the project's own methods alone.
 *
 * <pre>java -cp ... org.safeharbor.benchmarks.JfrTop recording.jfr [rows]</pre>
 */
public final class JfrTop {

    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop <recording.jfr> [rows]");
            System.exit(2);
        }
        summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25, System.out);
    }

    static void summarize(Path file, int rows, PrintStream out) throws IOException {
        summarize(file, Instant.MIN, Instant.MAX, rows, out);
    }

    /** The samples taken from {@code from} to {@code to} only: one phase of a recording that covers a whole run. */
    static void summarize(Path file, Instant from, Instant to, int rows, PrintStream out) throws IOException {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> project = new HashMap<>();
        Map<String, Integer> selfPackages = new HashMap<>();
        Map<String, Map<String, Integer>> threadLibraries = new HashMap<>();
        Map<String, Map<String, Integer>> threadProject = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")
                        || event.getStartTime().isBefore(from) || event.getStartTime().isAfter(to)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                RecordedThread thread = event.getThread("sampledThread");
                String group = threadGroup(thread == null ? "?" : thread.getJavaName());
                byThread.merge(group, 1, Integer::sum);
                List<RecordedFrame> frames = stack.getFrames();
                String top = name(frames.get(0).getMethod());
                self.merge(top, 1, Integer::sum);
                String library = library(frames);
                selfPackages.merge(library, 1, Integer::sum);
                threadLibraries.computeIfAbsent(group, g -> new HashMap<>()).merge(library, 1, Integer::sum);
                Map<String, Integer> projectOfThread = threadProject.computeIfAbsent(group, g -> new HashMap<>());
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String method = name(frame.getMethod());
                    if (seen.add(method)) {
                        inclusive.merge(method, 1, Integer::sum);
                        if (method.startsWith("org.safeharbor.") && !method.contains("$$Lambda")) {
                            project.merge(method, 1, Integer::sum);
                            projectOfThread.merge(method, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        out.println("JFR " + file.getFileName() + ": " + samples + " execution samples"
                + (samples > 0 ? "" : " (none: was the recording empty?)"));
        if (samples == 0) {
            return;
        }
        print(out, "by thread (digits folded)", byThread, samples, rows);
        print(out, "by library (the top frame outside the JDK: who made the JDK work)", selfPackages, samples, rows);
        print(out, "self (top frame)", self, samples, rows);
        print(out, "inclusive (anywhere on the stack; stacks are cut at 64 frames)", inclusive, samples, rows * 2);
        print(out, "project methods, inclusive", project, samples, rows);
        byThread.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(4).forEach(e -> {
            print(out, "thread " + e.getKey() + " (" + e.getValue() + " samples), by library of the top frame",
                    threadLibraries.get(e.getKey()), e.getValue(), 10);
            print(out, "thread " + e.getKey() + ", project methods inclusive", threadProject.get(e.getKey()), e.getValue(), 12);
        });
    }

    private static void print(PrintStream out, String title, Map<String, Integer> counts, int samples, int rows) {
        out.println();
        out.println("  " + title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> out.printf("    %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / samples, e.getValue(), e.getKey()));
    }

    private static String name(RecordedMethod method) {
        return method == null ? "?" : method.getType().getName() + "." + method.getName();
    }

    /** The owner of the first frame that is not the JDK's (the JDK only when the whole stack is). */
    private static String library(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String area = area(name(frame.getMethod()));
            if (!area.equals("JDK") && !area.equals("JDK regex")) {
                return area;
            }
        }
        return area(name(frames.get(0).getMethod()));
    }

    /** Thread names without their numbers: "Camel (safeharbor) thread #12 - timer://deadlines" groups by route. */
    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("\\d+", "#");
    }

    /** A coarse owner of a method: the project, H2, Artemis, Camel, HAPI, CXF, Jetty, the JDK... */
    private static String area(String method) {
        String[][] areas = {
                {"org.safeharbor.", "SafeHarbor (project code)"},
                {"org.h2.", "H2 (message store)"},
                {"org.apache.activemq.", "Artemis (broker)"},
                {"org.apache.qpid.", "Qpid JMS (AMQP client)"},
                {"io.netty.", "Netty (broker and AMQP I/O)"},
                {"org.apache.camel.", "Camel"},
                {"ca.uhn.fhir.", "HAPI FHIR"},
                {"org.hl7.fhir.", "HAPI FHIR model"},
                {"org.apache.cxf.", "CXF"},
                {"org.eclipse.jetty.", "Jetty"},
                {"com.fasterxml.jackson.", "Jackson"},
                {"org.springframework.", "Spring JDBC (camel-sql)"},
                {"org.ops4j.pax.logging.", "Pax Logging"},
                {"org.apache.logging.log4j.", "Log4j (Pax Logging)"},
                {"org.apache.felix.", "Felix (OSGi)"},
                {"org.eclipse.osgi.", "Equinox (OSGi)"},
                {"com.sun.org.apache.xerces.", "JDK XML"},
                {"com.sun.xml.", "JAXB / JDK XML"},
                {"org.glassfish.jaxb.", "JAXB"},
                {"io.micrometer.", "Micrometer"},
                {"java.util.regex.", "JDK regex"},
                {"jdk.internal.misc.Unsafe.park", "idle (parked)"},
                {"java.", "JDK"},
                {"jdk.", "JDK"},
                {"sun.", "JDK"},
        };
        for (String[] a : areas) {
            if (method.startsWith(a[0])) {
                return a[1];
            }
        }
        int dot = method.indexOf('.', method.indexOf('.') + 1);
        return dot > 0 ? method.substring(0, dot) : method;
    }
}

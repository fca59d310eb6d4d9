package org.safeharbor.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.List;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.OperatingSystemMXBean;
import com.sun.tools.attach.VirtualMachine;

/**
 * Another JVM's platform MBeans, reached through the attach API ({@code VirtualMachine.attach} and its
 * local management agent, as jconsole does): heap, GC, process CPU time, and the diagnostic commands
 * ({@code GC.run}, {@code JFR.start}/{@code JFR.stop}) without starting a {@code jcmd} process each time.
 */
final class KarafJvm implements AutoCloseable {

    private static final String[] STRINGS = {String[].class.getName()};

    private final JMXConnector connector;
    private final MBeanServerConnection server;
    private final MemoryMXBean memory;
    private final OperatingSystemMXBean os;
    private final List<GarbageCollectorMXBean> collectors;
    private final ObjectName diagnostics;

    private KarafJvm(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.server = connector.getMBeanServerConnection();
        this.memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        this.os = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                OperatingSystemMXBean.class);
        this.collectors = ManagementFactory.getPlatformMXBeans(server, GarbageCollectorMXBean.class);
        try {
            this.diagnostics = new ObjectName("com.sun.management:type=DiagnosticCommand");
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    static KarafJvm attach(long pid) {
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            return new KarafJvm(JMXConnectorFactory.connect(new JMXServiceURL(address)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot attach to the Karaf JVM " + pid + ": " + e, e);
        }
    }

    MemoryUsage heap() {
        return memory.getHeapMemoryUsage();
    }

    MemoryUsage nonHeap() {
        return memory.getNonHeapMemoryUsage();
    }

    /** CPU time the whole Karaf process has used, in nanoseconds. */
    long processCpuNanos() {
        return os.getProcessCpuTime();
    }

    /** Total time spent in GC so far (all collectors), in milliseconds, and the number of collections. */
    long[] gc() {
        long time = 0;
        long count = 0;
        for (GarbageCollectorMXBean c : collectors) {
            time += Math.max(0, c.getCollectionTime());
            count += Math.max(0, c.getCollectionCount());
        }
        return new long[] {time, count};
    }

    void fullGc() {
        command("gcRun");
    }

    /**
     * Writes what the Flight Recorder recording started with Karaf ({@code -XX:StartFlightRecording=name=...}) holds so
     * far. There is deliberately no way here to start a recording in the running Karaf: one started that way (JFR.start
     * through this MBean, with either of the JDK's settings) left Karaf 3-5 times slower for the rest of its life, the
     * phases after the recording included (BENCHMARKS.md "Profiling Karaf").
     */
    void jfrDump(String name, Path file) {
        command("jfrDump", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    String command(String operation, String... arguments) {
        try {
            Object result = server.invoke(diagnostics, operation, new Object[] {arguments}, STRINGS);
            return result == null ? "" : result.toString();
        } catch (Exception e) {
            throw new IllegalStateException(operation + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // the JVM is going away
        }
    }
}

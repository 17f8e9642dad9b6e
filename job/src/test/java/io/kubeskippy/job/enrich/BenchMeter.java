package io.kubeskippy.job.enrich;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmarks read of a process: its CPU time, and the JIT compiler's and GC's share. */
final class BenchMeter {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    private BenchMeter() {}

    /**
     * User and kernel CPU seconds of process {@code pid} ({@code "self"} for this one), from {@code
     * /proc}; NaN for both where there is none.
     */
    static double[] cpuSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {
                Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND
            };
        } catch (java.io.IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** User plus kernel CPU seconds of process {@code pid}, or NaN. */
    static double totalCpuSeconds(long pid) {
        double[] cpu = cpuSeconds(Long.toString(pid));
        return cpu[0] + cpu[1];
    }

    /** CPU time of this JVM, every thread (compiler and GC ones too). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Time this JVM's JIT compiler threads have spent, or -1 where it is not measured. */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    /** Time this JVM's collectors report (pauses; concurrent work is in the CPU time only). */
    static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }
}

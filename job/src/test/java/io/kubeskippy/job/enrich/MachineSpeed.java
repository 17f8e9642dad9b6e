package io.kubeskippy.job.enrich;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * How fast this machine's CPUs and memory run right now: every 200 ms, a thread times (in its own
 * CPU time) a fixed chain of arithmetic that touches no memory, and a walk of dependent reads
 * through a random cycle of 64 MiB (far larger than a last-level cache: nearly every step waits for
 * memory). Waiting for a CPU does not count in a thread's CPU time, so the arithmetic's time only
 * grows when the CPU itself runs slower (a lower clock, or a virtual CPU that its host runs less,
 * where the guest cannot tell), and the walk's also when memory answers slower (another tenant of
 * the host, or this JVM, keeping it busy).
 */
final class MachineSpeed implements AutoCloseable {

    private static final int ITERATIONS = 2_000_000;

    private static final int CYCLE_INTS = 16 << 20;
    private static final int STEPS = 20_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final List<long[]> samples = new ArrayList<>();
    private final Thread prober;

    /** A single cycle through every index, in random order (Sattolo's shuffle). */
    private final int[] cycle = new int[CYCLE_INTS];

    private int at;
    private volatile boolean running = true;

    /** Keeps the arithmetic from being optimised away. */
    private volatile long sink;

    MachineSpeed() {
        for (int i = 0; i < cycle.length; i++) {
            cycle[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = cycle.length - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = cycle[i];
            cycle[i] = cycle[j];
            cycle[j] = t;
        }
        prober =
                new Thread(
                        () -> {
                            while (running) {
                                long cpu = probe();
                                long memory = walk();
                                synchronized (samples) {
                                    samples.add(new long[] {System.nanoTime(), cpu, memory});
                                }
                                try {
                                    Thread.sleep(200);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "bench-machine-speed");
        prober.setDaemon(true);
        prober.start();
    }

    private long probe() {
        long start = threads.getCurrentThreadCpuTime();
        long x = 88172645463325252L;
        for (int i = 0; i < ITERATIONS; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink = x;
        return threads.getCurrentThreadCpuTime() - start;
    }

    private long walk() {
        long start = threads.getCurrentThreadCpuTime();
        int i = at;
        for (int k = 0; k < STEPS; k++) {
            i = cycle[i];
        }
        at = i;
        return threads.getCurrentThreadCpuTime() - start;
    }

    /** The median arithmetic probe, in CPU microseconds, between two {@link System#nanoTime}s. */
    double medianMicros(long fromNanos, long toNanos) {
        return median(fromNanos, toNanos, 1) / 1e3;
    }

    /** The median walk's CPU nanoseconds per step (a memory read) between two nanoTimes. */
    double medianMemoryNanos(long fromNanos, long toNanos) {
        return median(fromNanos, toNanos, 2) / STEPS;
    }

    private double median(long fromNanos, long toNanos, int column) {
        List<Long> in = new ArrayList<>();
        synchronized (samples) {
            for (long[] s : samples) {
                if (s[0] >= fromNanos && s[0] < toNanos) {
                    in.add(s[column]);
                }
            }
        }
        if (in.isEmpty()) {
            return Double.NaN;
        }
        in.sort(Long::compare);
        int mid = in.size() / 2;
        return in.size() % 2 == 1 ? in.get(mid) : (in.get(mid - 1) + in.get(mid)) / 2.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        prober.interrupt();
        prober.join(1000);
    }
}

package io.kubeskippy.job.enrich;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * How fast this machine's CPUs run right now: every 200 ms, a thread times (in its own CPU time) a
 * fixed chain of arithmetic that touches no memory. Waiting for a CPU does not count in a thread's
 * CPU time, so the time only grows when the CPU itself runs slower: a lower clock, or a virtual CPU
 * that its host runs less (where the guest cannot tell, that time counts as the thread's).
 */
final class MachineSpeed implements AutoCloseable {

    private static final int ITERATIONS = 2_000_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final List<long[]> samples = new ArrayList<>();
    private final Thread prober;
    private volatile boolean running = true;

    /** Keeps the arithmetic from being optimised away. */
    private volatile long sink;

    MachineSpeed() {
        prober =
                new Thread(
                        () -> {
                            while (running) {
                                long cpu = probe();
                                synchronized (samples) {
                                    samples.add(new long[] {System.nanoTime(), cpu});
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

    /** The median probe, in CPU microseconds, of those between two {@link System#nanoTime}s. */
    double medianMicros(long fromNanos, long toNanos) {
        List<Long> in = new ArrayList<>();
        synchronized (samples) {
            for (long[] s : samples) {
                if (s[0] >= fromNanos && s[0] < toNanos) {
                    in.add(s[1]);
                }
            }
        }
        if (in.isEmpty()) {
            return Double.NaN;
        }
        in.sort(Long::compare);
        int mid = in.size() / 2;
        double nanos = in.size() % 2 == 1 ? in.get(mid) : (in.get(mid - 1) + in.get(mid)) / 2.0;
        return nanos / 1e3;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        prober.interrupt();
        prober.join(1000);
    }
}

package io.kubeskippy.job.enrich;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a benchmark run's CPU went, by Java thread: samples every thread's CPU time each second (a
 * thread that ends between two samples loses at most its last second), then sums the growth by
 * thread name, with subtask numbers and counters taken out. Names are read once per thread, CPU
 * times in one call, so sampling 200 okhttp threads costs the run little. Compiler and GC threads
 * are not Java threads; the run's JIT and GC columns cover them.
 */
final class ThreadCpu implements AutoCloseable {

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> first = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;
    private boolean frozen;

    ThreadCpu() {
        sample();
        first.putAll(last);
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample();
                                try {
                                    Thread.sleep(1000);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "bench-thread-cpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void sample() {
        if (frozen) {
            return;
        }
        long[] ids = threads.getAllThreadIds();
        long[] cpu = threads.getThreadCpuTime(ids);
        for (int i = 0; i < ids.length; i++) {
            if (cpu[i] < 0) {
                continue;
            }
            last.put(ids[i], cpu[i]);
            if (!names.containsKey(ids[i])) {
                ThreadInfo info = threads.getThreadInfo(ids[i]);
                names.put(ids[i], info == null ? "?" : group(info.getThreadName()));
            }
        }
    }

    /** A thread's name without its numbers: the threads of one pool or operator chain together. */
    static String group(String name) {
        return name.replaceAll("\\(\\d+/\\d+\\)(#\\d+)?", "").replaceAll("\\d+", "#").trim();
    }

    /** Takes the last sample now, without waiting for the sampler: the report ends here. */
    synchronized void freeze() {
        sample();
        frozen = true;
        running = false;
    }

    /** CPU milliseconds by thread group since this sampler started, largest first. */
    synchronized String report() {
        Map<String, Long> byGroup = new TreeMap<>();
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            long grown = e.getValue() - first.getOrDefault(e.getKey(), 0L);
            byGroup.merge(names.get(e.getKey()), grown / 1_000_000, Long::sum);
        }
        StringBuilder out = new StringBuilder();
        byGroup.entrySet().stream()
                .filter(e -> e.getValue() >= 20)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(
                        e ->
                                out.append(
                                        String.format(
                                                Locale.ROOT,
                                                "  %7d ms  %s%n",
                                                e.getValue(),
                                                e.getKey())));
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join(1000);
        sample();
    }
}

package io.kubeskippy.job.enrich;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a benchmark run's CPU went, by Java thread: samples every thread's CPU time each {@code 200
 * ms} (a thread that ends between two samples loses at most its last interval), then sums the
 * growth by thread name, with subtask numbers and counters taken out. Compiler and GC threads are
 * not Java threads; the run's JIT and GC columns cover them.
 */
final class ThreadCpu implements AutoCloseable {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> first = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    ThreadCpu() {
        sample();
        first.putAll(last);
        sampler =
                new Thread(
                        () -> {
                            while (running) {
                                sample();
                                try {
                                    Thread.sleep(200);
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
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                last.put(info.getThreadId(), cpu);
                names.putIfAbsent(info.getThreadId(), group(info.getThreadName()));
            }
        }
    }

    /** A thread's name without its numbers: the threads of one pool or operator chain together. */
    static String group(String name) {
        return name.replaceAll("\\(\\d+/\\d+\\)(#\\d+)?", "").replaceAll("\\d+", "#").trim();
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

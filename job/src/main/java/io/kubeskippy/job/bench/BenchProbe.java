package io.kubeskippy.job.bench;

import io.kubeskippy.model.record.HealingAction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one benchmark run observes from inside the job: when the source started and finished, how
 * many samples it emitted, when each action and finding left the job. The bench runs its
 * MiniCluster in its own JVM, so sources and taps reach the probe of their run by name.
 */
final class BenchProbe {

    private static final Map<String, BenchProbe> RUNS = new ConcurrentHashMap<>();

    /** One action as it left the job. */
    record ActionOut(String policy, String target, String trigger, long detectedAtMs, long nanos) {}

    private final AtomicLong firstEmitNanos = new AtomicLong();
    private final AtomicLong lastEmitNanos = new AtomicLong();
    private final AtomicLong clockStartNanos = new AtomicLong();
    private final LongAdder samples = new LongAdder();
    private final LongAdder findings = new LongAdder();
    private final AtomicInteger splitsDone = new AtomicInteger();
    private final ConcurrentLinkedQueue<ActionOut> actions = new ConcurrentLinkedQueue<>();

    static BenchProbe of(String run) {
        return RUNS.computeIfAbsent(run, r -> new BenchProbe());
    }

    static void remove(String run) {
        RUNS.remove(run);
    }

    void sourceStarted() {
        long now = System.nanoTime();
        firstEmitNanos.compareAndSet(0, now);
        clockStartNanos.compareAndSet(0, now);
    }

    void sampleEmitted() {
        samples.increment();
    }

    void splitDone() {
        lastEmitNanos.set(System.nanoTime());
        splitsDone.incrementAndGet();
    }

    /**
     * When a paced record of event time {@code eventTimeMs} is due: every split runs on the clock
     * the first one started.
     */
    long pacedAt(long eventTimeMs, double speedup) {
        return clockStartNanos.get() + arrivalOffsetNanos(eventTimeMs, speedup);
    }

    /**
     * Wall-clock nanoseconds after the start of a paced run at which event time {@code ms} is due.
     */
    static long arrivalOffsetNanos(long eventTimeMs, double speedup) {
        return (long) ((eventTimeMs - SyntheticCluster.T0) * 1e6 / speedup);
    }

    long clockStartNanos() {
        return clockStartNanos.get();
    }

    long firstEmitNanos() {
        return firstEmitNanos.get();
    }

    long lastEmitNanos() {
        return lastEmitNanos.get();
    }

    int splitsDone() {
        return splitsDone.get();
    }

    long samples() {
        return samples.sum();
    }

    void action(HealingAction a) {
        long now = System.nanoTime();
        actions.add(
                new ActionOut(
                        a.spec().policyRef().name(),
                        a.spec().targetResource().id(),
                        a.spec().detection().trigger(),
                        a.spec().detection().detectedAt().toEpochMilli(),
                        now));
    }

    void finding() {
        findings.increment();
    }

    long findings() {
        return findings.sum();
    }

    List<ActionOut> actions() {
        return List.copyOf(actions);
    }
}

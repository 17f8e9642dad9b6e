package io.kubeskippy.demo.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated cluster runs: where it writes, how often the kubelet scrapes, and the rates of
 * the demo apps' faults. {@link #defaults(Path)} fits a five-minute demo: the leaking apps reach
 * their limit in about five minutes if nothing heals them. Immutable; {@code with...} returns a
 * changed copy.
 *
 * @param workDir where the kubeconfig is written (created if missing)
 * @param namespace the namespace of the demo apps
 * @param listenAddress the address /metrics binds to
 * @param metricsPort the port of /metrics (0: any free port)
 * @param scrapeInterval how often samples are taken, served and pushed
 * @param tick how often the controller and the kubelet advance the simulation
 * @param leakMemoryLimitBytes the memory limit of the leaking apps' containers
 * @param leakStartBytes the working set of a fresh leaking container
 * @param leakBytesPerSecond how fast memory-leak-app's working set grows
 * @param degradationBytesPerSecond how fast continuous-memory-degradation's working set grows
 * @param cpuOscillationPeriod the period of continuous-cpu-oscillation's CPU swings
 * @param crashLoopRunTime how long crashloop-app runs before it crashes again
 * @param crashLoopBackOff how long crashloop-app waits in CrashLoopBackOff after a crash
 * @param randomCrashMeanInterval the mean time between crashes of random-crasher (and of
 *     chaos-monkey-component)
 * @param unhealthyInterval how often flaky-web-app's readiness probe fails
 * @param inPlaceResize whether the API server has the pods/resize subresource (Kubernetes 1.33+);
 *     without it a resource patch goes through the pod template
 * @param seed the seed of the noise (same seed, same noise)
 */
public record SimulationSettings(
        Path workDir,
        String namespace,
        String listenAddress,
        int metricsPort,
        Duration scrapeInterval,
        Duration tick,
        long leakMemoryLimitBytes,
        long leakStartBytes,
        double leakBytesPerSecond,
        double degradationBytesPerSecond,
        Duration cpuOscillationPeriod,
        Duration crashLoopRunTime,
        Duration crashLoopBackOff,
        Duration randomCrashMeanInterval,
        Duration unhealthyInterval,
        boolean inPlaceResize,
        long seed) {

    static final long MIB = 1024L * 1024L;

    public SimulationSettings {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(listenAddress, "listenAddress");
        requirePositive(scrapeInterval, "scrapeInterval");
        requirePositive(tick, "tick");
        requirePositive(cpuOscillationPeriod, "cpuOscillationPeriod");
        requirePositive(crashLoopRunTime, "crashLoopRunTime");
        requirePositive(crashLoopBackOff, "crashLoopBackOff");
        requirePositive(randomCrashMeanInterval, "randomCrashMeanInterval");
        requirePositive(unhealthyInterval, "unhealthyInterval");
        if (leakStartBytes <= 0 || leakStartBytes >= leakMemoryLimitBytes) {
            throw new IllegalArgumentException(
                    "leakStartBytes must be > 0 and below leakMemoryLimitBytes");
        }
        if (!(leakBytesPerSecond > 0) || !(degradationBytesPerSecond > 0)) {
            throw new IllegalArgumentException("leak rates must be > 0");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("metricsPort must be 0..65535");
        }
    }

    /**
     * Settings for a five-minute demo: leaking containers start at 96 MiB with a 256 MiB limit;
     * memory-leak-app grows 0.55 MiB/s (OOM-killed after ~4.8 min if not healed),
     * continuous-memory-degradation 0.45 MiB/s (~5.9 min); samples every 5 s.
     */
    public static SimulationSettings defaults(Path workDir) {
        return new SimulationSettings(
                workDir,
                "demo",
                "127.0.0.1",
                0,
                Duration.ofSeconds(5),
                Duration.ofMillis(500),
                256 * MIB,
                96 * MIB,
                0.55 * MIB,
                0.45 * MIB,
                Duration.ofSeconds(60),
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                Duration.ofMinutes(4),
                Duration.ofSeconds(20),
                false,
                42L);
    }

    /**
     * The same, with both leak rates set so that a fresh memory-leak-app container reaches its
     * limit after {@code d} (continuous-memory-degradation after 1.25 × d).
     */
    public SimulationSettings withTimeToOom(Duration d) {
        requirePositive(d, "time to OOM");
        double rate = (leakMemoryLimitBytes - leakStartBytes) / (d.toMillis() / 1000.0);
        return withLeakBytesPerSecond(rate).withDegradationBytesPerSecond(rate * 0.8);
    }

    /** Seconds for a fresh memory-leak-app container to reach its limit. */
    public double secondsToOom() {
        return (leakMemoryLimitBytes - leakStartBytes) / leakBytesPerSecond;
    }

    public SimulationSettings withNamespace(String value) {
        return new SimulationSettings(
                workDir,
                value,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withListenAddress(String value) {
        return new SimulationSettings(
                workDir,
                namespace,
                value,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withMetricsPort(int value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                value,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withScrapeInterval(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                value,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withTick(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                value,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withLeakMemoryLimitBytes(long value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                value,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withLeakStartBytes(long value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                value,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withLeakBytesPerSecond(double value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                value,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withDegradationBytesPerSecond(double value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                value,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withCpuOscillationPeriod(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                value,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withCrashLoopRunTime(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                value,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withCrashLoopBackOff(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                value,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withRandomCrashMeanInterval(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                value,
                unhealthyInterval,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withUnhealthyInterval(Duration value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                value,
                inPlaceResize,
                seed);
    }

    public SimulationSettings withInPlaceResize(boolean value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                value,
                seed);
    }

    public SimulationSettings withSeed(long value) {
        return new SimulationSettings(
                workDir,
                namespace,
                listenAddress,
                metricsPort,
                scrapeInterval,
                tick,
                leakMemoryLimitBytes,
                leakStartBytes,
                leakBytesPerSecond,
                degradationBytesPerSecond,
                cpuOscillationPeriod,
                crashLoopRunTime,
                crashLoopBackOff,
                randomCrashMeanInterval,
                unhealthyInterval,
                inPlaceResize,
                value);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0");
        }
    }
}

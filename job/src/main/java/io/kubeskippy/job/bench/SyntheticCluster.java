package io.kubeskippy.job.bench;

import io.kubeskippy.job.source.ContainerState;
import io.kubeskippy.job.source.MetricBinding;
import io.kubeskippy.job.source.PodState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The synthetic cluster of a benchmark: {@code targets} pods, two per Deployment, in a few
 * namespaces, each with one container {@code app} with a memory and a CPU limit; a memory working
 * set (gauge) and a CPU counter scraped every {@value #SCRAPE_MS} ms, each pod at its own offset
 * within the interval so that event time advances smoothly. Most pods are steady; a few leak
 * memory, run hot, swing their CPU, crash-loop, fail probes or get OOM-killed. Everything is a pure
 * function of the options and the seed, so each source split generates its share without
 * coordination and a run can be repeated.
 */
public final class SyntheticCluster implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The scrape interval of every series. */
    public static final long SCRAPE_MS = 15_000;

    /** Event time of the first scrape, a fixed instant so runs compare (2025-11-22T08:00:00Z). */
    public static final long T0 = 1_763_798_400_000L;

    public static final int NAMESPACES = 5;
    public static final int PODS_PER_DEPLOYMENT = 2;
    public static final String CONTAINER = "app";
    public static final String[] TIERS = {"web", "api", "worker"};

    private static final long MI = 1024L * 1024;
    private static final long[] MEMORY_LIMITS = {256 * MI, 512 * MI, 1024 * MI, 2048 * MI};

    /** What a pod does during the run. */
    public enum Behaviour {
        /** Memory and CPU around a constant level. */
        STEADY,
        /** Memory grows linearly towards the limit (the whole Deployment leaks). */
        LEAK,
        /** Memory steady at ~92% of the limit: over a 90% threshold, not growing. */
        HOT,
        /** CPU use swings with a 2-minute period (the whole Deployment). */
        OSCILLATE,
        /** BackOff events every 30 s. */
        CRASH_LOOP,
        /** Unhealthy (probe failure) events every scrape. */
        PROBE_FAILURES,
        /** OOMKilling events at the 1st and 4th minute. */
        OOM_KILLED
    }

    private final int targets;
    private final int rounds;
    private final long seed;

    /**
     * @param targets pods, at least {@value #PODS_PER_DEPLOYMENT}
     * @param minutes event time the samples span, at least 1
     */
    public SyntheticCluster(int targets, int minutes, long seed) {
        if (targets < PODS_PER_DEPLOYMENT) {
            throw new IllegalArgumentException("targets must be >= 2, got " + targets);
        }
        if (minutes < 1) {
            throw new IllegalArgumentException("minutes must be >= 1, got " + minutes);
        }
        this.targets = targets - targets % PODS_PER_DEPLOYMENT;
        this.rounds = (int) (minutes * 60_000L / SCRAPE_MS);
        this.seed = seed;
    }

    public int pods() {
        return targets;
    }

    public int deployments() {
        return targets / PODS_PER_DEPLOYMENT;
    }

    /** Scrapes per pod. */
    public int rounds() {
        return rounds;
    }

    /** Samples per scrape of a pod: the memory working set and the CPU counter. */
    public int seriesPerPod() {
        return 2;
    }

    public long samples() {
        return (long) targets * rounds * seriesPerPod();
    }

    /** Event time just past the last sample. */
    public long endMs() {
        return T0 + rounds * SCRAPE_MS;
    }

    // ---- pods

    public static int deploymentOf(int pod) {
        return pod / PODS_PER_DEPLOYMENT;
    }

    public String namespace(int pod) {
        return namespaceOfDeployment(deploymentOf(pod));
    }

    static String namespaceOfDeployment(int deployment) {
        return "bench-" + (deployment % NAMESPACES);
    }

    public String deploymentName(int deployment) {
        return String.format(Locale.ROOT, "svc-%05d", deployment);
    }

    public String tier(int pod) {
        return TIERS[(deploymentOf(pod) / NAMESPACES) % TIERS.length];
    }

    public String podName(int pod) {
        int d = deploymentOf(pod);
        return deploymentName(d) + "-" + templateHash(d) + "-" + (char) ('a' + pod % 26) + pod;
    }

    private String templateHash(int deployment) {
        return Long.toHexString(mix(seed, deployment, 0, 99) & 0xfffffffL);
    }

    /** When each pod is scraped within the interval: spread evenly, so event time is smooth. */
    public long offsetMs(int pod) {
        return pod * SCRAPE_MS / targets;
    }

    /** Timestamp of a pod's scrape in round {@code k}. */
    public long sampleAt(int pod, int k) {
        return T0 + k * SCRAPE_MS + offsetMs(pod);
    }

    /** The first scrape of the pod at or after {@code ms}, or Long.MAX_VALUE if past the end. */
    public long firstSampleAtOrAfter(int pod, long ms) {
        long first = T0 + offsetMs(pod);
        long k = ms <= first ? 0 : (ms - first + SCRAPE_MS - 1) / SCRAPE_MS;
        return k >= rounds ? Long.MAX_VALUE : first + k * SCRAPE_MS;
    }

    public long memoryLimit(int pod) {
        return MEMORY_LIMITS[(int) Long.remainderUnsigned(mix(seed, deploymentOf(pod), 0, 1), 4)];
    }

    public double cpuLimitCores(int pod) {
        return 1.0;
    }

    /** Small shares, by Deployment or by pod, with the rest steady. */
    public Behaviour behaviour(int pod) {
        double d = unit(mix(seed, deploymentOf(pod), 0, 2));
        if (d < 0.01) {
            return Behaviour.LEAK;
        }
        if (d < 0.015) {
            return Behaviour.OSCILLATE;
        }
        double p = unit(mix(seed, pod, 0, 3));
        if (p < 0.003) {
            return Behaviour.HOT;
        }
        if (p < 0.008) {
            return Behaviour.CRASH_LOOP;
        }
        if (p < 0.013) {
            return Behaviour.PROBE_FAILURES;
        }
        if (p < 0.015) {
            return Behaviour.OOM_KILLED;
        }
        return Behaviour.STEADY;
    }

    /** The pod as the job's pod join sees it: owner, labels, the container's limits. */
    public PodState podState(int pod) {
        int d = deploymentOf(pod);
        PodState s = new PodState();
        s.namespace = namespace(pod);
        s.name = podName(pod);
        s.uid = "uid-" + pod;
        s.labels.put("app", deploymentName(d));
        s.labels.put("tier", tier(pod));
        s.labels.put("pod-template-hash", templateHash(d));
        s.workloadKind = "Deployment";
        s.workloadName = deploymentName(d);
        s.phase = "Running";
        s.startTimeMs = T0 - 3_600_000;
        s.observedAtMs = T0 - 60_000;
        ContainerState c = new ContainerState();
        c.name = CONTAINER;
        c.memoryLimitBytes = memoryLimit(pod);
        c.memoryRequestBytes = c.memoryLimitBytes / 2;
        c.cpuLimitCores = cpuLimitCores(pod);
        c.cpuRequestCores = 0.25;
        c.startedAtMs = s.startTimeMs;
        c.ready = true;
        s.containers.add(c);
        s.conditions.put("Ready", "True");
        s.conditionSinceMs.put("Ready", s.startTimeMs);
        return s;
    }

    // ---- samples

    public static final String MEMORY = MetricBinding.MEMORY_WORKING_SET;
    public static final String CPU = MetricBinding.CPU_USAGE_SECONDS;

    /** The memory working set of the pod in round {@code k}, in bytes. */
    public double memory(int pod, int k) {
        double limit = memoryLimit(pod);
        double base = limit * (0.3 + 0.3 * unit(mix(seed, pod, 0, 4)));
        double noise = gaussian(mix(seed, pod, k, 5));
        return switch (behaviour(pod)) {
            case LEAK -> {
                // Leaking for a while already when the run starts; the limit is ~12-20 min away
                // from the start, so the 10-15 minute horizons of the leak policies see it coming.
                double start = base - limit * 0.1;
                double minutesToLimit = 12 + 8 * unit(mix(seed, deploymentOf(pod), 0, 6));
                double perRound = (limit - start) / (minutesToLimit * 60_000 / SCRAPE_MS);
                yield Math.min(limit * 0.99, start + perRound * (k + 8) + noise * limit * 0.003);
            }
            case HOT -> limit * 0.92 + noise * limit * 0.005;
            default -> base + noise * limit * 0.01;
        };
    }

    /**
     * CPU use of the pod in round {@code k}, in cores: the rate the counter grows at during the
     * interval before that scrape.
     */
    public double cpuRate(int pod, int k) {
        double base = 0.1 + 0.3 * unit(mix(seed, pod, 0, 7));
        double noise = gaussian(mix(seed, pod, k, 8)) * 0.02;
        if (behaviour(pod) == Behaviour.OSCILLATE) {
            double t = (k * SCRAPE_MS + offsetMs(pod)) / 1000.0;
            return Math.max(0.01, 0.5 + 0.35 * Math.sin(2 * Math.PI * t / 120) + noise);
        }
        return Math.max(0.01, base + noise);
    }

    /** The CPU counter's value at the first scrape: it has been running for an hour. */
    public double cpuCounterStart(int pod) {
        return 3600 * (0.1 + 0.3 * unit(mix(seed, pod, 0, 7)));
    }

    /** The Kubernetes Event reason the pod emits in round {@code k}, or null. */
    public String eventAt(int pod, int k) {
        return switch (behaviour(pod)) {
            case CRASH_LOOP -> k % 2 == 0 ? "BackOff" : null;
            case PROBE_FAILURES -> "Unhealthy";
            case OOM_KILLED -> k == 4 || k == 16 ? "OOMKilling" : null;
            default -> null;
        };
    }

    /** Pods of the deployment. */
    public List<Integer> podsOf(int deployment) {
        List<Integer> pods = new ArrayList<>(PODS_PER_DEPLOYMENT);
        for (int i = 0; i < PODS_PER_DEPLOYMENT; i++) {
            pods.add(deployment * PODS_PER_DEPLOYMENT + i);
        }
        return pods;
    }

    // ---- deterministic randomness

    /** A 64-bit hash of (seed, a, b, stream): SplitMix64's finaliser over a combined key. */
    static long mix(long seed, long a, long b, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (a + 1) + 0xBF58476D1CE4E5B9L * (b + 1) + stream;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** Roughly standard normal: the sum of four uniforms, centred and scaled (Irwin-Hall). */
    static double gaussian(long bits) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += ((bits >>> (16 * i)) & 0xffff) / 65536.0;
        }
        return (sum - 2) * Math.sqrt(3);
    }
}

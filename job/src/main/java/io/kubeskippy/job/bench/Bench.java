package io.kubeskippy.job.bench;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.SkippyJob;
import io.kubeskippy.job.pattern.PatternKey;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.job.source.MetricBinding;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.job.source.Targets;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.Trigger;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.util.Collector;

/**
 * {@code skippy bench}: the detection graph ({@link SkippyJob}, without Kafka) over a {@link
 * SyntheticCluster} in a local MiniCluster, in four measured passes after a warm-up:
 *
 * <ol>
 *   <li><b>generator</b>: the source alone into a discarding sink, its own ceiling;
 *   <li><b>ceiling</b>: the graph with the pattern stage replaced by a pass-through ({@link
 *       SkippyJob.PatternStage#PASS_THROUGH});
 *   <li><b>job</b>: the graph as it runs in production: samples per second end to end, from the
 *       first record the source emits until the job has finished (end-of-input flush included);
 *   <li><b>latency</b>: the graph again with the source paced at half the job's rate, for the
 *       detection latency of every action; then a savepoint of its state, for the state size.
 * </ol>
 */
public final class Bench {

    private static final String[] KEYED_OPERATORS = {"fan-out", "features", "patterns", "findings"};

    private final BenchOptions options;
    private final JobSettings settings;
    private final PrintWriter progress;

    public Bench(BenchOptions options, PrintWriter progress) {
        this.options = options;
        this.settings = JobSettings.defaults();
        this.progress = progress;
    }

    /** What one pass measured. */
    record Pass(
            long samples,
            double seconds,
            List<BenchProbe.ActionOut> actions,
            long findings,
            long clockStartNanos,
            Map<String, Long> stateBytes,
            double cpuSeconds) {

        static final Pass NONE = new Pass(0, Double.NaN, List.of(), 0, 0, Map.of(), Double.NaN);

        double samplesPerSec() {
            return samples / seconds;
        }

        /** Process CPU time (every thread: tasks, GC, JIT) per sample, in microseconds. */
        double cpuMicrosPerSample() {
            return cpuSeconds * 1e6 / samples;
        }
    }

    /** CPU time of this process so far, in seconds (all threads). */
    private static double processCpuSeconds() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** Runs every pass; returns the result line's fields in order. */
    public Map<String, Object> run() throws Exception {
        // Other processes on the machine take cores from the job: say how busy it was.
        double loadAtStart =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage();
        SyntheticCluster cluster =
                new SyntheticCluster(options.targets(), options.minutes(), options.seed());
        Map<String, PolicyUpdate> policies = BenchPolicies.of(options.policies());
        log(
                "%d pods (%d Deployments, %d namespaces), %d policies, %d min of event time:"
                        + " %,d samples per pass; parallelism %d on %d cores; no Kafka",
                cluster.pods(),
                cluster.deployments(),
                SyntheticCluster.NAMESPACES,
                policies.size(),
                options.minutes(),
                cluster.samples(),
                options.parallelism(),
                Runtime.getRuntime().availableProcessors());

        Pass generator =
                runs(BenchOptions.Pass.GENERATOR)
                        ? pass("generator", cluster, policies, Mode.GENERATOR, 0)
                        : Pass.NONE;
        if (generator != Pass.NONE) {
            log("generator alone: %,.0f samples/s", generator.samplesPerSec());
        }
        if (options.warmupMinutes() > 0) {
            SyntheticCluster warm =
                    new SyntheticCluster(
                            options.targets(), options.warmupMinutes(), options.seed() + 1);
            Pass w = pass("warm-up", warm, policies, Mode.JOB, 0);
            log("warm-up (not measured): %,.0f samples/s", w.samplesPerSec());
        }
        Pass ceiling =
                runs(BenchOptions.Pass.CEILING)
                        ? pass("ceiling", cluster, policies, Mode.CEILING, 0)
                        : Pass.NONE;
        if (ceiling != Pass.NONE) {
            log(
                    "ceiling (no pattern stage): %,.0f samples/s, %.1f µs CPU per sample",
                    ceiling.samplesPerSec(), ceiling.cpuMicrosPerSample());
        }
        Pass job =
                runs(BenchOptions.Pass.JOB)
                        ? pass("job", cluster, policies, Mode.JOB, 0)
                        : Pass.NONE;
        if (job != Pass.NONE) {
            log(
                    "job: %,.0f samples/s, %.1f µs CPU per sample, %d actions, %d findings",
                    job.samplesPerSec(),
                    job.cpuMicrosPerSample(),
                    job.actions().size(),
                    job.findings());
        }

        double latencyRate = job.samplesPerSec() / 2;
        double samplesPerEventSecond =
                cluster.pods()
                        * (double) cluster.seriesPerPod()
                        * 1000
                        / SyntheticCluster.SCRAPE_MS;
        double speedup = latencyRate / samplesPerEventSecond;
        Pass paced = Pass.NONE;
        if (runs(BenchOptions.Pass.LATENCY) && speedup > 0) {
            log(
                    "latency pass: paced at %,.0f samples/s (%.0fx real time), then a"
                            + " savepoint...",
                    latencyRate, speedup);
            paced = pass("latency", cluster, policies, Mode.PACED, speedup);
        }
        List<Double> latencies = latencies(cluster, policies, paced, speedup);
        Keys keys = keys(cluster, policies);
        long stateBytes = paced.stateBytes().values().stream().mapToLong(Long::longValue).sum();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samplesPerSec", whole(job.samplesPerSec()));
        out.put("ceilingSamplesPerSec", whole(ceiling.samplesPerSec()));
        out.put("shareOfCeiling", round2(job.samplesPerSec() / ceiling.samplesPerSec()));
        out.put("generatorSamplesPerSec", whole(generator.samplesPerSec()));
        out.put("cpuMicrosPerSample", round1(job.cpuMicrosPerSample()));
        out.put("ceilingCpuMicrosPerSample", round1(ceiling.cpuMicrosPerSample()));
        out.put("p50DetectionLatencyMs", percentile(latencies, 0.50));
        out.put("p99DetectionLatencyMs", percentile(latencies, 0.99));
        out.put("maxDetectionLatencyMs", percentile(latencies, 1.0));
        out.put("minDetectionLatencyMs", latencies.isEmpty() ? null : round1(latencies.get(0)));
        out.put("latencyLoadSamplesPerSec", whole(paced.samplesPerSec()));
        out.put("latencyActions", latencies.size());
        out.put(
                "stateBytesPerKey",
                keys.all == 0 ? null : Math.round((double) stateBytes / keys.all));
        out.put("stateKeys", keys.all);
        out.put("stateKeysFedBySamples", keys.sampled);
        out.put("stateBytes", stateBytes);
        out.put("stateBytesByOperator", paced.stateBytes());
        out.put("targets", cluster.pods());
        out.put("policies", policies.size());
        out.put("minutes", options.minutes());
        out.put("samples", job.samples());
        out.put("actions", job.actions().size());
        out.put("findings", job.findings());
        out.put("parallelism", options.parallelism());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("loadAverageAtStart", round2(loadAtStart));
        out.put("kafka", false);
        Map<String, Boolean> met = new LinkedHashMap<>();
        met.put("samplesPerSec>=200000", job.samplesPerSec() >= 200_000);
        met.put("shareOfCeiling>=0.5", job.samplesPerSec() >= 0.5 * ceiling.samplesPerSec());
        Double p99 = percentile(latencies, 0.99);
        met.put("p99DetectionLatencyMs<500", p99 != null && p99 < 500);
        met.put("stateBytesPerKey<=4096", keys.all > 0 && (double) stateBytes / keys.all <= 4096);
        out.put("targetsMet", met);
        return out;
    }

    private boolean runs(BenchOptions.Pass pass) {
        return options.passes().contains(pass);
    }

    private enum Mode {
        GENERATOR,
        CEILING,
        JOB,
        PACED
    }

    private Pass pass(
            String name,
            SyntheticCluster cluster,
            Map<String, PolicyUpdate> policies,
            Mode mode,
            double speedup)
            throws Exception {
        String run = name + "-" + UUID.randomUUID();
        BenchProbe probe = BenchProbe.of(run);
        try {
            Configuration conf = new Configuration();
            conf.set(CoreOptions.TMP_DIRS, options.workDir().toString());
            conf.set(PipelineOptions.GENERIC_TYPES, false);
            // Savepoints of this size do not fit the JobManager's memory: write them to files.
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    options.workDir().toUri().toString());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(options.parallelism(), conf);
            boolean hold = mode == Mode.PACED;
            DataStream<SourceRecord> records =
                    env.fromSource(
                                    new SyntheticSource(
                                            cluster, options.parallelism(), speedup, hold, run),
                                    SkippyJob.recordWatermarks(settings),
                                    "synthetic cluster")
                            .uid("source-records");
            if (mode == Mode.GENERATOR) {
                records.sinkTo(new DiscardingSink<>()).name("discard");
            } else {
                TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
                DataStream<SourceRecord> policyStream =
                        env.fromData(
                                        policies.values().stream().map(SourceRecord::of).toList(),
                                        type)
                                .assignTimestampsAndWatermarks(
                                        SkippyJob.policyWatermarks(settings));
                SkippyJob job = new SkippyJob(settings, new ActivePolicies(policies));
                if (mode == Mode.CEILING) {
                    job = job.withPatternStage(SkippyJob.PatternStage.PASS_THROUGH);
                }
                SkippyJob.Outputs out = job.build(records, policyStream);
                out.actions()
                        .process(new ActionTap(run), TypeInformation.of(Void.class))
                        .name("tap actions")
                        .sinkTo(new DiscardingSink<>());
                out.findings()
                        .process(new FindingTap(run), TypeInformation.of(Void.class))
                        .name("tap findings")
                        .sinkTo(new DiscardingSink<>());
                out.deadLetters().sinkTo(new DiscardingSink<>());
            }
            double cpuBefore = processCpuSeconds();
            JobClient client = env.executeAsync("skippy bench " + name);
            Map<String, Long> state = Map.of();
            long end;
            if (hold) {
                while (probe.splitsDone() < options.parallelism()) {
                    Thread.sleep(20);
                }
                end = probe.lastEmitNanos();
                state = savepointState(client);
                client.cancel().get(60, TimeUnit.SECONDS);
            } else {
                client.getJobExecutionResult().get();
                end = System.nanoTime();
            }
            double seconds = (end - probe.firstEmitNanos()) / 1e9;
            return new Pass(
                    probe.samples(),
                    seconds,
                    probe.actions(),
                    probe.findings(),
                    probe.clockStartNanos(),
                    state,
                    processCpuSeconds() - cpuBefore);
        } finally {
            BenchProbe.remove(run);
        }
    }

    /**
     * Takes a canonical savepoint of the running job and reads each operator's state size from its
     * metadata; the savepoint is deleted afterwards.
     */
    private Map<String, Long> savepointState(JobClient client) throws Exception {
        Path dir = Files.createTempDirectory(options.workDir(), "bench-savepoint-");
        try {
            String location =
                    client.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(5, TimeUnit.MINUTES);
            Path metadata = Path.of(java.net.URI.create(location)).resolve("_metadata");
            CheckpointMetadata meta;
            try (InputStream in = Files.newInputStream(metadata)) {
                meta =
                        Checkpoints.loadCheckpointMetadata(
                                new DataInputStream(in),
                                Bench.class.getClassLoader(),
                                metadata.getParent().toString());
            }
            Map<OperatorID, String> uids = new HashMap<>();
            for (String uid : KEYED_OPERATORS) {
                uids.put(new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid)), uid);
            }
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (String uid : KEYED_OPERATORS) {
                sizes.put(uid, 0L);
            }
            long other = 0;
            for (OperatorState op : meta.getOperatorStates()) {
                String uid = uids.get(op.getOperatorID());
                if (uid != null) {
                    sizes.merge(uid, op.getStateSize(), Long::sum);
                } else {
                    other += op.getStateSize();
                }
            }
            sizes.put("other", other);
            return sizes;
        } finally {
            deleteRecursively(dir);
        }
    }

    // ---- latency

    /**
     * The detection latency of each action of a paced pass, in milliseconds, sorted: from when the
     * input that completed its pattern was due at the source to when the action left the job.
     *
     * <p>Which input completes a pattern follows from event time. A trend or threshold point of the
     * step starting at {@code D} (the action's {@code detectedAt}) exists once its bucket closes,
     * whichever comes first: the target's first sample at or after {@code D + step + lateness} (the
     * bucket's own lateness), or the watermark reaching the first flush timer at or after {@code D
     * + step} (each sample sets one at its bucket's end plus the lateness), which takes a sample
     * {@code outOfOrderness + 1 ms} later. An event at {@code D} is matched once the watermark
     * passes it: the first sample at or after {@code D + outOfOrderness + 1 ms}. Arrival times are
     * the pacing schedule's, so a source held back by backpressure counts against the job. The
     * waits the configuration sets in event time (lateness, out-of-orderness) are not in these
     * numbers; live, they add their own length.
     */
    private List<Double> latencies(
            SyntheticCluster cluster,
            Map<String, PolicyUpdate> policies,
            Pass pass,
            double speedup) {
        Map<String, HealingPolicy> byName = new HashMap<>();
        policies.forEach((name, update) -> byName.put(name, PolicyVersions.read(update)));
        Map<String, Integer> podIndex = new HashMap<>();
        for (int p = 0; p < cluster.pods(); p++) {
            podIndex.put(cluster.namespace(p) + "/" + cluster.podName(p), p);
        }
        long lateness = settings.lateness().toMillis();
        long ooo = settings.outOfOrderness().toMillis();
        List<Double> out = new ArrayList<>();
        for (BenchProbe.ActionOut a : pass.actions()) {
            HealingPolicy policy = byName.get(a.policy());
            Trigger trigger = policy.spec().trigger(a.trigger()).orElseThrow();
            long released;
            if (trigger.type() == Trigger.Type.TREND || trigger.type() == Trigger.Type.METRIC) {
                long step =
                        trigger.type() == Trigger.Type.TREND
                                ? trigger.trendTrigger().step().toMillis()
                                : settings.metricStep().toMillis();
                long d = a.detectedAtMs();
                long ownSample = Long.MAX_VALUE;
                long flushTimer = Long.MAX_VALUE;
                for (int pod : podsOf(cluster, podIndex, a.target())) {
                    ownSample =
                            Math.min(
                                    ownSample,
                                    cluster.firstSampleAtOrAfter(pod, d + step + lateness));
                    long s = cluster.firstSampleAtOrAfter(pod, alignUp(d - lateness, step));
                    if (s != Long.MAX_VALUE) {
                        flushTimer = Math.min(flushTimer, alignDown(s, step) + step + lateness);
                    }
                }
                long watermarkPasses =
                        flushTimer == Long.MAX_VALUE ? Long.MAX_VALUE : flushTimer + ooo + 1;
                released = Math.min(ownSample, watermarkPasses);
            } else {
                released = a.detectedAtMs() + ooo + 1;
            }
            long due = pass.clockStartNanos() + BenchProbe.arrivalOffsetNanos(released, speedup);
            out.add((a.nanos() - due) / 1e6);
            if (System.getenv("BENCH_DEBUG") != null) {
                log(
                        "latency %s %s %s D=%d released=+%d ms: %.1f ms",
                        a.policy(),
                        a.target(),
                        trigger.type(),
                        a.detectedAtMs() - SyntheticCluster.T0,
                        released - a.detectedAtMs(),
                        (a.nanos() - due) / 1e6);
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static long alignDown(long ms, long step) {
        return Math.floorDiv(ms, step) * step;
    }

    private static long alignUp(long ms, long step) {
        return -Math.floorDiv(-ms, step) * step;
    }

    private static List<Integer> podsOf(
            SyntheticCluster cluster, Map<String, Integer> podIndex, String target) {
        String[] parts = target.split("/", 3);
        if (parts[0].equals("Pod")) {
            return List.of(podIndex.get(parts[1] + "/" + parts[2]));
        }
        // Deployment/namespace/svc-NNNNN
        int deployment = Integer.parseInt(parts[2].substring("svc-".length()));
        return cluster.podsOf(deployment);
    }

    /** Nearest-rank percentile, in ms to 0.1; null if there are none. */
    static Double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return round1(sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1)));
    }

    // ---- keys

    /** How many (target, trigger) keys the job holds: all of them, and those samples feed. */
    record Keys(int all, int sampled) {}

    /**
     * The (target, trigger) keys of the run, from the job's own selection and binding code: every
     * trigger of every policy that selects a pod is a key (a container start reaches all of them),
     * and a trend or metric trigger is fed by samples if its binding accepts the pod's series.
     */
    static Keys keys(SyntheticCluster cluster, Map<String, PolicyUpdate> policies) {
        List<HealingPolicy> parsed = policies.values().stream().map(PolicyVersions::read).toList();
        Set<String> all = new HashSet<>();
        Set<String> sampled = new HashSet<>();
        Map<String, String> labels = new HashMap<>();
        for (int p = 0; p < cluster.pods(); p++) {
            PodState pod = cluster.podState(p);
            labels.put("namespace", pod.namespace);
            labels.put("pod", pod.name);
            labels.put("container", SyntheticCluster.CONTAINER);
            for (HealingPolicy policy : parsed) {
                String target = Targets.targetOf(policy, pod.namespace, pod.name, pod);
                if (target == null) {
                    continue;
                }
                for (Trigger trigger : policy.spec().triggers()) {
                    String key =
                            new PatternKey(policy.name(), policy.version(), target, trigger.name())
                                    .format();
                    all.add(key);
                    MetricBinding b = MetricBinding.of(policy.name(), trigger);
                    if (b != null
                            && (b.accepts(SyntheticCluster.MEMORY, labels)
                                    || b.accepts(SyntheticCluster.CPU, labels))) {
                        sampled.add(key);
                    }
                }
            }
        }
        return new Keys(all.size(), sampled.size());
    }

    // ---- taps

    /** Records when each action leaves the job. */
    static final class ActionTap extends ProcessFunction<HealingAction, Void> {
        private static final long serialVersionUID = 1L;
        private final String run;
        private transient BenchProbe probe;

        ActionTap(String run) {
            this.run = run;
        }

        @Override
        public void open(OpenContext openContext) {
            probe = BenchProbe.of(run);
        }

        @Override
        public void processElement(HealingAction a, Context ctx, Collector<Void> out) {
            probe.action(a);
        }
    }

    /** Counts findings. */
    static final class FindingTap extends ProcessFunction<Finding, Void> {
        private static final long serialVersionUID = 1L;
        private final String run;
        private transient BenchProbe probe;

        FindingTap(String run) {
            this.run = run;
        }

        @Override
        public void open(OpenContext openContext) {
            probe = BenchProbe.of(run);
        }

        @Override
        public void processElement(Finding f, Context ctx, Collector<Void> out) {
            probe.finding();
        }
    }

    // ---- helpers

    private void log(String format, Object... args) {
        progress.printf("skippy bench: " + format + "%n", args);
        progress.flush();
    }

    /** To 0.1; null for a pass that did not run (NaN). */
    private static Double round1(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 10) / 10.0;
    }

    /** To 0.01; null for a pass that did not run (NaN). */
    private static Double round2(double v) {
        return Double.isNaN(v) ? null : Math.round(v * 100) / 100.0;
    }

    /** Rounded; null for a pass that did not run (NaN). */
    private static Long whole(double v) {
        return Double.isNaN(v) ? null : Math.round(v);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

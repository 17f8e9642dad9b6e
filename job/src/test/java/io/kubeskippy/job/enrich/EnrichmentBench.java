package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.Recordings.MI;
import static io.kubeskippy.job.Recordings.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.benchLlm;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopAi;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.Recordings;
import io.kubeskippy.job.SkippyJob;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.replay.Replay;
import io.kubeskippy.job.source.ContainerState;
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.record.HealingAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import jdk.jfr.Recording;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.flink.util.CloseableIterator;

/**
 * One configuration of {@link EnrichmentBenchITCase}, in a JVM of its own: a MiniCluster and the
 * replayed crash loops and steady pods, run as two long jobs, as a job runs in production: one
 * unpaced, one paced. Each job replays the recordings round after round, each round shifted in
 * event time after the one before, so every round detects the same crash loops anew. The first
 * rounds of each job are its warm-up (unreported); each later round is one {@link Run} line in the
 * output file.
 *
 * <p>One job for all rounds, not one per round: a MiniCluster job's lifecycle (submission,
 * deployment, metrics, operators' set-up) kept the JIT compiler deoptimising and recompiling for
 * seconds in every run, after ten warm-up runs, and made identical runs differ by 25 %. A
 * production job pays that once.
 *
 * <p>Several configurations can share a JVM, one after the other: first their unpaced jobs, then
 * their paced ones. They then run with the same compiled code, heap and JIT compiler, which differ
 * between JVMs by as much as the configurations do.
 *
 * <p>Arguments: the configuration ({@code no LLM} or {@link #LLM}; or both, joined by {@code +}),
 * the stand-in's URL and PID (its CPU is read from {@code /proc} for each round), the block (rounds
 * are numbered by it), the output file.
 */
public final class EnrichmentBench {

    static final int CRASH_LOOPS = Integer.getInteger("kubeskippy.bench.crashLoops", 6000);
    static final int STEADY_PODS = Integer.getInteger("kubeskippy.bench.steadyPods", 1000);

    /**
     * How many of the {@link #CRASH_LOOPS} also crash-loop under the policy with {@code ai.enabled}
     * (spread evenly over the round; all by default). The policy without it always has all of them.
     * Fewer than all: the LLM is asked less often than its capacity allows, and every such finding
     * is enriched; all: most of them find every call slot taken.
     */
    static final int AI_CRASH_LOOPS =
            Integer.getInteger("kubeskippy.bench.aiCrashLoops", CRASH_LOOPS);

    /**
     * The cluster time one round covers: the crash loops start 3 s apart, the steady pods are
     * scraped every 15 s throughout. (Unpaced, a round replays it in seconds.)
     */
    static final int ROUND_MINUTES = Math.max(10, CRASH_LOOPS * 3 / 60 + 5);

    /** Unreported rounds at the start of the unpaced job, and its measured rounds. */
    static final int WARM_UP_ROUNDS = Integer.getInteger("kubeskippy.bench.warmUpRounds", 8);

    static final int ROUNDS = Integer.getInteger("kubeskippy.bench.rounds", 8);

    /** The same for the paced job (a paced round takes records / pacedRate seconds). */
    static final int PACED_WARM_UP_ROUNDS =
            Integer.getInteger("kubeskippy.bench.pacedWarmUpRounds", 1);

    static final int PACED_ROUNDS = Integer.getInteger("kubeskippy.bench.pacedRounds", 3);

    static final int PACED_RATE = Integer.getInteger("kubeskippy.bench.pacedRate", 40_000);
    static final long LLM_DELAY_MS = Long.getLong("kubeskippy.bench.llmDelayMs", 2000);

    static final String NO_LLM = "no LLM";

    /** Between the configurations of the first argument, when one JVM runs several. */
    static final String CONFIGS_JOINED_BY = "+";

    /** The name of the configuration with the LLM stand-in. */
    static final String LLM = "LLM " + LLM_DELAY_MS + " ms/call";

    /**
     * With {@code -Dkubeskippy.bench.jfr=true}, each job's measured rounds are flight-recorded
     * (JFR's {@code profile} settings) to {@code target/enrich-bench-CONFIG-paced-RATE.jfr}.
     */
    static final boolean JFR = Boolean.getBoolean("kubeskippy.bench.jfr");

    /** Event time between the recordings' end and the next round's start. */
    private static final long ROUND_GAP_MS = 60_000;

    /**
     * The replayed records of one round, read by the source from this JVM's memory: a collection
     * source would ship all of them inside the job graph and deserialize them again on the way,
     * which costs as much CPU and garbage as a detection stage does.
     */
    static volatile List<SourceRecord> records = List.of();

    /** Event time of the first record, and how far each round is shifted after the one before. */
    static volatile long firstMs;

    static volatile long shiftMs;

    /** Where the measuring functions report (the MiniCluster runs in this JVM), by round. */
    static volatile Marks marks;

    /** The stand-in LLM's PID, for its CPU at each round's start. */
    static volatile long llmPid;

    /**
     * What is noted when each round's first record enters the graph, and when the job ends (at
     * index {@code rounds}): time, this JVM's CPU, the stand-in's CPU, GC and JIT time; the last
     * finding of each round; when each event record entered (for the latency of its action).
     */
    static final class Marks {
        final long[] startNanos;
        final long[] cpuNanos;
        final double[] llmCpuSeconds;
        final long[] gcMs;
        final long[] jitMs;
        final AtomicLongArray lastFinding;
        final Map<String, Long> emitted = new ConcurrentHashMap<>();

        /** Per-thread CPU from the first measured round on. */
        volatile ThreadCpu threadCpu;

        /** With {@link #JFR}: a flight recording of the measured rounds. */
        volatile Recording recording;

        Marks(int rounds) {
            startNanos = new long[rounds + 1];
            cpuNanos = new long[rounds + 1];
            llmCpuSeconds = new double[rounds + 1];
            gcMs = new long[rounds + 1];
            jitMs = new long[rounds + 1];
            lastFinding = new AtomicLongArray(rounds);
        }

        void mark(int round) {
            startNanos[round] = System.nanoTime();
            cpuNanos[round] = BenchMeter.processCpuNanos();
            llmCpuSeconds[round] = BenchMeter.totalCpuSeconds(llmPid);
            gcMs[round] = BenchMeter.gcMillis();
            jitMs[round] = BenchMeter.jitMillis();
        }
    }

    /** How fast the machine runs, sampled through both jobs ({@code probe} and {@code mem}). */
    static volatile MachineSpeed speed;

    /** One measured round. */
    record Run(
            int round,
            String config,
            int warmUps,
            int rate,
            int records,
            long wallMs,
            long detectionMs,
            double recordsPerSecond,
            double p50Ms,
            double p95Ms,
            int unEnriched,
            int enriched,
            int skippedBusy,
            double cpuSeconds,
            double llmCpuSeconds,
            long gcMs,
            long jitMs,
            double probeMicros,
            double memoryNanos) {

        String line() {
            return String.join(
                    "\t",
                    List.of(
                            Integer.toString(round),
                            config,
                            Integer.toString(warmUps),
                            Integer.toString(rate),
                            Integer.toString(records),
                            Long.toString(wallMs),
                            Long.toString(detectionMs),
                            Double.toString(recordsPerSecond),
                            Double.toString(p50Ms),
                            Double.toString(p95Ms),
                            Integer.toString(unEnriched),
                            Integer.toString(enriched),
                            Integer.toString(skippedBusy),
                            Double.toString(cpuSeconds),
                            Double.toString(llmCpuSeconds),
                            Long.toString(gcMs),
                            Long.toString(jitMs),
                            Double.toString(probeMicros),
                            Double.toString(memoryNanos)));
        }

        static Run parse(String line) {
            String[] f = line.split("\t");
            return new Run(
                    Integer.parseInt(f[0]),
                    f[1],
                    Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]),
                    Long.parseLong(f[5]),
                    Long.parseLong(f[6]),
                    Double.parseDouble(f[7]),
                    Double.parseDouble(f[8]),
                    Double.parseDouble(f[9]),
                    Integer.parseInt(f[10]),
                    Integer.parseInt(f[11]),
                    Integer.parseInt(f[12]),
                    Double.parseDouble(f[13]),
                    Double.parseDouble(f[14]),
                    Long.parseLong(f[15]),
                    Long.parseLong(f[16]),
                    Double.parseDouble(f[17]),
                    Double.parseDouble(f[18]));
        }
    }

    /**
     * The {@code i}-th record of the rounds: record {@code i % n} of {@link #records}, shifted by
     * {@code i / n} rounds.
     */
    static final class Replayed implements GeneratorFunction<Long, SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public SourceRecord map(Long i) {
            List<SourceRecord> round = records;
            long k = i / round.size();
            SourceRecord r = round.get((int) (i % round.size()));
            return k == 0 ? r : SourceRecord.of(shifted(r.input, k * shiftMs));
        }
    }

    /** A copy of {@code in} that happens {@code byMs} later (its pod's times too). */
    static PodInput shifted(PodInput in, long byMs) {
        PodInput out = new PodInput();
        out.kind = in.kind;
        out.key = in.key;
        out.timestampMs = in.timestampMs + byMs;
        out.metric = in.metric;
        out.labels = in.labels;
        out.value = in.value;
        out.reason = in.reason;
        out.type = in.type;
        out.involvedKind = in.involvedKind;
        out.involvedName = in.involvedName;
        out.namespace = in.namespace;
        if (in.pod != null) {
            PodState p = in.pod;
            PodState q = new PodState();
            q.namespace = p.namespace;
            q.name = p.name;
            q.uid = p.uid;
            q.labels = p.labels;
            q.annotations = p.annotations;
            q.workloadKind = p.workloadKind;
            q.workloadName = p.workloadName;
            q.phase = p.phase;
            q.startTimeMs = later(p.startTimeMs, byMs);
            q.observedAtMs = later(p.observedAtMs, byMs);
            q.deleted = p.deleted;
            q.conditions = p.conditions;
            q.conditionSinceMs = new HashMap<>();
            p.conditionSinceMs.forEach((c, ms) -> q.conditionSinceMs.put(c, later(ms, byMs)));
            q.containers = new ArrayList<>();
            for (ContainerState c : p.containers) {
                ContainerState d = new ContainerState();
                d.name = c.name;
                d.memoryLimitBytes = c.memoryLimitBytes;
                d.memoryRequestBytes = c.memoryRequestBytes;
                d.cpuLimitCores = c.cpuLimitCores;
                d.cpuRequestCores = c.cpuRequestCores;
                d.restartCount = c.restartCount;
                d.startedAtMs = later(c.startedAtMs, byMs);
                d.ready = c.ready;
                d.waitingReason = c.waitingReason;
                d.lastTerminatedReason = c.lastTerminatedReason;
                d.lastTerminatedAtMs = later(c.lastTerminatedAtMs, byMs);
                q.containers.add(d);
            }
            out.pod = q;
        }
        return out;
    }

    /** {@code ms} shifted, unless it is 0 (not known). */
    private static long later(long ms, long byMs) {
        return ms == 0 ? 0 : ms + byMs;
    }

    /**
     * Marks the start of each round and notes when each event record enters the graph; when paced,
     * holds the source to {@code rate} records per second. One subtask (the reader's).
     */
    static final class Stamp extends RichMapFunction<SourceRecord, SourceRecord> {
        private static final long serialVersionUID = 1L;
        private final int rate;
        private final int warmUpRounds;
        private final int measuredRounds;
        private long start;
        private long n;

        Stamp(int rate, int warmUpRounds, int measuredRounds) {
            this.rate = rate;
            this.warmUpRounds = warmUpRounds;
            this.measuredRounds = measuredRounds;
        }

        @Override
        public SourceRecord map(SourceRecord r) throws InterruptedException {
            if (n % records.size() == 0) {
                int round = (int) (n / records.size());
                marks.mark(round);
                if (round == warmUpRounds + measuredRounds) {
                    marks.threadCpu.freeze();
                }
                if (round == warmUpRounds) {
                    marks.threadCpu = new ThreadCpu();
                    if (JFR) {
                        try {
                            Recording recording =
                                    new Recording(
                                            jdk.jfr.Configuration.getConfiguration("profile"));
                            recording.start();
                            marks.recording = recording;
                        } catch (java.io.IOException | java.text.ParseException e) {
                            throw new IllegalStateException("cannot start a flight recording", e);
                        }
                    }
                }
            }
            if (rate > 0) {
                if (n == 0) {
                    start = System.nanoTime();
                }
                if ((n + 1) % 200 == 0) {
                    long waitNanos = start + (n + 1) * 1_000_000_000L / rate - System.nanoTime();
                    if (waitNanos > 0) {
                        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                    }
                }
            }
            n++;
            if (r.input != null && r.input.kind == PodInput.Kind.EVENT) {
                marks.emitted.putIfAbsent(
                        r.input.key + "@" + r.input.timestampMs, System.nanoTime());
            }
            return r;
        }
    }

    private final String config;
    private final JobSettings settings;
    private final Map<String, PolicyUpdate> policies;

    private EnrichmentBench(
            String config, JobSettings settings, Map<String, PolicyUpdate> policies) {
        this.config = config;
        this.settings = settings;
        this.policies = policies;
    }

    public static void main(String[] args) {
        ForkedJvm.exitWhenStdinCloses();
        try {
            measure(args);
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void measure(String[] args) throws Exception {
        List<String> configs =
                List.of(args[0].split(java.util.regex.Pattern.quote(CONFIGS_JOINED_BY)));
        String llmUrl = args[1];
        llmPid = Long.parseLong(args[2]);
        int block = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Map<String, PolicyUpdate> policies = prepare();
        MiniClusterWithClientResource flink =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(2)
                                .build());
        flink.before();
        speed = new MachineSpeed();
        try {
            List<EnrichmentBench> benches = new ArrayList<>();
            for (String config : configs) {
                benches.add(
                        new EnrichmentBench(
                                config,
                                config.equals(NO_LLM) ? JobSettings.defaults() : benchLlm(llmUrl),
                                policies));
            }
            List<Run> runs = new ArrayList<>();
            for (EnrichmentBench bench : benches) {
                runs.addAll(bench.job(0, WARM_UP_ROUNDS, ROUNDS, block * ROUNDS));
            }
            for (EnrichmentBench bench : benches) {
                runs.addAll(
                        bench.job(
                                PACED_RATE,
                                PACED_WARM_UP_ROUNDS,
                                PACED_ROUNDS,
                                block * PACED_ROUNDS));
            }
            for (Run run : runs) {
                Files.writeString(
                        out,
                        run.line() + "\n",
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } finally {
            speed.close();
            flink.after();
        }
    }

    /**
     * Writes the recordings and reads them into {@link #records}; the policies: crash loops of one
     * policy with {@code ai.enabled} and one without, and the shipped memory-leak policy.
     */
    private static Map<String, PolicyUpdate> prepare() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "enrich-bench-");
        Recordings r = new Recordings();
        for (int i = 0; i < CRASH_LOOPS; i++) {
            boolean ai = (long) i * AI_CRASH_LOOPS % CRASH_LOOPS < AI_CRASH_LOOPS;
            for (String ns : ai ? List.of("ai", "rules") : List.of("rules")) {
                String pod = "app" + i + "-1";
                r.pod(ns, "app" + i, pod, 512 * MI, T0);
                int at = 60 + i * 3;
                r.event(ns, pod, "BackOff", "Warning", T0.plusSeconds(at))
                        .event(ns, pod, "BackOff", "Warning", T0.plusSeconds(at + 60))
                        .event(ns, pod, "BackOff", "Warning", T0.plusSeconds(at + 140));
            }
        }
        for (int i = 0; i < STEADY_PODS; i++) {
            r.pod("steady", "steady" + i, "steady" + i + "-1", 512 * MI, T0);
            r.memory("steady", "steady" + i + "-1", T0, ROUND_MINUTES, 15, 200 * MI, 0, 2 * MI, i);
        }
        r.write(dir);
        Path policyDir = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(
                policyDir.resolve("ai.yaml"),
                crashLoopAi("  selector:\n", "  selector:\n    namespaces: [ai]\n"));
        Files.writeString(
                policyDir.resolve("rules.yaml"),
                crashLoopAi("  selector:\n", "  selector:\n    namespaces: [rules]\n")
                        .replace("name: crash-loop", "name: crash-loop-rules")
                        .replace("    enabled: true\n", "    enabled: false\n"));
        Files.copy(Path.of("../policies/memory-leak.yaml"), policyDir.resolve("memory-leak.yaml"));
        records =
                Replay.readInputs(
                        List.of(
                                new Replay.Input(Topic.PODS, dir.resolve("pods.jsonl")),
                                new Replay.Input(Topic.EVENTS, dir.resolve("events.jsonl")),
                                new Replay.Input(Topic.METRICS, dir.resolve("metrics.jsonl"))),
                        bad -> {
                            throw new IllegalStateException(
                                    "a recorded line did not parse: " + bad);
                        });
        firstMs = records.get(0).timestampMs();
        shiftMs = records.get(records.size() - 1).timestampMs() - firstMs + ROUND_GAP_MS;
        Map<String, PolicyUpdate> policies = Replay.readPolicies(policyDir);
        // hundreds of MB of JSON lines, now in memory; each JVM writes its own
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        return policies;
    }

    /** One job of {@code warmUpRounds + rounds} rounds; the measured ones, numbered from first. */
    private List<Run> job(int rate, int warmUpRounds, int rounds, int first) throws Exception {
        if (rounds == 0) {
            return List.of();
        }
        // one more round at the end, unreported: the end of the input (the last watermark fires
        // every pending timer) and the calls still in flight fall into it
        int all = warmUpRounds + rounds + 1;
        int n = records.size();
        Marks m = new Marks(all);
        marks = m;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration strict = new Configuration();
        strict.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(strict);
        TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
        DataStream<SourceRecord> data =
                env.fromSource(
                                new DataGeneratorSource<>(new Replayed(), (long) n * all, type),
                                WatermarkStrategy.noWatermarks(),
                                "replayed records")
                        // one reader, so the records keep their order of event time
                        .setParallelism(1)
                        .map(new Stamp(rate, warmUpRounds, rounds), type)
                        .setParallelism(1)
                        .assignTimestampsAndWatermarks(SkippyJob.replayWatermarks(settings));
        DataStream<SourceRecord> policyStream =
                env.fromData(policies.values().stream().map(SourceRecord::of).toList(), type);
        SkippyJob.Outputs out =
                new SkippyJob(settings, new ActivePolicies(policies)).build(data, policyStream);
        out.findings()
                .filter(f -> f.suppressed() == null)
                .map(
                        f -> {
                            marks.lastFinding.accumulateAndGet(
                                    round(f.detectedAt().toEpochMilli()),
                                    System.nanoTime(),
                                    Math::max);
                            return f.id();
                        },
                        Types.STRING)
                .sinkTo(new DiscardingSink<>());
        DataStream<String> actions =
                out.actions()
                        .map(
                                a -> {
                                    long now = System.nanoTime();
                                    var target = a.spec().targetResource();
                                    String key =
                                            target.namespace()
                                                    + "/"
                                                    + target.name()
                                                    + "@"
                                                    + a.spec()
                                                            .detection()
                                                            .detectedAt()
                                                            .toEpochMilli();
                                    return key + " " + now + " " + outcome(a);
                                },
                                Types.STRING);
        List<List<Double>> latencies = new ArrayList<>();
        int[] enriched = new int[all];
        int[] busy = new int[all];
        for (int i = 0; i < all; i++) {
            latencies.add(new ArrayList<>());
        }
        System.gc();
        try (CloseableIterator<String> it = actions.executeAndCollect("enrichment bench")) {
            while (it.hasNext()) {
                String[] parts = it.next().split(" ", 3);
                int round = round(Long.parseLong(parts[0].substring(parts[0].indexOf('@') + 1)));
                if (parts[0].startsWith("rules/")) {
                    Long emitted = m.emitted.get(parts[0]);
                    latencies.get(round).add((Long.parseLong(parts[1]) - emitted) / 1e6);
                } else if (parts[2].equals("llm")) {
                    enriched[round]++;
                } else if (parts[2].equals("busy")) {
                    busy[round]++;
                }
            }
        }
        m.mark(all);
        ThreadCpu threadCpu = m.threadCpu;
        threadCpu.close();
        if (m.recording != null) {
            m.recording.stop();
            m.recording.dump(
                    Path.of(
                            "target",
                            ("enrich-bench-" + config + "-paced-" + rate + ".jfr")
                                    .replaceAll("[^A-Za-z0-9.-]+", "-")));
            m.recording.close();
        }
        System.err.printf(
                Locale.ROOT,
                "%s, paced %d, rounds %d to %d: CPU %.1f s, by Java thread:%n%s",
                config,
                rate,
                warmUpRounds,
                warmUpRounds + rounds - 1,
                (m.cpuNanos[warmUpRounds + rounds] - m.cpuNanos[warmUpRounds]) / 1e9,
                threadCpu.report());
        List<Run> runs = new ArrayList<>();
        for (int k = 0; k < warmUpRounds + rounds; k++) {
            long detectionMs = (m.lastFinding.get(k) - m.startNanos[k]) / 1_000_000;
            List<Double> l = latencies.get(k);
            l.sort(Double::compare);
            Run run =
                    new Run(
                            first + k - warmUpRounds,
                            config,
                            warmUpRounds,
                            rate,
                            n,
                            (m.startNanos[k + 1] - m.startNanos[k]) / 1_000_000,
                            detectionMs,
                            n * 1000.0 / detectionMs,
                            percentile(l, 0.5),
                            percentile(l, 0.95),
                            l.size(),
                            enriched[k],
                            busy[k],
                            (m.cpuNanos[k + 1] - m.cpuNanos[k]) / 1e9,
                            m.llmCpuSeconds[k + 1] - m.llmCpuSeconds[k],
                            m.gcMs[k + 1] - m.gcMs[k],
                            m.jitMs[k + 1] - m.jitMs[k],
                            speed.medianMicros(m.startNanos[k], m.startNanos[k + 1]),
                            speed.medianMemoryNanos(m.startNanos[k], m.startNanos[k + 1]));
            if (k < warmUpRounds) {
                System.err.printf(
                        Locale.ROOT,
                        "%s, paced %d, warm-up round %d: %.0f records/s, JIT %d ms, probe %.0f"
                                + " us, memory %.1f ns%n",
                        config,
                        rate,
                        k,
                        run.recordsPerSecond(),
                        run.jitMs(),
                        run.probeMicros(),
                        run.memoryNanos());
            } else {
                runs.add(run);
            }
        }
        return runs;
    }

    /** The round of an event time. */
    private static int round(long eventMs) {
        return (int) ((eventMs - firstMs) / shiftMs);
    }

    private static String outcome(HealingAction a) {
        var e = a.spec().enrichment();
        if (e.confidence() != null) {
            return "llm";
        }
        return e.fallbackReason() != null && e.fallbackReason().contains("enrichments in flight")
                ? "busy"
                : "other";
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty()
                ? Double.NaN
                : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}

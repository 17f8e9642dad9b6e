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
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.record.HealingAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
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
 * One configuration of {@link EnrichmentBenchITCase}, in a JVM of its own: a MiniCluster, the
 * replayed crash loops and steady pods, warm-up runs until the JIT compiler has settled, then the
 * measured rounds (each one unpaced and one paced run), appended to a file as {@link Run} lines.
 *
 * <p>Arguments: the configuration ({@code no LLM} or {@link #LLM}), the stand-in's URL and PID (its
 * CPU is read from {@code /proc} for each run), the number of the first round, the output file.
 */
public final class EnrichmentBench {

    static final int CRASH_LOOPS = Integer.getInteger("kubeskippy.bench.crashLoops", 6000);
    static final int STEADY_PODS = Integer.getInteger("kubeskippy.bench.steadyPods", 1000);

    /** Measured rounds per configuration and JVM (each one unpaced and one paced run). */
    static final int ROUNDS = Integer.getInteger("kubeskippy.bench.rounds", 3);

    /**
     * Warm-up runs (unreported, unpaced) go on until one compiles for at most {@link
     * #SETTLED_JIT_MS}, with at least {@link #MIN_WARM_UPS} and at most {@link #MAX_WARM_UPS}.
     */
    static final int MIN_WARM_UPS = Integer.getInteger("kubeskippy.bench.minWarmUps", 2);

    static final int MAX_WARM_UPS = Integer.getInteger("kubeskippy.bench.maxWarmUps", 10);
    static final long SETTLED_JIT_MS = Long.getLong("kubeskippy.bench.settledJitMs", 300);

    static final int PACED_RATE = Integer.getInteger("kubeskippy.bench.pacedRate", 40_000);
    static final long LLM_DELAY_MS = Long.getLong("kubeskippy.bench.llmDelayMs", 2000);

    static final String NO_LLM = "no LLM";

    /** The name of the configuration with the LLM stand-in. */
    static final String LLM = "LLM " + LLM_DELAY_MS + " ms/call";

    // where the measuring functions report (the MiniCluster runs in this JVM)
    static final Map<String, Long> EMITTED = new ConcurrentHashMap<>();
    static final AtomicLong FIRST_RECORD = new AtomicLong();
    static final AtomicLong LAST_FINDING = new AtomicLong();

    /**
     * The replayed records, read by the source from this JVM's memory: a collection source would
     * ship all of them inside every job graph and deserialize them again on the way, which costs
     * the run as much CPU and garbage as a detection stage does.
     */
    static volatile List<SourceRecord> records = List.of();

    /** One measured run (or warm-up, round -1). */
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
            long jitMs) {

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
                            Long.toString(jitMs)));
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
                    Long.parseLong(f[16]));
        }
    }

    /** The {@code i}-th record of {@link #records}. */
    static final class Replayed implements GeneratorFunction<Long, SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public SourceRecord map(Long i) {
            return records.get(i.intValue());
        }
    }

    /**
     * Notes when each event record enters the graph, and the first record; when paced, holds the
     * source to {@code rate} records per second.
     */
    static final class Stamp extends RichMapFunction<SourceRecord, SourceRecord> {
        private static final long serialVersionUID = 1L;
        private final int rate;
        private long start;
        private long n;
        private int subtasks = 1;

        Stamp(int rate) {
            this.rate = rate;
        }

        @Override
        public void open(OpenContext openContext) {
            subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        }

        @Override
        public SourceRecord map(SourceRecord r) throws InterruptedException {
            if (rate > 0) {
                if (n == 0) {
                    start = System.nanoTime();
                }
                if (++n % 200 == 0) {
                    long waitNanos =
                            start + n * 1_000_000_000L * subtasks / rate - System.nanoTime();
                    if (waitNanos > 0) {
                        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                    }
                }
            }
            long now = System.nanoTime();
            FIRST_RECORD.compareAndSet(0, now);
            if (r.input != null && r.input.kind == PodInput.Kind.EVENT) {
                EMITTED.putIfAbsent(r.input.key + "@" + r.input.timestampMs, now);
            }
            return r;
        }
    }

    private final String config;
    private final JobSettings settings;
    private final Map<String, PolicyUpdate> policies;
    private final long llmPid;

    private EnrichmentBench(
            String config, JobSettings settings, Map<String, PolicyUpdate> policies, long llmPid) {
        this.config = config;
        this.settings = settings;
        this.policies = policies;
        this.llmPid = llmPid;
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
        String config = args[0];
        String llmUrl = args[1];
        long llmPid = Long.parseLong(args[2]);
        int firstRound = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        Map<String, PolicyUpdate> policies = prepare();
        JobSettings settings = config.equals(NO_LLM) ? JobSettings.defaults() : benchLlm(llmUrl);
        MiniClusterWithClientResource flink =
                new MiniClusterWithClientResource(
                        new MiniClusterResourceConfiguration.Builder()
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(2)
                                .build());
        flink.before();
        try {
            EnrichmentBench bench = new EnrichmentBench(config, settings, policies, llmPid);
            int warmUps = 0;
            while (warmUps < MAX_WARM_UPS) {
                Run warmUp = bench.run(-1, 0, warmUps);
                warmUps++;
                System.err.printf(
                        Locale.ROOT,
                        "%s warm-up %d: %.0f records/s, JIT %d ms%n",
                        config,
                        warmUps,
                        warmUp.recordsPerSecond(),
                        warmUp.jitMs());
                if (warmUps >= MIN_WARM_UPS && warmUp.jitMs() <= SETTLED_JIT_MS) {
                    break;
                }
            }
            for (int i = 0; i < ROUNDS; i++) {
                for (int rate : new int[] {0, PACED_RATE}) {
                    Run run = bench.run(firstRound + i, rate, warmUps);
                    Files.writeString(
                            out,
                            run.line() + "\n",
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
        } finally {
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
            for (String ns : List.of("ai", "rules")) {
                String pod = "app" + i + "-1";
                r.pod(ns, "app" + i, pod, 512 * MI, T0);
                int at = 60 + i * 3;
                r.event(ns, pod, "BackOff", "Warning", T0.plusSeconds(at))
                        .event(ns, pod, "BackOff", "Warning", T0.plusSeconds(at + 60))
                        .event(ns, pod, "BackOff", "Warning", T0.plusSeconds(at + 140));
            }
        }
        int minutes = Math.max(10, CRASH_LOOPS * 3 / 60 + 5);
        for (int i = 0; i < STEADY_PODS; i++) {
            r.pod("steady", "steady" + i, "steady" + i + "-1", 512 * MI, T0);
            r.memory("steady", "steady" + i + "-1", T0, minutes, 15, 200 * MI, 0, 2 * MI, i);
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
        Map<String, PolicyUpdate> policies = Replay.readPolicies(policyDir);
        // hundreds of MB of JSON lines, now in memory; each JVM writes its own
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        return policies;
    }

    private Run run(int round, int rate, int warmUps) throws Exception {
        EMITTED.clear();
        FIRST_RECORD.set(0);
        LAST_FINDING.set(0);
        int count = records.size();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration strict = new Configuration();
        strict.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(strict);
        TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
        DataStream<SourceRecord> data =
                env.fromSource(
                                new DataGeneratorSource<>(new Replayed(), count, type),
                                WatermarkStrategy.noWatermarks(),
                                "replayed records")
                        // one reader, so the records keep their order of event time
                        .setParallelism(1)
                        .map(new Stamp(rate), type)
                        .assignTimestampsAndWatermarks(SkippyJob.replayWatermarks(settings));
        DataStream<SourceRecord> policyStream =
                env.fromData(policies.values().stream().map(SourceRecord::of).toList(), type);
        SkippyJob.Outputs out =
                new SkippyJob(settings, new ActivePolicies(policies)).build(data, policyStream);
        out.findings()
                .filter(f -> f.suppressed() == null)
                .map(
                        f -> {
                            LAST_FINDING.accumulateAndGet(System.nanoTime(), Math::max);
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
        System.gc();
        ThreadCpu threadCpu = new ThreadCpu();
        long cpuStart = BenchMeter.processCpuNanos();
        double llmCpuStart = BenchMeter.totalCpuSeconds(llmPid);
        long gcStart = BenchMeter.gcMillis();
        long jitStart = BenchMeter.jitMillis();
        long start = System.nanoTime();
        List<Double> latencies = new ArrayList<>();
        int enriched = 0;
        int busy = 0;
        try (CloseableIterator<String> it = actions.executeAndCollect("enrichment bench")) {
            while (it.hasNext()) {
                String[] parts = it.next().split(" ", 3);
                if (parts[0].startsWith("rules/")) {
                    Long emitted = EMITTED.get(parts[0]);
                    latencies.add((Long.parseLong(parts[1]) - emitted) / 1e6);
                } else if (parts[2].equals("llm")) {
                    enriched++;
                } else if (parts[2].equals("busy")) {
                    busy++;
                }
            }
        } finally {
            threadCpu.close();
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        double cpuSeconds = (BenchMeter.processCpuNanos() - cpuStart) / 1e9;
        double llmCpuSeconds = BenchMeter.totalCpuSeconds(llmPid) - llmCpuStart;
        long detectionMs = (LAST_FINDING.get() - FIRST_RECORD.get()) / 1_000_000;
        latencies.sort(Double::compare);
        if (round >= 0) {
            System.err.printf(
                    Locale.ROOT,
                    "%s round %d, paced %d: CPU %.1f s, by Java thread:%n%s",
                    config,
                    round,
                    rate,
                    cpuSeconds,
                    threadCpu.report());
        }
        return new Run(
                round,
                config,
                warmUps,
                rate,
                count,
                wallMs,
                detectionMs,
                count * 1000.0 / detectionMs,
                percentile(latencies, 0.5),
                percentile(latencies, 0.95),
                latencies.size(),
                enriched,
                busy,
                cpuSeconds,
                llmCpuSeconds,
                BenchMeter.gcMillis() - gcStart,
                BenchMeter.jitMillis() - jitStart);
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

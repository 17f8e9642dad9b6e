package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.Recordings.MI;
import static io.kubeskippy.job.Recordings.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopAi;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.slowLlm;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not a test: the benchmark of README's LLM section, run on demand with {@code
 * -Dkubeskippy.bench=true}. Replays crash loops of two policies (one with {@code ai.enabled}, one
 * without) next to steady pods' memory samples, with no LLM and with a {@link TestingLlmServer}
 * that takes 2 s per call, and compares detection throughput (records per second until the last
 * finding) and the latency of un-enriched actions (from the record that completed the detection to
 * the action). Writes {@code target/enrichment-bench.txt}.
 */
@EnabledIfSystemProperty(named = "kubeskippy.bench", matches = "true")
class EnrichmentBenchITCase {

    static final int CRASH_LOOPS = Integer.getInteger("kubeskippy.bench.crashLoops", 6000);
    static final int STEADY_PODS = Integer.getInteger("kubeskippy.bench.steadyPods", 1000);

    /**
     * Blocks: in each, one configuration's runs, then the other's (which goes first alternates, so
     * a drift of the machine's load favours neither). A block, not each run, alternates: a
     * TaskManager runs one configuration for good, and switching the configuration every run kept
     * the JIT compiler deoptimising and recompiling (seconds of CPU per run, tens of percent of a
     * round).
     */
    static final int BLOCKS = Integer.getInteger("kubeskippy.bench.blocks", 2);

    /** Measured rounds per configuration and block (each one unpaced and one paced run). */
    static final int ROUNDS = Integer.getInteger("kubeskippy.bench.rounds", 3);

    /** Unreported unpaced runs before a configuration's rounds in a block. */
    static final int WARM_UPS = Integer.getInteger("kubeskippy.bench.warmUps", 3);

    static final int PACED_RATE = Integer.getInteger("kubeskippy.bench.pacedRate", 40_000);
    static final Duration LLM_DELAY =
            Duration.ofMillis(Long.getLong("kubeskippy.bench.llmDelayMs", 2000));

    /** The name of the configuration with the LLM stand-in. */
    static final String LLM = "LLM " + LLM_DELAY.toMillis() + " ms/call";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    // where the measuring functions report (the MiniCluster runs in this JVM)
    static final Map<String, Long> EMITTED = new ConcurrentHashMap<>();
    static final AtomicLong FIRST_RECORD = new AtomicLong();
    static final AtomicLong LAST_FINDING = new AtomicLong();
    static volatile TestingLlmServer SERVER;

    /**
     * The replayed records, read by the source from this JVM's memory: a collection source would
     * ship all of them inside every job graph and deserialize them again on the way, which costs
     * the run as much CPU and garbage as a detection stage does.
     */
    static volatile List<SourceRecord> RECORDS = List.of();

    /** The {@code i}-th record of {@link #RECORDS}. */
    static final class Replayed implements GeneratorFunction<Long, SourceRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public SourceRecord map(Long i) {
            return RECORDS.get(i.intValue());
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

        Stamp(int rate) {
            this.rate = rate;
        }

        private int subtasks = 1;

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
                    // the source is parallel: each subtask takes its share of the rate
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

    /** One measured run. */
    record Run(
            int round,
            String config,
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
            long gcMs,
            long jitMs) {}

    @Test
    void llmAtTwoSecondsPerCallDoesNotSlowDetectionOrUnEnrichedActions() throws Exception {
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
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(
                policies.resolve("ai.yaml"),
                crashLoopAi("  selector:\n", "  selector:\n    namespaces: [ai]\n"));
        Files.writeString(
                policies.resolve("rules.yaml"),
                crashLoopAi("  selector:\n", "  selector:\n    namespaces: [rules]\n")
                        .replace("name: crash-loop", "name: crash-loop-rules")
                        .replace("    enabled: true\n", "    enabled: false\n"));
        Files.copy(Path.of("../policies/memory-leak.yaml"), policies.resolve("memory-leak.yaml"));
        Map<String, PolicyUpdate> updates = Replay.readPolicies(policies);
        // the same policies with ai disabled everywhere: the LLM branch's fixed cost, no calls
        Map<String, PolicyUpdate> noAi = new HashMap<>(updates);
        Path noAiDir = Files.createDirectories(dir.resolve("policies-no-ai"));
        Files.writeString(
                noAiDir.resolve("ai.yaml"),
                crashLoopAi("  selector:\n", "  selector:\n    namespaces: [ai]\n")
                        .replace("    enabled: true\n", "    enabled: false\n"));
        noAi.putAll(Replay.readPolicies(noAiDir));
        RECORDS =
                Replay.readInputs(
                        List.of(
                                new Replay.Input(Topic.PODS, dir.resolve("pods.jsonl")),
                                new Replay.Input(Topic.EVENTS, dir.resolve("events.jsonl")),
                                new Replay.Input(Topic.METRICS, dir.resolve("metrics.jsonl"))),
                        bad -> {
                            throw new AssertionError(bad);
                        });
        int records = RECORDS.size();

        List<Run> runs = new ArrayList<>();
        try (TestingLlmServer server = TestingLlmServer.start()) {
            SERVER = server;
            JobSettings noLlm = JobSettings.defaults();
            JobSettings llm = slowLlm(server, LLM_DELAY);
            for (int block = 0; block < BLOCKS; block++) {
                List<String> order =
                        block % 2 == 0 ? List.of("no LLM", LLM) : List.of(LLM, "no LLM");
                for (String config : order) {
                    JobSettings settings = config.equals("no LLM") ? noLlm : llm;
                    // JIT (after the other configuration's runs) and MiniCluster, not reported
                    for (int i = 0; i < WARM_UPS; i++) {
                        run(-1, "warm-up", 0, settings, updates, records);
                    }
                    for (int i = 0; i < ROUNDS; i++) {
                        // the i-th rounds of both configurations in a block are compared
                        int round = block * ROUNDS + i;
                        for (int rate : new int[] {0, PACED_RATE}) {
                            runs.add(run(round, config, rate, settings, updates, records));
                        }
                    }
                }
                if (Boolean.getBoolean("kubeskippy.bench.branchOnly")) {
                    for (int i = 0; i < WARM_UPS; i++) {
                        run(-1, "warm-up", 0, llm, noAi, records);
                    }
                    runs.add(run(block * ROUNDS, "LLM, no ai", 0, llm, noAi, records));
                }
            }
        }
        RECORDS = List.of();
        String report = report(runs, records);
        Files.writeString(Path.of("target/enrichment-bench.txt"), report);
        System.out.println(report);
        assertThat(runs).allMatch(run -> run.unEnriched() == CRASH_LOOPS);
    }

    private static Run run(
            int round,
            String config,
            int rate,
            JobSettings settings,
            Map<String, PolicyUpdate> policies,
            int records)
            throws Exception {
        EMITTED.clear();
        FIRST_RECORD.set(0);
        LAST_FINDING.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration strict = new Configuration();
        strict.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(strict);
        TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
        DataStream<SourceRecord> data =
                env.fromSource(
                                new DataGeneratorSource<>(new Replayed(), records, type),
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
                .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        DataStream<String> actions =
                out.actions()
                        .map(
                                a -> {
                                    long now = System.nanoTime();
                                    String key =
                                            a.spec().targetResource().namespace()
                                                    + "/"
                                                    + a.spec().targetResource().name()
                                                    + "@"
                                                    + a.spec()
                                                            .detection()
                                                            .detectedAt()
                                                            .toEpochMilli();
                                    return key + " " + now + " " + outcome(a);
                                },
                                Types.STRING);
        if (SERVER != null) {
            SERVER.forgetRequests();
        }
        System.gc();
        long cpuStart = processCpuNanos();
        long gcStart = gcMillis();
        long jitStart = jitMillis();
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
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        long gcMs = gcMillis() - gcStart;
        long jitMs = jitMillis() - jitStart;
        long detectionMs = (LAST_FINDING.get() - FIRST_RECORD.get()) / 1_000_000;
        latencies.sort(Double::compare);
        return new Run(
                round,
                config,
                rate,
                records,
                wallMs,
                detectionMs,
                records * 1000.0 / detectionMs,
                percentile(latencies, 0.5),
                percentile(latencies, 0.95),
                latencies.size(),
                enriched,
                busy,
                cpuSeconds,
                gcMs,
                jitMs);
    }

    /** CPU time of this JVM (the MiniCluster, the sources and the LLM stand-in all run in it). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Time the JIT compiler threads spent (CPU they take from the run). */
    private static long jitMillis() {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    private static long gcMillis() {
        long ms = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
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

    private static String report(List<Run> runs, int records) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "enrichment bench: %d records (%d crash loops with ai, %d without, %d steady"
                                + " pods' samples), parallelism 2, %d cores, load average %.1f at"
                                + " the end; %d blocks, each with %d unreported warm-up runs and %d"
                                + " rounds per configuration%n",
                        records,
                        CRASH_LOOPS,
                        CRASH_LOOPS,
                        STEADY_PODS,
                        Runtime.getRuntime().availableProcessors(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage(),
                        BLOCKS,
                        WARM_UPS,
                        ROUNDS));
        out.append(
                String.format(
                        Locale.ROOT,
                        "%-17s %8s %8s %10s %12s %10s %10s %9s %8s %7s %6s %6s%n",
                        "config",
                        "paced",
                        "wall ms",
                        "detect ms",
                        "records/s",
                        "p50 ms",
                        "p95 ms",
                        "enriched",
                        "busy",
                        "CPU s",
                        "GC ms",
                        "JIT ms"));
        for (Run r : runs) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%-17s %8s %8d %10d %12.0f %10.1f %10.1f %9d %8d %7.1f %6d %6d%n",
                            r.config(),
                            r.rate() == 0 ? "no" : r.rate() + "/s",
                            r.wallMs(),
                            r.detectionMs(),
                            r.recordsPerSecond(),
                            r.p50Ms(),
                            r.p95Ms(),
                            r.enriched(),
                            r.skippedBusy(),
                            r.cpuSeconds(),
                            r.gcMs(),
                            r.jitMs()));
        }
        double tBase = median(runs, "no LLM", false, Run::recordsPerSecond);
        double tLlm = median(runs, LLM, false, Run::recordsPerSecond);
        double lBase = median(runs, "no LLM", true, Run::p50Ms);
        double lLlm = median(runs, LLM, true, Run::p50Ms);
        double pBase = median(runs, "no LLM", true, Run::p95Ms);
        double pLlm = median(runs, LLM, true, Run::p95Ms);
        out.append(
                String.format(
                        Locale.ROOT,
                        "medians, no LLM vs %s: detection throughput (unpaced) %.0f vs"
                                + " %.0f records/s (%+.1f%%); latency of un-enriched actions"
                                + " (paced at %d records/s) p50 %.1f vs %.1f ms (%+.1f%%), p95 %.1f"
                                + " vs %.1f ms (%+.1f%%)%n",
                        LLM,
                        tBase,
                        tLlm,
                        (tLlm / tBase - 1) * 100,
                        PACED_RATE,
                        lBase,
                        lLlm,
                        (lLlm / lBase - 1) * 100,
                        pBase,
                        pLlm,
                        (pLlm / pBase - 1) * 100));
        out.append(
                String.format(
                        Locale.ROOT,
                        "per round, LLM vs no LLM: detection throughput %s; un-enriched p50 %s;"
                                + " p95 %s%n",
                        paired(runs, false, Run::recordsPerSecond),
                        paired(runs, true, Run::p50Ms),
                        paired(runs, true, Run::p95Ms)));
        if (runs.stream().anyMatch(r -> r.config().equals("LLM, no ai"))) {
            double tBranch = median(runs, "LLM, no ai", false, Run::recordsPerSecond);
            out.append(
                    String.format(
                            Locale.ROOT,
                            "LLM configured, every policy ai.enabled false (the branch without"
                                    + " calls): %.0f records/s (%+.1f%%)%n",
                            tBranch,
                            (tBranch / tBase - 1) * 100));
        }
        return out.toString();
    }

    /**
     * The change from no LLM to LLM within each round (the i-th runs of each configuration in a
     * block, minutes apart), then the median and the range of those changes.
     */
    private static String paired(
            List<Run> runs, boolean paced, java.util.function.ToDoubleFunction<Run> value) {
        List<Double> changes = new ArrayList<>();
        for (int round = 0; round < BLOCKS * ROUNDS; round++) {
            Double base = null;
            Double llm = null;
            for (Run r : runs) {
                if (r.round() == round && (r.rate() > 0) == paced) {
                    if (r.config().equals("no LLM")) {
                        base = value.applyAsDouble(r);
                    } else if (r.config().equals(LLM)) {
                        llm = value.applyAsDouble(r);
                    }
                }
            }
            if (base != null && llm != null) {
                changes.add((llm / base - 1) * 100);
            }
        }
        StringBuilder s = new StringBuilder();
        for (double c : changes) {
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%+.1f%%", c));
        }
        List<Double> sorted = new ArrayList<>(changes);
        sorted.sort(Double::compare);
        return String.format(
                Locale.ROOT,
                "[%s] median %+.1f%% (%+.1f%% to %+.1f%%)",
                s,
                median(changes),
                sorted.get(0),
                sorted.get(sorted.size() - 1));
    }

    private static double median(
            List<Run> runs,
            String config,
            boolean paced,
            java.util.function.ToDoubleFunction<Run> value) {
        return median(
                runs.stream()
                        .filter(r -> r.config().equals(config) && (r.rate() > 0) == paced)
                        .map(r -> value.applyAsDouble(r))
                        .toList());
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }
}

package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentBench.CRASH_LOOPS;
import static io.kubeskippy.job.enrich.EnrichmentBench.LLM;
import static io.kubeskippy.job.enrich.EnrichmentBench.NO_LLM;
import static io.kubeskippy.job.enrich.EnrichmentBench.ROUNDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.enrich.EnrichmentBench.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: the benchmark of README's LLM section, run on demand with {@code
 * -Dkubeskippy.bench=true}. Replays crash loops of two policies (one with {@code ai.enabled}, one
 * without) next to steady pods' memory samples, with no LLM and with a {@link TestingLlmServer}
 * that takes 2 s per call, and compares detection throughput (records per second until the last
 * finding) and the latency of un-enriched actions (from the record that completed the detection to
 * the action). Writes {@code target/enrichment-bench.txt}.
 *
 * <p>Each configuration runs in a JVM of its own ({@link EnrichmentBench}), or both in one per
 * block ({@link #SAME_JVM}), as long jobs that replay the recordings round after round; the first
 * rounds of each job warm it up. (Starting a job per round, or switching configurations between
 * rounds, kept the compiler deoptimising and recompiling.) The stand-in LLM runs in a JVM of its
 * own, warmed up before the first block, so the job's JVM carries only KubeSkippy's side of a call;
 * the stand-in's CPU is reported apart.
 */
@EnabledIfSystemProperty(named = "kubeskippy.bench", matches = "true")
class EnrichmentBenchITCase {

    /**
     * Blocks: in each, one JVM per configuration, one after the other (which goes first alternates,
     * so a drift of the machine's load favours neither).
     */
    static final int BLOCKS = Integer.getInteger("kubeskippy.bench.blocks", 2);

    /**
     * With {@code -Dkubeskippy.bench.pin=true}, the job's JVMs run on CPU 0 and the stand-in LLM on
     * CPU 1 ({@code taskset}): the LLM's work then takes nothing from detection, as with a model
     * server on another machine, and both configurations detect on one core.
     */
    static final boolean PIN = Boolean.getBoolean("kubeskippy.bench.pin");

    /**
     * With {@code -Dkubeskippy.bench.sameJvm=true}, each block runs both configurations in one JVM,
     * one after the other (in the block's order), instead of one JVM each.
     */
    static final boolean SAME_JVM = Boolean.getBoolean("kubeskippy.bench.sameJvm");

    /**
     * With {@code -Dkubeskippy.bench.only=LLM} (or {@code no LLM}), only that configuration runs:
     * to look into one (with {@link #JVM_OPTIONS}), not to compare.
     */
    static final String ONLY = System.getProperty("kubeskippy.bench.only");

    /**
     * More options for the job's JVMs ({@code -Dkubeskippy.bench.jvmOptions="-Xlog:gc:file=..."}),
     * separated by spaces.
     */
    static final List<String> JVM_OPTIONS =
            java.util.Arrays.stream(
                            System.getProperty("kubeskippy.bench.jvmOptions", "").split(" "))
                    .filter(o -> !o.isBlank())
                    .toList();

    /**
     * How long the stand-in answers calls from this JVM before the first block ({@code
     * -Dkubeskippy.bench.standInWarmUpS}): a fresh stand-in spends up to ten times more CPU per
     * call until its JIT compiler is done ({@link LlmCallCostBenchITCase}'s first rounds), and took
     * it from block 0's LLM JVM.
     */
    static final Duration STAND_IN_WARM_UP =
            Duration.ofSeconds(Long.getLong("kubeskippy.bench.standInWarmUpS", 90));

    @Test
    void llmAtTwoSecondsPerCallDoesNotSlowDetectionOrUnEnrichedActions() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "enrich-bench-runs-");
        Path results = dir.resolve("runs.tsv");
        Path log = dir.resolve("jvms.log");
        Path urlFile = dir.resolve("llm-url");
        try (ForkedJvm llm =
                ForkedJvm.start(
                        PIN ? "1" : null,
                        TestingLlmServer.class,
                        List.of("-Xmx512m"),
                        log,
                        Long.toString(EnrichmentBench.LLM_DELAY_MS),
                        urlFile.toString())) {
            String url = llm.awaitAnnounced(urlFile, Duration.ofMinutes(1));
            if (ONLY == null || ONLY.startsWith("LLM")) {
                int calls =
                        LlmCallCostBenchITCase.keepInFlight(
                                url,
                                200, // 2 × --enrichment-capacity: the job's calls at most
                                STAND_IN_WARM_UP,
                                Duration.ofMillis(EnrichmentBench.LLM_DELAY_MS));
                System.out.printf(Locale.ROOT, "the stand-in warmed up with %d calls%n", calls);
            }
            for (int block = 0; block < BLOCKS; block++) {
                List<String> order =
                        (block % 2 == 0 ? List.of(NO_LLM, LLM) : List.of(LLM, NO_LLM))
                                .stream()
                                        .filter(config -> ONLY == null || config.startsWith(ONLY))
                                        .toList();
                if (SAME_JVM) {
                    order = List.of(String.join(EnrichmentBench.CONFIGS_JOINED_BY, order));
                }
                for (String config : order) {
                    try (ForkedJvm bench =
                            ForkedJvm.start(
                                    PIN ? "0" : null,
                                    EnrichmentBench.class,
                                    jvmOptions(),
                                    log,
                                    config,
                                    url,
                                    Long.toString(llm.pid()),
                                    Integer.toString(block),
                                    results.toString())) {
                        assertThat(bench.waitFor(Duration.ofMinutes(40)))
                                .as("the exit code of the %s JVM (its log: %s)", config, log)
                                .isZero();
                    }
                }
            }
        }
        List<Run> runs = Files.readAllLines(results).stream().map(Run::parse).toList();
        if (ONLY != null) {
            assertThat(runs).allMatch(run -> run.unEnriched() == CRASH_LOOPS);
            return;
        }
        String report = report(runs, runs.get(0).records());
        Files.writeString(Path.of("target/enrichment-bench.txt"), report);
        System.out.println(report);
        assertThat(runs).hasSize(BLOCKS * 2 * (ROUNDS + EnrichmentBench.PACED_ROUNDS));
        assertThat(runs).allMatch(run -> run.unEnriched() == CRASH_LOOPS);
    }

    /** The GC of a TaskManager (also when pinned to one CPU), and {@link #JVM_OPTIONS}. */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx3g", "-XX:+UseG1GC"));
        options.addAll(JVM_OPTIONS);
        return options;
    }

    private static String report(List<Run> runs, int records) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "enrichment bench: %d records (%d crash loops with ai, %d without, %d steady"
                                + " pods' samples) per round, %d minutes of cluster time (%.1f"
                                + " findings per cluster hour ask the LLM), parallelism 2, %s,"
                                + " load average %.1f at"
                                + " the end; %d blocks, each with %s that runs two jobs of rounds"
                                + " per configuration: unpaced, %d warm-up and %d measured"
                                + " rounds; paced, %d and %d%n",
                        records,
                        EnrichmentBench.AI_CRASH_LOOPS,
                        CRASH_LOOPS,
                        EnrichmentBench.STEADY_PODS,
                        EnrichmentBench.ROUND_MINUTES,
                        EnrichmentBench.AI_CRASH_LOOPS * 60.0 / EnrichmentBench.ROUND_MINUTES,
                        PIN
                                ? "the job's JVMs on CPU 0, the LLM stand-in on CPU 1"
                                : Runtime.getRuntime().availableProcessors() + " CPUs shared",
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                                .getSystemLoadAverage(),
                        BLOCKS,
                        SAME_JVM ? "one JVM for both configurations" : "one JVM per configuration",
                        EnrichmentBench.WARM_UP_ROUNDS,
                        ROUNDS,
                        EnrichmentBench.PACED_WARM_UP_ROUNDS,
                        EnrichmentBench.PACED_ROUNDS));
        out.append(
                String.format(
                        Locale.ROOT,
                        "%-17s %5s %5s %8s %8s %10s %12s %10s %10s %9s %8s %7s %7s %6s %6s %8s %6s%n",
                        "config",
                        "round",
                        "warm",
                        "paced",
                        "wall ms",
                        "detect ms",
                        "records/s",
                        "p50 ms",
                        "p95 ms",
                        "enriched",
                        "busy",
                        "CPU s",
                        "LLM s",
                        "GC ms",
                        "JIT ms",
                        "probe us",
                        "mem ns"));
        for (Run r : runs) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%-17s %5d %5d %8s %8d %10d %12.0f %10.1f %10.1f %9d %8d %7.1f %7.1f %6d"
                                    + " %6d %8.0f %6.1f%n",
                            r.config(),
                            r.round(),
                            r.warmUps(),
                            r.rate() == 0 ? "no" : r.rate() + "/s",
                            r.wallMs(),
                            r.detectionMs(),
                            r.recordsPerSecond(),
                            r.p50Ms(),
                            r.p95Ms(),
                            r.enriched(),
                            r.skippedBusy(),
                            r.cpuSeconds(),
                            r.llmCpuSeconds(),
                            r.gcMs(),
                            r.jitMs(),
                            r.probeMicros(),
                            r.memoryNanos()));
        }
        double tBase = median(runs, NO_LLM, false, Run::recordsPerSecond);
        double tLlm = median(runs, LLM, false, Run::recordsPerSecond);
        double lBase = median(runs, NO_LLM, true, Run::p50Ms);
        double lLlm = median(runs, LLM, true, Run::p50Ms);
        double pBase = median(runs, NO_LLM, true, Run::p95Ms);
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
                        EnrichmentBench.PACED_RATE,
                        lBase,
                        lLlm,
                        (lLlm / lBase - 1) * 100,
                        pBase,
                        pLlm,
                        (pLlm / pBase - 1) * 100));
        out.append(
                String.format(
                        Locale.ROOT,
                        "the JVMs' CPU per unpaced round, medians: no LLM %.1f s, LLM %.1f s; the LLM"
                                + " stand-in's (another JVM): %.1f s%n",
                        median(runs, NO_LLM, false, Run::cpuSeconds),
                        median(runs, LLM, false, Run::cpuSeconds),
                        median(runs, LLM, false, Run::llmCpuSeconds)));
        out.append(
                String.format(
                        Locale.ROOT,
                        "per round, LLM vs no LLM: detection throughput %s; un-enriched p50 %s;"
                                + " p95 %s%n",
                        paired(runs, false, Run::recordsPerSecond),
                        paired(runs, true, Run::p50Ms),
                        paired(runs, true, Run::p95Ms)));
        return out.toString();
    }

    /**
     * The change from no LLM to LLM within each round (the i-th measured rounds of each
     * configuration's job in a block, minutes apart), then the median and the range of those
     * changes.
     */
    private static String paired(
            List<Run> runs, boolean paced, java.util.function.ToDoubleFunction<Run> value) {
        List<Double> changes = new ArrayList<>();
        for (int round = 0;
                round < BLOCKS * Math.max(ROUNDS, EnrichmentBench.PACED_ROUNDS);
                round++) {
            Double base = null;
            Double llm = null;
            for (Run r : runs) {
                if (r.round() == round && (r.rate() > 0) == paced) {
                    if (r.config().equals(NO_LLM)) {
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
        if (changes.isEmpty()) {
            return "[]";
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

    /** The median; of an even number of values, the mean of the middle two; of none, NaN. */
    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        s.sort(Double::compare);
        int mid = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(mid) : (s.get(mid - 1) + s.get(mid)) / 2;
    }
}

package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.benchLlm;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoop;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.HealingAction.Enrichment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: what one LLM call costs the machine, run on demand with {@code
 * -Dkubeskippy.bench=true}. An {@link Enricher} keeps {@code capacity} calls in flight against a
 * {@link TestingLlmServer} that answers after {@code llmDelayMs}, for rounds of a fixed length, and
 * each round reports this JVM's CPU (user and kernel, from {@code /proc/self/stat}) and JIT time
 * per call. The stand-in runs in a JVM of its own; its CPU is reported apart. Writes {@code
 * target/llm-call-cost.txt}.
 */
@EnabledIfSystemProperty(named = "kubeskippy.bench", matches = "true")
class LlmCallCostBenchITCase {

    static final int ROUNDS = Integer.getInteger("kubeskippy.bench.rounds", 6);
    static final int CAPACITY = Integer.getInteger("kubeskippy.bench.capacity", 200);
    static final Duration ROUND = Duration.ofSeconds(Long.getLong("kubeskippy.bench.roundS", 16));
    static final Duration LLM_DELAY =
            Duration.ofMillis(Long.getLong("kubeskippy.bench.llmDelayMs", 2000));

    @Test
    void cpuPerCall() throws Exception {
        StringBuilder report = new StringBuilder();
        report.append(
                String.format(
                        Locale.ROOT,
                        "LLM call cost: %d calls in flight, the stand-in answering after %d ms, %d s"
                                + " rounds, %d cores%n%-6s %7s %8s %8s %8s %12s %12s%n",
                        CAPACITY,
                        LLM_DELAY.toMillis(),
                        ROUND.toSeconds(),
                        Runtime.getRuntime().availableProcessors(),
                        "round",
                        "calls",
                        "user s",
                        "kernel s",
                        "JIT ms",
                        "CPU ms/call",
                        "stand-in ms"));
        Path dir = Files.createTempDirectory(Path.of("target"), "llm-call-cost-");
        Path urlFile = dir.resolve("llm-url");
        try (ForkedJvm server =
                ForkedJvm.start(
                        null,
                        TestingLlmServer.class,
                        List.of("-Xmx512m"),
                        dir.resolve("stand-in.log"),
                        Long.toString(LLM_DELAY.toMillis()),
                        urlFile.toString())) {
            String url = server.awaitAnnounced(urlFile, Duration.ofMinutes(1));
            for (int round = 0; round < ROUNDS; round++) {
                double serverBefore = BenchMeter.totalCpuSeconds(server.pid());
                double[] before = BenchMeter.cpuSeconds("self");
                long jitBefore = BenchMeter.jitMillis();
                int calls = keepInFlight(url, CAPACITY, ROUND, LLM_DELAY);
                double[] after = BenchMeter.cpuSeconds("self");
                double user = after[0] - before[0];
                double kernel = after[1] - before[1];
                report.append(
                        String.format(
                                Locale.ROOT,
                                "%-6d %7d %8.2f %8.2f %8d %12.2f %12.2f%n",
                                round,
                                calls,
                                user,
                                kernel,
                                BenchMeter.jitMillis() - jitBefore,
                                (user + kernel) * 1000 / calls,
                                (BenchMeter.totalCpuSeconds(server.pid()) - serverBefore)
                                        * 1000
                                        / calls));
            }
        }
        Files.writeString(Path.of("target/llm-call-cost.txt"), report.toString());
        System.out.println(report);
    }

    /**
     * Keeps {@code capacity} calls of an {@link Enricher} of its own in flight against the stand-in
     * at {@code url} for {@code duration}, each about another crash-looping pod, and waits for all
     * of them (up to the stand-in's delay and six seconds); each must have got a reply.
     *
     * @return how many calls were made
     */
    static int keepInFlight(String url, int capacity, Duration duration, Duration llmDelay)
            throws Exception {
        LlmSettings settings = benchLlm(url).llm();
        HealingPolicy policy = policy(CRASH_LOOP_AI);
        Duration deadline = llmDelay.plusSeconds(5);
        List<CompletableFuture<Enrichment>> calls = new ArrayList<>();
        try (Enricher enricher =
                new Enricher(
                        settings,
                        deadline,
                        capacity,
                        ApiKey.read(settings, name -> null),
                        SharedHttp.acquire(),
                        System::nanoTime)) {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                if (enricher.inFlight() < capacity) {
                    calls.add(
                            enricher.enrich(
                                    crashLoop("ai", "app" + calls.size() + "-1"), policy, null));
                } else {
                    Thread.sleep(5);
                }
            }
            for (CompletableFuture<Enrichment> call : calls) {
                assertThat(call.get(deadline.toMillis() + 1000, TimeUnit.MILLISECONDS).confidence())
                        .as("a call that got no reply does not count as one")
                        .isNotNull();
            }
        }
        return calls.size();
    }
}

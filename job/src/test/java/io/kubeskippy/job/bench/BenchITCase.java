package io.kubeskippy.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every pass of {@code skippy bench} on a small synthetic cluster: the result line has every
 * field the README documents, each one measured (not how fast: speed is the benchmark's job, on an
 * idle machine).
 */
class BenchITCase {

    @Test
    void everyPassRunsAndTheResultLineIsMeasured() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "bench-it"));
        BenchOptions options = new BenchOptions(200, 4, 30, 2, 0, 7, work, null);
        StringWriter progress = new StringWriter();

        Map<String, Object> result = new Bench(options, new PrintWriter(progress, true)).run();

        assertThat(result)
                .containsKeys(
                        "samplesPerSec",
                        "ceilingSamplesPerSec",
                        "p50DetectionLatencyMs",
                        "p99DetectionLatencyMs",
                        "stateBytesPerKey",
                        "targetsMet");
        long samples = ((Number) result.get("samples")).longValue();
        // 200 pods scraped for 30 minutes of event time, several series each
        assertThat(samples).isGreaterThan(200L * 30 * 4);
        assertThat(((Number) result.get("samplesPerSec")).doubleValue()).isPositive();
        assertThat(((Number) result.get("ceilingSamplesPerSec")).doubleValue()).isPositive();
        // the synthetic cluster has leaking and crash-looping pods: the job acts on them
        assertThat(((Number) result.get("actions")).intValue()).isPositive();
        assertThat(((Number) result.get("latencyActions")).intValue()).isPositive();
        double p50 = ((Number) result.get("p50DetectionLatencyMs")).doubleValue();
        double p99 = ((Number) result.get("p99DetectionLatencyMs")).doubleValue();
        assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
        assertThat(((Number) result.get("stateBytesPerKey")).longValue()).isPositive();
        assertThat(((Number) result.get("stateKeys")).longValue()).isPositive();
        assertThat(progress.toString()).contains("ceiling").contains("latency pass");
    }
}

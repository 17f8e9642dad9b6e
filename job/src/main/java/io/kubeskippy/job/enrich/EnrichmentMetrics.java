package io.kubeskippy.job.enrich;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What the enrichment stage reports, under the job's {@code kubeskippy} group: {@code llmCalls},
 * {@code llmLatencyMs} (histogram of calls, retries included), {@code llmFailures{reason}}, {@code
 * enrichmentFallbacks{reason}}, {@code llmCacheHits}, {@code llmConfidencePercent} (histogram of
 * accepted replies), {@code llmInFlight} and {@code llmBreakerOpen}. Updated from okhttp's threads,
 * so every metric is thread-safe.
 */
interface EnrichmentMetrics {

    void call();

    void latency(long ms);

    void failure(String reason);

    void fallback(String reason);

    void cacheHit();

    void confidence(double confidence);

    /** For tests and no-LLM runs. */
    EnrichmentMetrics NONE =
            new EnrichmentMetrics() {
                @Override
                public void call() {}

                @Override
                public void latency(long ms) {}

                @Override
                public void failure(String reason) {}

                @Override
                public void fallback(String reason) {}

                @Override
                public void cacheHit() {}

                @Override
                public void confidence(double confidence) {}
            };

    /** Flink metrics. */
    static EnrichmentMetrics flink(
            MetricGroup group, IntSupplier inFlight, java.util.function.BooleanSupplier open) {
        Counter calls = group.counter("llmCalls", new ThreadSafeSimpleCounter());
        Counter hits = group.counter("llmCacheHits", new ThreadSafeSimpleCounter());
        Histogram latency =
                group.histogram("llmLatencyMs", new DescriptiveStatisticsHistogram(1000));
        Histogram confidence =
                group.histogram("llmConfidencePercent", new DescriptiveStatisticsHistogram(1000));
        group.gauge("llmInFlight", (Gauge<Integer>) inFlight::getAsInt);
        group.gauge("llmBreakerOpen", (Gauge<Integer>) () -> open.getAsBoolean() ? 1 : 0);
        Map<String, Counter> failures = new ConcurrentHashMap<>();
        Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
        return new EnrichmentMetrics() {
            @Override
            public void call() {
                calls.inc();
            }

            @Override
            public void latency(long ms) {
                latency.update(ms);
            }

            @Override
            public void failure(String reason) {
                failures.computeIfAbsent(
                                reason,
                                r ->
                                        group.addGroup("reason", r)
                                                .counter(
                                                        "llmFailures",
                                                        new ThreadSafeSimpleCounter()))
                        .inc();
            }

            @Override
            public void fallback(String reason) {
                fallbacks
                        .computeIfAbsent(
                                reason,
                                r ->
                                        group.addGroup("reason", r)
                                                .counter(
                                                        "enrichmentFallbacks",
                                                        new ThreadSafeSimpleCounter()))
                        .inc();
            }

            @Override
            public void cacheHit() {
                hits.inc();
            }

            @Override
            public void confidence(double c) {
                confidence.update(Math.round(c * 100));
            }
        };
    }
}

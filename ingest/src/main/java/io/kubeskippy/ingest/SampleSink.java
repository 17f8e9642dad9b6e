package io.kubeskippy.ingest;

import io.kubeskippy.model.record.MetricSample;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where ingested samples go: the metrics topic in production, a collecting fake in tests. */
public interface SampleSink {

    /**
     * Hands {@code samples} over for writing, in order. The future completes when every one of them
     * is durable (acknowledged by Kafka), or exceptionally with the first failure; then some of
     * them may have been written and others not. May block for a bounded time when the sink is
     * full. Never throws.
     */
    CompletableFuture<Void> send(List<MetricSample> samples);
}

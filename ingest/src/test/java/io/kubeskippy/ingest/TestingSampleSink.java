package io.kubeskippy.ingest;

import io.kubeskippy.model.record.MetricSample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A sink that keeps what it is sent. It acknowledges at once, or fails, or never answers, as the
 * test sets it.
 */
public final class TestingSampleSink implements SampleSink {

    /** How the sink answers. */
    public enum Mode {
        ACKNOWLEDGE,
        FAIL,
        NEVER_ANSWER
    }

    private final List<MetricSample> acknowledged = new ArrayList<>();
    private volatile Mode mode = Mode.ACKNOWLEDGE;

    public void mode(Mode mode) {
        this.mode = mode;
    }

    @Override
    public synchronized CompletableFuture<Void> send(List<MetricSample> samples) {
        switch (mode) {
            case ACKNOWLEDGE -> {
                acknowledged.addAll(samples);
                return CompletableFuture.completedFuture(null);
            }
            case FAIL -> {
                return CompletableFuture.failedFuture(
                        new org.apache.kafka.common.errors.TimeoutException(
                                "Expiring 1 record(s): 2000 ms has passed since batch creation"));
            }
            default -> {
                return new CompletableFuture<>();
            }
        }
    }

    public synchronized List<MetricSample> acknowledged() {
        return List.copyOf(acknowledged);
    }
}

package io.kubeskippy.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A {@link RecordPublisher} that keeps what it is given; it can be told to fail. */
public final class TestingRecordPublisher implements RecordPublisher {

    /** One published record; {@code value} null is a tombstone. */
    public record Sent(String topic, String key, String value) {
        public boolean isTombstone() {
            return value == null;
        }
    }

    private final List<Sent> sent = new ArrayList<>();
    private volatile boolean failing;

    @Override
    public synchronized CompletableFuture<Void> publish(String topic, String key, byte[] value) {
        if (failing) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker is down"));
        }
        sent.add(
                new Sent(
                        topic,
                        key,
                        value == null ? null : new String(value, StandardCharsets.UTF_8)));
        return CompletableFuture.completedFuture(null);
    }

    /** Makes every later publish fail (true) or succeed again (false). */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public synchronized void clear() {
        sent.clear();
    }
}

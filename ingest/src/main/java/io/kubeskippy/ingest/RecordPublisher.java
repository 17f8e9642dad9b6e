package io.kubeskippy.ingest;

import java.util.concurrent.CompletableFuture;

/** Writes one keyed record to a topic; a null value is a tombstone. */
public interface RecordPublisher {

    /**
     * Sends a record. Records with the same topic and key are written in the order of the calls.
     * May block for a bounded time when the producer's buffer is full; never throws.
     *
     * @param value the record, or null for a tombstone (the key was deleted)
     * @return completes when the record is durably written, or exceptionally if it is not
     */
    CompletableFuture<Void> publish(String topic, String key, byte[] value);
}

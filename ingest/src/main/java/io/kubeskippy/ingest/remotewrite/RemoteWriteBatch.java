package io.kubeskippy.ingest.remotewrite;

import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.model.record.MetricSample;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one remote_write request decoded to: its samples in request order, and how many were dropped
 * for each reason.
 *
 * @param decodedBytes the size of the protobuf after snappy decompression
 * @param series the number of series in the request
 */
public record RemoteWriteBatch(
        List<MetricSample> samples, Map<Drop, Long> dropped, int decodedBytes, int series) {

    public RemoteWriteBatch {
        samples = List.copyOf(samples);
        EnumMap<Drop, Long> copy = new EnumMap<>(Drop.class);
        dropped.forEach(
                (drop, count) -> {
                    if (count > 0) {
                        copy.put(drop, count);
                    }
                });
        dropped = Collections.unmodifiableMap(copy);
    }

    public long dropped(Drop drop) {
        return dropped.getOrDefault(drop, 0L);
    }
}

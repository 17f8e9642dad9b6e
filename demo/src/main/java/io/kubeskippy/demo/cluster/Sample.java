package io.kubeskippy.demo.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One sample of one series, as a Prometheus scrape or remote_write carries it.
 *
 * @param name the metric name
 * @param type its Prometheus type (for the exposition's TYPE line)
 * @param help its HELP line
 * @param labels its labels, without {@code __name__}, sorted by name
 * @param value the value
 * @param timestampMs when it was taken, epoch milliseconds
 */
record Sample(
        String name,
        Type type,
        String help,
        Map<String, String> labels,
        double value,
        long timestampMs) {

    /** Prometheus metric types used here. */
    enum Type {
        GAUGE,
        COUNTER
    }

    Sample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }
}

package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One Prometheus sample: a metric name, its labels, a timestamp and a finite value.
 *
 * <p>Counters stay counters; the job derives rates. NaN, infinities and Prometheus staleness
 * markers are not samples and are rejected here, so they never reach a topic. Unknown fields are
 * kept in {@link #extra()} and written back unchanged.
 */
@JsonPropertyOrder({"name", "labels", "timestampMs", "value"})
public record MetricSample(
        @JsonProperty(required = true) String name,
        Map<String, String> labels,
        @JsonProperty(required = true) long timestampMs,
        @JsonProperty(required = true) double value,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public static final String NAMESPACE_LABEL = "namespace";
    public static final String POD_LABEL = "pod";
    public static final String CONTAINER_LABEL = "container";

    public MetricSample {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "value must be finite, got "
                            + value
                            + " (NaN, infinities and staleness markers are dropped at ingest)");
        }
        if (timestampMs <= 0) {
            throw new IllegalArgumentException(
                    "timestampMs must be milliseconds since the epoch, got " + timestampMs);
        }
        labels =
                labels == null
                        ? Map.of()
                        : Collections.unmodifiableMap(new TreeMap<>(requireTextValues(labels)));
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public MetricSample(String name, Map<String, String> labels, long timestampMs, double value) {
        this(name, labels, timestampMs, value, Map.of());
    }

    /** The Kafka key: {@code namespace/pod}, or the metric name for samples of no pod. */
    @JsonIgnore
    public String key() {
        String namespace = labels.get(NAMESPACE_LABEL);
        String pod = labels.get(POD_LABEL);
        if (namespace == null || pod == null) {
            return name;
        }
        return namespace + "/" + pod;
    }

    @JsonIgnore
    public String label(String label) {
        return labels.get(label);
    }

    private static Map<String, String> requireTextValues(Map<String, String> labels) {
        for (Map.Entry<String, String> entry : labels.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException(
                        "labels must map names to strings; " + entry.getKey() + " has no value");
            }
        }
        return labels;
    }
}

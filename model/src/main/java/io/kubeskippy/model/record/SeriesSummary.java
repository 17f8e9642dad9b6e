package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The series a trend finding was computed on, downsampled: its window cut into equal buckets,
 * oldest first, with the mean, minimum and maximum of the feature points in each bucket ({@code
 * null} where a bucket holds none). Values are in the trigger metric's own unit (bytes for memory,
 * cores for CPU, ...).
 *
 * @param from the start of the first bucket
 * @param stepMs the width of one bucket
 * @param mean the mean of each bucket's points
 * @param min the smallest point of each bucket
 * @param max the largest point of each bucket
 */
@JsonPropertyOrder({"from", "stepMs", "mean", "min", "max"})
public record SeriesSummary(
        @JsonProperty(required = true) Instant from,
        @JsonProperty(required = true) long stepMs,
        @JsonProperty(required = true) List<Double> mean,
        @JsonProperty(required = true) List<Double> min,
        @JsonProperty(required = true) List<Double> max) {

    /** The most buckets a summary may have. */
    public static final int MAX_BUCKETS = 60;

    public SeriesSummary {
        if (from == null) {
            throw new IllegalArgumentException("series.from is required");
        }
        if (stepMs <= 0) {
            throw new IllegalArgumentException("series.stepMs must be > 0, got " + stepMs);
        }
        mean = buckets("mean", mean);
        min = buckets("min", min);
        max = buckets("max", max);
        if (mean.size() != min.size() || mean.size() != max.size()) {
            throw new IllegalArgumentException(
                    "series.mean, min and max must have as many buckets, got "
                            + mean.size()
                            + ", "
                            + min.size()
                            + " and "
                            + max.size());
        }
    }

    private static List<Double> buckets(String name, List<Double> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("series." + name + " must have a bucket at least");
        }
        if (values.size() > MAX_BUCKETS) {
            throw new IllegalArgumentException(
                    "series."
                            + name
                            + " has "
                            + values.size()
                            + " buckets, more than "
                            + MAX_BUCKETS);
        }
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v != null && !Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "series." + name + "[" + i + "] must be finite or null, got " + v);
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(values));
    }
}

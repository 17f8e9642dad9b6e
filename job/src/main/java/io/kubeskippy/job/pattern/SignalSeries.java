package io.kubeskippy.job.pattern;

import io.kubeskippy.model.record.SeriesSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The window a trend point was computed on, downsampled into buckets: it travels with the satisfied
 * point through the pattern stage and becomes the finding's {@link SeriesSummary}. A Flink POJO;
 * {@code NaN} marks a bucket without points.
 */
public class SignalSeries {

    public long fromMs;
    public long stepMs;
    public double[] mean;
    public double[] min;
    public double[] max;

    public SignalSeries() {}

    public SignalSeries(long fromMs, long stepMs, double[] mean, double[] min, double[] max) {
        this.fromMs = fromMs;
        this.stepMs = stepMs;
        this.mean = mean;
        this.min = min;
        this.max = max;
    }

    /** As a record field; {@code NaN} buckets become {@code null}. */
    public SeriesSummary toSummary() {
        return new SeriesSummary(
                Instant.ofEpochMilli(fromMs), stepMs, boxed(mean), boxed(min), boxed(max));
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(Double.isFinite(v) ? v : null);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignalSeries s
                && fromMs == s.fromMs
                && stepMs == s.stepMs
                && Arrays.equals(mean, s.mean)
                && Arrays.equals(min, s.min)
                && Arrays.equals(max, s.max);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(fromMs) * 31 + Arrays.hashCode(mean);
    }

    @Override
    public String toString() {
        return "series[" + fromMs + "+" + stepMs + "ms x" + (mean == null ? 0 : mean.length) + "]";
    }
}

package io.kubeskippy.job.feature;

import io.kubeskippy.job.pattern.SignalSeries;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * Cuts a trend's window into at most {@link #BUCKETS} equal buckets that end with its newest point,
 * each a whole number of steps: the mean, minimum and maximum of the points in each bucket, to four
 * significant digits. It is what a finding shows of its series (the LLM's prompt among others):
 * enough to see a rise, a plateau, a sawtooth or a swing, at a bounded size.
 */
public final class Downsample {

    /** Buckets of a summary: a 30m window at a 30s step gives 12 buckets of 2m30s. */
    public static final int BUCKETS = 12;

    private static final MathContext FOUR_DIGITS = new MathContext(4);

    private Downsample() {}

    /**
     * @return the summary, or {@code null} for an empty window
     */
    public static SignalSeries of(SeriesWindow window) {
        if (window.isEmpty()) {
            return null;
        }
        long step = window.stepMs();
        int stepsPerBucket = (window.capacity() + BUCKETS - 1) / BUCKETS;
        int buckets = (window.capacity() + stepsPerBucket - 1) / stepsPerBucket;
        long bucketMs = stepsPerBucket * step;
        long from = window.newestTimestamp() + step - buckets * bucketMs;
        double[] sum = new double[buckets];
        int[] count = new int[buckets];
        double[] min = new double[buckets];
        double[] max = new double[buckets];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < window.size(); i++) {
            long offset = window.timestampAt(i) - from;
            int b = (int) Math.min(buckets - 1, Math.max(0, offset / bucketMs));
            double v = window.valueAt(i);
            sum[b] += v;
            count[b]++;
            min[b] = Math.min(min[b], v);
            max[b] = Math.max(max[b], v);
        }
        double[] mean = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            if (count[b] == 0) {
                mean[b] = min[b] = max[b] = Double.NaN;
            } else {
                mean[b] = round(sum[b] / count[b]);
                min[b] = round(min[b]);
                max[b] = round(max[b]);
            }
        }
        return new SignalSeries(from, bucketMs, mean, min, max);
    }

    static double round(double v) {
        return v == 0 ? 0 : new BigDecimal(v).round(FOUR_DIGITS).doubleValue();
    }
}

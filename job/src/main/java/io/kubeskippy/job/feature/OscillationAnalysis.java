package io.kubeskippy.job.feature;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The oscillation features of one window of feature points: full cycles around the detrended mean,
 * their amplitude, their period and how regular it is.
 *
 * <p>The window is detrended with its least-squares line first, so a swing on a slow drift still
 * counts. A crossing of the mean only counts once the value has gone past a hysteresis band ({@link
 * #HYSTERESIS_NOISE_FACTOR} × the noise) on the other side, so noise jittering around the mean is
 * not a cycle; its time is the interpolated zero crossing that preceded it, so band width does not
 * bias the period.
 *
 * @param points feature points in the window
 * @param expectedPoints points a full window holds
 * @param firstPointAt timestamp of the oldest point (epoch ms)
 * @param lastPointAt timestamp of the newest point (epoch ms)
 * @param level mean of the window
 * @param trendSlope least-squares slope removed before counting (units per second)
 * @param noise robust standard deviation of point-to-point noise, from second differences
 * @param hysteresis half-width of the band around the mean a crossing must clear
 * @param crossings confirmed crossings of the mean, alternating in direction
 * @param cycles full cycles: {@code (crossings - 1) / 2}
 * @param amplitude median over cycles of half the peak-to-trough distance; NaN without a cycle
 * @param periodSeconds median time between crossings in the same direction; NaN without a cycle
 * @param periodCv coefficient of variation of those times (0 with a single one, NaN with none)
 * @param periodicity autocorrelation of the detrended values one period apart: near 1 when each
 *     cycle repeats the last, near 0 for bursts at random times; NaN without a period
 */
public record OscillationAnalysis(
        int points,
        int expectedPoints,
        long firstPointAt,
        long lastPointAt,
        double level,
        double trendSlope,
        double noise,
        double hysteresis,
        int crossings,
        int cycles,
        double amplitude,
        double periodSeconds,
        double periodCv,
        double periodicity) {

    /**
     * The band a crossing must clear, in noise standard deviations: independent Gaussian noise
     * stays inside ±2σ 95% of the time, so noise alone seldom makes a cycle.
     */
    public static final double HYSTERESIS_NOISE_FACTOR = 2.0;

    /** Analyses the points in {@code window}. */
    public static OscillationAnalysis of(SeriesWindow window) {
        return of(window.copyTimestamps(), window.copyValues(), window.capacity());
    }

    /** Analyses points given as arrays ({@code timestamps} strictly increasing). */
    public static OscillationAnalysis of(long[] timestamps, double[] values, int expectedPoints) {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    timestamps.length + " timestamps but " + values.length + " values");
        }
        int n = timestamps.length;
        if (n < 4) {
            double level = 0;
            for (double v : values) {
                level += v;
            }
            return new OscillationAnalysis(
                    n,
                    expectedPoints,
                    n == 0 ? 0 : timestamps[0],
                    n == 0 ? 0 : timestamps[n - 1],
                    n == 0 ? Double.NaN : level / n,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    0,
                    0,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN);
        }
        double[] x = Stats.secondsSince(timestamps[0], timestamps, n);
        Stats.Fit fit = Stats.ols(x, values, 0, n);
        double[] r = new double[n];
        double level = 0;
        for (int i = 0; i < n; i++) {
            r[i] = values[i] - fit.at(x[i]);
            level += values[i];
        }
        level /= n;

        // Second differences cancel a slow swing much better than first differences, so this
        // measures the jitter, not the oscillation; for independent noise their variance is 6σ².
        double[] second = new double[n - 2];
        for (int i = 1; i + 1 < n; i++) {
            second[i - 1] = r[i + 1] - 2 * r[i] + r[i - 1];
        }
        double noise = Stats.robustSigma(second, n - 2) / Math.sqrt(6);
        // The floor keeps a constant series (residuals of rounding size) from crossing at all.
        double band =
                Math.max(HYSTERESIS_NOISE_FACTOR * noise, 1e-9 * Math.max(1, Math.abs(level)));

        double[] crossingAt = new double[n];
        int crossings = 0;
        int state = 0;
        double lastZero = Double.NaN;
        for (int i = 0; i < n; i++) {
            if (i > 0 && (r[i - 1] < 0) != (r[i] < 0)) {
                lastZero = x[i - 1] + (x[i] - x[i - 1]) * (-r[i - 1]) / (r[i] - r[i - 1]);
            }
            int side = r[i] > band ? 1 : r[i] < -band ? -1 : 0;
            if (side != 0 && side != state) {
                if (state != 0) {
                    crossingAt[crossings++] = lastZero;
                }
                state = side;
            }
        }

        int cycles = crossings < 3 ? 0 : (crossings - 1) / 2;
        int periodsCount = Math.max(0, crossings - 2);
        double[] periods = new double[periodsCount];
        double[] amplitudes = new double[periodsCount];
        int from = 0;
        for (int k = 2; k < crossings; k++) {
            double start = crossingAt[k - 2];
            double end = crossingAt[k];
            periods[k - 2] = end - start;
            while (from < n && x[from] < start) {
                from++;
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = from; i < n && x[i] <= end; i++) {
                lo = Math.min(lo, r[i]);
                hi = Math.max(hi, r[i]);
            }
            amplitudes[k - 2] = (hi - lo) / 2;
        }
        double periodCv = Double.NaN;
        if (periodsCount == 1) {
            periodCv = 0;
        } else if (periodsCount > 1) {
            double mean = 0;
            for (double p : periods) {
                mean += p;
            }
            mean /= periodsCount;
            double ss = 0;
            for (double p : periods) {
                ss += (p - mean) * (p - mean);
            }
            periodCv = Math.sqrt(ss / (periodsCount - 1)) / mean;
        }
        double period = Stats.median(periods, 0, periodsCount);
        return new OscillationAnalysis(
                n,
                expectedPoints,
                timestamps[0],
                timestamps[n - 1],
                level,
                fit.slope(),
                noise,
                band,
                crossings,
                cycles,
                Stats.median(amplitudes, 0, periodsCount),
                period,
                periodCv,
                autocorrelation(timestamps, r, period));
    }

    /**
     * Autocorrelation of the residuals at the lag of one period (rounded to whole steps between
     * points): near 1 when each cycle repeats the one before, near 0 for bursts at random times.
     */
    static double autocorrelation(long[] t, double[] r, double periodSeconds) {
        int n = t.length;
        if (!(periodSeconds > 0) || n < 2) {
            return Double.NaN;
        }
        long step = Long.MAX_VALUE;
        for (int i = 1; i < n; i++) {
            step = Math.min(step, t[i] - t[i - 1]);
        }
        long lag = Math.max(1, Math.round(periodSeconds * 1000 / step)) * step;
        double sumSquares = 0;
        for (double v : r) {
            sumSquares += v * v;
        }
        double products = 0;
        int pairs = 0;
        int j = 0;
        for (int i = 0; i < n; i++) {
            long target = t[i] + lag;
            while (j < n && t[j] < target - step / 2) {
                j++;
            }
            if (j < n && t[j] <= target + step / 2) {
                products += r[i] * r[j];
                pairs++;
            }
        }
        if (pairs == 0 || sumSquares == 0) {
            return Double.NaN;
        }
        return (products / pairs) / (sumSquares / n);
    }

    /** The numbers as a Finding's evidence; NaN numbers are left out. */
    public Map<String, Object> evidence() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("cycles", cycles);
        putFinite(e, "amplitude", amplitude);
        putFinite(e, "periodSeconds", periodSeconds);
        putFinite(e, "periodCv", periodCv);
        putFinite(e, "periodicity", periodicity);
        putFinite(e, "level", level);
        putFinite(e, "noise", noise);
        e.put("points", points);
        e.put("expectedPoints", expectedPoints);
        return e;
    }

    private static void putFinite(Map<String, Object> e, String key, double v) {
        if (Double.isFinite(v)) {
            e.put(key, v);
        }
    }
}

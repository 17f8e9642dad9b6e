package io.kubeskippy.job.feature;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The growth features of one window of feature points: fits, a robust trend test, the shapes that
 * look like growth but are not a leak, and a forecast to a limit.
 *
 * <p>Times are epoch milliseconds; slopes are value units per second; {@code intercept} is the
 * fitted value at {@code firstPointAt}. NaN marks a number the window is too short to give.
 *
 * @param points feature points in the window
 * @param expectedPoints points a full window holds
 * @param firstPointAt timestamp of the oldest point
 * @param lastPointAt timestamp of the newest point: the time the analysis speaks for
 * @param lastValue value of the newest point
 * @param slope ordinary least-squares slope
 * @param intercept least-squares value at {@code firstPointAt}
 * @param r2 coefficient of determination of that line, 0 for a constant series
 * @param theilSenSlope median of the pairwise slopes: a slope one outlier cannot move
 * @param mannKendallS Mann–Kendall S, the count of rising minus falling pairs
 * @param mannKendallZ S normalised with the tie-corrected variance (continuity-corrected)
 * @param stepChange the rise is one jump between two flat levels
 * @param stepJump the jump between the two levels of the best two-level fit
 * @param plateau the window rises but its last third is flat (a warm-up that has settled)
 * @param recentSlope least-squares slope of the last third
 * @param sawtooth repeated large drops, as a garbage collector makes
 * @param drops how many large drops
 * @param toothHeight median height of the peaks (the points before each drop) above the trough line
 * @param troughs how many troughs (minima after each drop)
 * @param troughSlope least-squares slope of the troughs: the floor a collector cannot free
 * @param troughR2 r² of the trough line
 * @param troughsFlat over the window, the trough line rises by at most {@link #FLAT_TROUGH_SHARE}
 *     of a tooth
 * @param limit the limit forecast against, NaN if none
 * @param projectedLimitAt when the fitted line reaches {@code limit} (for a sawtooth, the trough
 *     line raised by one tooth, i.e. the peaks); empty if the slope is not positive or there is no
 *     limit
 */
public record GrowthAnalysis(
        int points,
        int expectedPoints,
        long firstPointAt,
        long lastPointAt,
        double lastValue,
        double slope,
        double intercept,
        double r2,
        double theilSenSlope,
        long mannKendallS,
        double mannKendallZ,
        boolean stepChange,
        double stepJump,
        boolean plateau,
        double recentSlope,
        boolean sawtooth,
        int drops,
        double toothHeight,
        int troughs,
        double troughSlope,
        double troughR2,
        boolean troughsFlat,
        double limit,
        OptionalLong projectedLimitAt) {

    /**
     * Mann–Kendall Z at which a rise is significant: the one-sided 1% level of the normal
     * distribution. One-sided because only growth matters here.
     */
    public static final double SIGNIFICANT_Z = 2.33;

    /**
     * A step change: the jump between the two levels of the best two-level fit is at least this
     * share of the window's total rise (last level minus first level).
     */
    public static final double STEP_JUMP_SHARE = 0.6;

    /** A step change: each level's own least-squares rise is at most this share of the jump. */
    public static final double STEP_FLAT_SHARE = 0.2;

    /** A plateau: the last third's slope is below this share of the whole window's slope. */
    public static final double PLATEAU_SLOPE_SHARE = 0.25;

    /**
     * A large drop falls by at least this many robust standard deviations of the point-to-point
     * change, so noise is never a drop.
     */
    public static final double DROP_NOISE_SIGMAS = 4;

    /**
     * A large drop also falls by at least this share of the window's range around its trend line,
     * so a small dip in a steep rise is not a collection.
     */
    public static final double DROP_RANGE_SHARE = 0.3;

    /** A sawtooth has at least this many large drops. */
    public static final int MIN_SAWTOOTH_DROPS = 2;

    /** Flat troughs: they rise over the whole window by at most this share of a tooth. */
    public static final double FLAT_TROUGH_SHARE = 0.2;

    /**
     * Above this many points, Theil–Sen and Mann–Kendall (both quadratic) run on every k-th point,
     * which keeps them well under a millisecond; a 30m window at 30s holds 60 points.
     */
    public static final int MAX_PAIRWISE_POINTS = 512;

    private static final int LEVEL_POINTS = 3;

    /** Each level of a step change spans at least this many points, so its flatness is judged. */
    private static final int MIN_STEP_SIDE = 3;

    public GrowthAnalysis {
        if (projectedLimitAt == null) {
            projectedLimitAt = OptionalLong.empty();
        }
    }

    /**
     * Analyses the points in {@code window}.
     *
     * @param limit the value to forecast against (e.g. the memory limit in bytes); NaN or <= 0 if
     *     there is none
     */
    public static GrowthAnalysis of(SeriesWindow window, double limit) {
        return of(window.copyTimestamps(), window.copyValues(), window.capacity(), limit);
    }

    /**
     * Analyses points given as arrays ({@code timestamps} strictly increasing, same length as
     * {@code values}).
     */
    public static GrowthAnalysis of(
            long[] timestamps, double[] values, int expectedPoints, double limit) {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    timestamps.length + " timestamps but " + values.length + " values");
        }
        int n = timestamps.length;
        double lim = limit > 0 && Double.isFinite(limit) ? limit : Double.NaN;
        if (n < 2) {
            return new GrowthAnalysis(
                    n,
                    expectedPoints,
                    n == 0 ? 0 : timestamps[0],
                    n == 0 ? 0 : timestamps[0],
                    n == 0 ? Double.NaN : values[0],
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    0,
                    0,
                    false,
                    Double.NaN,
                    false,
                    Double.NaN,
                    false,
                    0,
                    Double.NaN,
                    0,
                    Double.NaN,
                    Double.NaN,
                    false,
                    lim,
                    OptionalLong.empty());
        }
        long origin = timestamps[0];
        double[] x = Stats.secondsSince(origin, timestamps, n);
        double[] y = values;
        Stats.Fit fit = Stats.ols(x, y, 0, n);

        // Pairwise statistics on a thinned copy when the window is very long.
        int stride = (n + MAX_PAIRWISE_POINTS - 1) / MAX_PAIRWISE_POINTS;
        double[] px = stride == 1 ? x : thin(x, stride);
        double[] py = stride == 1 ? y : thin(y, stride);
        double theilSen = theilSenSlope(px, py);
        long s = mannKendallS(py);
        double z = mannKendallZ(s, py);

        Step step = stepChange(x, y);
        boolean rising = fit.slope() > 0 && z >= SIGNIFICANT_Z;
        int recentFrom = n - Math.max(4, (n + 2) / 3);
        double recentSlope = n >= 6 ? Stats.ols(x, y, recentFrom, n).slope() : Double.NaN;
        boolean plateau = rising && recentSlope < PLATEAU_SLOPE_SHARE * fit.slope();

        Saw saw = sawtooth(x, y, fit);
        double span = x[n - 1] - x[0];
        boolean troughsFlat =
                saw.troughs >= 2 && saw.troughFit.slope() * span <= FLAT_TROUGH_SHARE * saw.tooth;

        OptionalLong projected;
        if (saw.drops >= MIN_SAWTOOTH_DROPS && saw.troughs >= 2) {
            // The peaks meet the limit first: they ride one tooth above the troughs.
            projected = forecast(origin, saw.troughFit, saw.tooth, lim);
        } else {
            projected = forecast(origin, fit, 0, lim);
        }

        return new GrowthAnalysis(
                n,
                expectedPoints,
                origin,
                timestamps[n - 1],
                y[n - 1],
                fit.slope(),
                fit.intercept(),
                fit.r2(),
                theilSen,
                s,
                z,
                step.detected,
                step.jump,
                plateau,
                recentSlope,
                saw.drops >= MIN_SAWTOOTH_DROPS,
                saw.drops,
                saw.tooth,
                saw.troughs,
                saw.troughFit.slope(),
                saw.troughFit.r2(),
                troughsFlat,
                lim,
                projected);
    }

    /**
     * Whether the forecast reaches the limit no later than {@code horizonMs} after the newest
     * point.
     */
    public boolean reachesLimitWithin(long horizonMs) {
        return projectedLimitAt.isPresent()
                && projectedLimitAt.getAsLong() - lastPointAt <= horizonMs;
    }

    /**
     * The numbers as a Finding's evidence: finite numbers and ISO-8601 instants (to the second), in
     * a stable order; NaN numbers are left out, trough numbers appear only for a sawtooth.
     */
    public Map<String, Object> evidence() {
        Map<String, Object> e = new LinkedHashMap<>();
        putFinite(e, "slope", slope);
        putFinite(e, "intercept", intercept);
        putFinite(e, "r2", r2);
        putFinite(e, "theilSenSlope", theilSenSlope);
        e.put("mannKendallS", mannKendallS);
        putFinite(e, "mannKendallZ", mannKendallZ);
        putFinite(e, "recentSlope", recentSlope);
        if (sawtooth) {
            e.put("drops", drops);
            putFinite(e, "toothHeight", toothHeight);
            e.put("troughs", troughs);
            putFinite(e, "troughSlope", troughSlope);
            putFinite(e, "troughR2", troughR2);
        }
        e.put("points", points);
        e.put("expectedPoints", expectedPoints);
        e.put("firstPointAt", instant(firstPointAt));
        e.put("lastPointAt", instant(lastPointAt));
        putFinite(e, "lastValue", lastValue);
        putFinite(e, "limit", limit);
        projectedLimitAt.ifPresent(t -> e.put("projectedLimitAt", instant(t)));
        return e;
    }

    private static void putFinite(Map<String, Object> e, String key, double v) {
        if (Double.isFinite(v)) {
            e.put(key, v);
        }
    }

    private static String instant(long epochMs) {
        return Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ---- forecast

    static OptionalLong forecast(long origin, Stats.Fit line, double offset, double limit) {
        if (Double.isNaN(limit) || !(line.slope() > 0)) {
            return OptionalLong.empty();
        }
        double seconds = (limit - line.intercept() - offset) / line.slope();
        // Beyond ~30 years the answer is "never"; this also keeps the cast below exact.
        if (seconds > 1e9) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(origin + Math.round(seconds * 1000));
    }

    // ---- robust trend

    static double theilSenSlope(double[] x, double[] y) {
        int n = x.length;
        double[] slopes = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                slopes[k++] = (y[j] - y[i]) / (x[j] - x[i]);
            }
        }
        return Stats.medianSorting(slopes, k);
    }

    static long mannKendallS(double[] y) {
        long s = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = i + 1; j < y.length; j++) {
                s += y[j] > y[i] ? 1 : y[j] < y[i] ? -1 : 0;
            }
        }
        return s;
    }

    /** Z of S under no trend, with the variance corrected for tied values. */
    static double mannKendallZ(long s, double[] y) {
        int n = y.length;
        double variance = (double) n * (n - 1) * (2.0 * n + 5);
        double[] sorted = y.clone();
        Arrays.sort(sorted);
        int i = 0;
        while (i < n) {
            int j = i + 1;
            while (j < n && sorted[j] == sorted[i]) {
                j++;
            }
            int t = j - i;
            if (t > 1) {
                variance -= (double) t * (t - 1) * (2.0 * t + 5);
            }
            i = j;
        }
        variance /= 18;
        if (s == 0 || variance <= 0) {
            return 0;
        }
        // Continuity correction: S moves in steps of 2, so shift it one unit towards zero.
        return (s > 0 ? s - 1 : s + 1) / Math.sqrt(variance);
    }

    private static double[] thin(double[] a, int stride) {
        // Keep the newest point: the thinned series must still end where the window ends.
        int n = (a.length - 1) / stride + 1;
        double[] out = new double[n];
        int offset = (a.length - 1) % stride;
        for (int i = 0; i < n; i++) {
            out[i] = a[offset + i * stride];
        }
        return out;
    }

    // ---- step change

    private record Step(boolean detected, double jump) {}

    private static Step stepChange(double[] x, double[] y) {
        int n = y.length;
        if (n < 2 * MIN_STEP_SIDE + 1) {
            return new Step(false, Double.NaN);
        }
        // The best two-level fit: split at k (point k, which may straddle the jump, belongs to
        // neither level) minimising the squared error of each side around its own mean. Prefix
        // sums make every split O(1).
        double[] sum = new double[n + 1];
        double[] sumSq = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sum[i + 1] = sum[i] + y[i];
            sumSq[i + 1] = sumSq[i] + y[i] * y[i];
        }
        int best = -1;
        double bestError = Double.POSITIVE_INFINITY;
        for (int k = MIN_STEP_SIDE; k + MIN_STEP_SIDE < n; k++) {
            double error = squaredError(sum, sumSq, 0, k) + squaredError(sum, sumSq, k + 1, n);
            if (error < bestError) {
                bestError = error;
                best = k;
            }
        }
        double jump = (sum[n] - sum[best + 1]) / (n - best - 1) - sum[best] / best;
        // Levels at the ends are medians of 3 points, so one noisy end point cannot fake a rise.
        double totalRise = Stats.median(y, n - LEVEL_POINTS, n) - Stats.median(y, 0, LEVEL_POINTS);
        boolean detected =
                totalRise > 0
                        && jump >= STEP_JUMP_SHARE * totalRise
                        && flat(x, y, 0, best, jump)
                        && flat(x, y, best + 1, n, jump);
        return new Step(detected, jump);
    }

    private static double squaredError(double[] sum, double[] sumSq, int from, int to) {
        double s = sum[to] - sum[from];
        return Math.max(0, sumSq[to] - sumSq[from] - s * s / (to - from));
    }

    private static boolean flat(double[] x, double[] y, int from, int to, double jump) {
        double rise = Stats.ols(x, y, from, to).slope() * (x[to - 1] - x[from]);
        return Math.abs(rise) <= STEP_FLAT_SHARE * jump;
    }

    // ---- sawtooth

    private static double[] diffs(double[] y) {
        double[] diffs = new double[y.length - 1];
        for (int i = 0; i + 1 < y.length; i++) {
            diffs[i] = y[i + 1] - y[i];
        }
        return diffs;
    }

    /**
     * How far a fall must go to be a large drop: {@link #DROP_NOISE_SIGMAS} robust deviations of
     * the point-to-point change, and {@link #DROP_RANGE_SHARE} of the range around the trend; NaN
     * when that range is empty (a perfect line has no drops).
     */
    private static double dropThreshold(double[] x, double[] y, double[] diffs, Stats.Fit trend) {
        int n = y.length;
        // The range around the trend, not the raw range: when the troughs rise, the raw range
        // grows with the rise while the drops stay the size of a tooth.
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double residual = y[i] - trend.at(x[i]);
            min = Math.min(min, residual);
            max = Math.max(max, residual);
        }
        double range = max - min;
        if (!(range > 0)) {
            return Double.NaN;
        }
        return Math.max(
                DROP_NOISE_SIGMAS * Stats.robustSigma(diffs, n - 1), DROP_RANGE_SHARE * range);
    }

    /** How many large drops {@link #sawtooth} counts, without finding its troughs. */
    static int largeDrops(double[] x, double[] y, Stats.Fit trend) {
        int n = y.length;
        double[] diffs = diffs(y);
        double threshold = dropThreshold(x, y, diffs, trend);
        if (Double.isNaN(threshold)) {
            return 0;
        }
        int drops = 0;
        int i = 0;
        while (i < n - 1) {
            if (diffs[i] < 0) {
                int j = i;
                while (j < n - 1 && diffs[j] < 0) {
                    j++;
                }
                if (y[i] - y[j] >= threshold) {
                    drops++;
                }
                i = j;
            } else {
                i++;
            }
        }
        return drops;
    }

    /**
     * The least-squares slope of the window, per second: {@link #slope()} of {@link #of}, without
     * the rest of the analysis. NaN with fewer than two points.
     */
    public static double slopeOf(SeriesWindow window) {
        int n = window.size();
        if (n < 2) {
            return Double.NaN;
        }
        long[] timestamps = window.copyTimestamps();
        double[] x = Stats.secondsSince(timestamps[0], timestamps, n);
        return Stats.ols(x, window.copyValues(), 0, n).slope();
    }

    /** The least-squares line of a window as {@link #of} fits it: x in seconds since the first. */
    static Stats.Fit fit(long[] timestamps, double[] values) {
        double[] x = Stats.secondsSince(timestamps[0], timestamps, timestamps.length);
        return Stats.ols(x, values, 0, values.length);
    }

    private record Saw(int drops, double tooth, int troughs, Stats.Fit troughFit) {}

    private static Saw sawtooth(double[] x, double[] y, Stats.Fit trend) {
        int n = y.length;
        double[] diffs = diffs(y);
        double threshold = dropThreshold(x, y, diffs, trend);
        if (Double.isNaN(threshold)) {
            return new Saw(0, Double.NaN, 0, Stats.Fit.NONE);
        }
        // A fall is a run of consecutive decreases, so a drop split across two buckets counts once.
        int[] peakAt = new int[n];
        int[] bottomAt = new int[n];
        int drops = 0;
        int i = 0;
        while (i < n - 1) {
            if (diffs[i] < 0) {
                int j = i;
                while (j < n - 1 && diffs[j] < 0) {
                    j++;
                }
                double fall = y[i] - y[j];
                if (fall >= threshold) {
                    peakAt[drops] = i;
                    bottomAt[drops] = j;
                    drops++;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (drops == 0) {
            return new Saw(0, Double.NaN, 0, Stats.Fit.NONE);
        }
        // One trough per drop: the lowest point from the drop's bottom to the next drop's peak.
        // The part before the first drop is left out: the window may begin mid-tooth.
        double[] tx = new double[drops];
        double[] ty = new double[drops];
        for (int d = 0; d < drops; d++) {
            int end = d + 1 < drops ? peakAt[d + 1] : n - 1;
            int lowest = bottomAt[d];
            for (int k = bottomAt[d]; k <= end; k++) {
                if (y[k] < y[lowest]) {
                    lowest = k;
                }
            }
            tx[d] = x[lowest];
            ty[d] = y[lowest];
        }
        Stats.Fit troughFit = Stats.ols(tx, ty, 0, drops);
        // Tooth height against the trough line, not the drop: when troughs rise, each drop is
        // shorter than the tooth by the rise, and the peaks are what reach a limit first.
        double[] above = new double[drops];
        for (int d = 0; d < drops; d++) {
            above[d] = y[peakAt[d]] - troughFit.at(x[peakAt[d]]);
        }
        double tooth = drops >= 2 ? Stats.median(above, 0, drops) : Double.NaN;
        return new Saw(drops, tooth, drops, troughFit);
    }
}

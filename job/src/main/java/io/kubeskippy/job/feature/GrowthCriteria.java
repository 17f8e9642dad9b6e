package io.kubeskippy.job.feature;

import io.kubeskippy.model.policy.TrendTrigger;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Decides from a {@link GrowthAnalysis} whether a growth trigger fires: a steady, significant rise
 * that is not a step, a plateau or a garbage-collection sawtooth, fast enough or heading for the
 * limit within the horizon.
 *
 * <p>Rules, in the order they are checked (the first that fails is the reason):
 *
 * <ol>
 *   <li>at least {@value #MIN_POINTS} points and {@link #MIN_FILL} of the window filled, else
 *       {@value #INSUFFICIENT_DATA};
 *   <li>a sawtooth ({@link GrowthAnalysis#sawtooth()}) is judged by its troughs, the memory a
 *       collector cannot free: flat troughs are {@value #SAWTOOTH}; fewer than {@value
 *       #MIN_TROUGHS} troughs are {@value #INSUFFICIENT_DATA}; trough r² below minR2 is {@value
 *       #LOW_R2}; then the rate rule below with the trough slope;
 *   <li>otherwise the series itself: OLS slope > 0 and Mann–Kendall Z ≥ {@value
 *       GrowthAnalysis#SIGNIFICANT_Z} (one-sided 1%), else {@value #NO_TREND}; not a step change
 *       ({@value #STEP_CHANGE}); not a plateau ({@value #PLATEAU}); r² ≥ minR2 ({@value #LOW_R2});
 *       Theil–Sen slope > 0 and within a factor {@value #MAX_SLOPE_RATIO} of the OLS slope ({@value
 *       #SLOPES_DISAGREE}: one outlier or one burst is carrying the fit);
 *   <li>the rate: fires if minSlope is set and the slope reaches it, or if relativeTo is the limit
 *       and the forecast reaches it within the horizon of the newest point; else {@value
 *       #BELOW_MIN_SLOPE}, {@value #NO_LIMIT} or {@value #BEYOND_HORIZON}.
 * </ol>
 *
 * The shape checks come before the r² gate on purpose: a warm-up or a step also fits a line poorly,
 * and "plateau" tells the operator more than "r2 below minR2".
 */
public final class GrowthCriteria {

    public static final String INSUFFICIENT_DATA = "insufficient data";
    public static final String NO_TREND = "no significant trend";
    public static final String STEP_CHANGE = "step change";
    public static final String PLATEAU = "plateau";
    public static final String SAWTOOTH = "sawtooth with flat troughs";
    public static final String LOW_R2 = "r2 below minR2";
    public static final String SLOPES_DISAGREE = "robust slope disagrees";
    public static final String BELOW_MIN_SLOPE = "slope below minSlope";
    public static final String NO_LIMIT = "no limit";
    public static final String BEYOND_HORIZON = "forecast beyond horizon";

    /** The window must hold at least this share of its points: a fit over a few is noise. */
    public static final double MIN_FILL = 0.6;

    /** And at least this many, whatever the window. */
    public static final int MIN_POINTS = 8;

    /** A sawtooth needs this many troughs for their line and its r² to mean anything. */
    public static final int MIN_TROUGHS = 3;

    /** OLS and Theil–Sen slopes may differ by at most this factor. */
    public static final double MAX_SLOPE_RATIO = 2.0;

    private final double minSlope;
    private final boolean relativeToLimit;
    private final double minR2;
    private final long horizonMs;

    /**
     * @param minSlope units per second the slope must reach, or null
     * @param relativeToLimit fire when the forecast reaches the limit within the horizon
     * @param minR2 the least r² of the fitted line, in [0, 1]
     * @param horizon how far ahead the forecast may reach the limit
     */
    public GrowthCriteria(
            Double minSlope, boolean relativeToLimit, double minR2, Duration horizon) {
        if (minSlope == null && !relativeToLimit) {
            throw new IllegalArgumentException("growth needs minSlope or relativeTo: limit");
        }
        if (minSlope != null && !(minSlope > 0)) {
            throw new IllegalArgumentException("minSlope must be > 0, got " + minSlope);
        }
        if (!(minR2 >= 0 && minR2 <= 1)) {
            throw new IllegalArgumentException("minR2 must be in [0, 1], got " + minR2);
        }
        if (horizon == null || horizon.isNegative()) {
            throw new IllegalArgumentException("horizon must be >= 0, got " + horizon);
        }
        this.minSlope = minSlope == null ? Double.NaN : minSlope;
        this.relativeToLimit = relativeToLimit;
        this.minR2 = minR2;
        this.horizonMs = horizon.toMillis();
    }

    /** The criteria of a growth trigger. */
    public static GrowthCriteria of(TrendTrigger trigger) {
        return new GrowthCriteria(
                trigger.minSlope(),
                trigger.relativeTo() == TrendTrigger.RelativeTo.LIMIT,
                trigger.minR2(),
                trigger.horizon());
    }

    public TrendDecision decide(GrowthAnalysis a) {
        int needed = Math.max(MIN_POINTS, (int) Math.ceil(MIN_FILL * a.expectedPoints()));
        if (a.points() < needed) {
            return TrendDecision.hold(
                    INSUFFICIENT_DATA, a.points() + " of " + needed + " points needed");
        }
        double slope;
        if (a.sawtooth()) {
            if (a.troughsFlat()) {
                return TrendDecision.hold(
                        SAWTOOTH,
                        fmt(
                                "%d drops, teeth of %.4g, trough slope %.4g/s",
                                a.drops(), a.toothHeight(), a.troughSlope()));
            }
            if (a.troughs() < MIN_TROUGHS) {
                return TrendDecision.hold(
                        INSUFFICIENT_DATA, a.troughs() + " of " + MIN_TROUGHS + " troughs needed");
            }
            if (!(a.troughR2() >= minR2)) {
                return TrendDecision.hold(
                        LOW_R2, fmt("trough r2 %.3f < %.3f", a.troughR2(), minR2));
            }
            slope = a.troughSlope();
        } else {
            if (!(a.slope() > 0) || !(a.mannKendallZ() >= GrowthAnalysis.SIGNIFICANT_Z)) {
                return TrendDecision.hold(
                        NO_TREND,
                        fmt(
                                "slope %.4g/s, Mann-Kendall Z %.2f < %.2f",
                                a.slope(), a.mannKendallZ(), GrowthAnalysis.SIGNIFICANT_Z));
            }
            if (a.stepChange()) {
                return TrendDecision.hold(STEP_CHANGE, fmt("jump %.4g", a.stepJump()));
            }
            if (a.plateau()) {
                return TrendDecision.hold(
                        PLATEAU, fmt("recent slope %.4g/s vs %.4g/s", a.recentSlope(), a.slope()));
            }
            if (!(a.r2() >= minR2)) {
                return TrendDecision.hold(LOW_R2, fmt("r2 %.3f < %.3f", a.r2(), minR2));
            }
            double ratio = a.slope() / a.theilSenSlope();
            if (!(a.theilSenSlope() > 0)
                    || ratio > MAX_SLOPE_RATIO
                    || ratio < 1 / MAX_SLOPE_RATIO) {
                return TrendDecision.hold(
                        SLOPES_DISAGREE,
                        fmt("OLS %.4g/s vs Theil-Sen %.4g/s", a.slope(), a.theilSenSlope()));
            }
            slope = a.slope();
        }
        return rate(a, slope);
    }

    /**
     * Whether {@link #decide} can fire on this window, answered without the full analysis: the
     * points rule as decide has it; then, unless the window has the large drops of a sawtooth (its
     * rules differ), what every other firing needs of the least-squares line: a positive slope, r²
     * at least minR2, and the rate rule. The line and the drops are computed as {@link
     * GrowthAnalysis#of} computes them, so false means decide would hold; true means run it.
     *
     * @param limit as for {@link GrowthAnalysis#of(SeriesWindow, double)}
     */
    public boolean mayFire(SeriesWindow window, double limit) {
        int n = window.size();
        int needed = Math.max(MIN_POINTS, (int) Math.ceil(MIN_FILL * window.capacity()));
        if (n < needed) {
            return false;
        }
        long[] timestamps = window.copyTimestamps();
        double[] y = window.copyValues();
        double[] x = Stats.secondsSince(timestamps[0], timestamps, n);
        Stats.Fit fit = Stats.ols(x, y, 0, n);
        if (GrowthAnalysis.largeDrops(x, y, fit) >= GrowthAnalysis.MIN_SAWTOOTH_DROPS) {
            return true;
        }
        if (!(fit.slope() > 0) || !(fit.r2() >= minR2)) {
            return false;
        }
        if (!Double.isNaN(minSlope) && fit.slope() >= minSlope) {
            return true;
        }
        if (!relativeToLimit || !(limit > 0 && Double.isFinite(limit))) {
            return false;
        }
        OptionalLong at = GrowthAnalysis.forecast(timestamps[0], fit, 0, limit);
        return at.isPresent() && at.getAsLong() - timestamps[n - 1] <= horizonMs;
    }

    private TrendDecision rate(GrowthAnalysis a, double slope) {
        if (!Double.isNaN(minSlope) && slope >= minSlope) {
            return TrendDecision.fire(fmt("slope %.4g/s >= %.4g/s", slope, minSlope));
        }
        if (relativeToLimit) {
            if (Double.isNaN(a.limit())) {
                return TrendDecision.hold(NO_LIMIT, "the target has no limit to forecast against");
            }
            if (a.reachesLimitWithin(horizonMs)) {
                long in = a.projectedLimitAt().getAsLong() - a.lastPointAt();
                return TrendDecision.fire(
                        fmt(
                                "reaches %.4g in %ds (horizon %ds)",
                                a.limit(), in / 1000, horizonMs / 1000));
            }
            String when =
                    a.projectedLimitAt().isPresent()
                            ? "in "
                                    + (a.projectedLimitAt().getAsLong() - a.lastPointAt()) / 1000
                                    + "s"
                            : "never";
            return TrendDecision.hold(
                    BEYOND_HORIZON,
                    fmt("reaches %.4g %s (horizon %ds)", a.limit(), when, horizonMs / 1000));
        }
        return TrendDecision.hold(BELOW_MIN_SLOPE, fmt("slope %.4g/s < %.4g/s", slope, minSlope));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    @Override
    public String toString() {
        return "GrowthCriteria{minSlope="
                + minSlope
                + ", relativeToLimit="
                + relativeToLimit
                + ", minR2="
                + minR2
                + ", horizon="
                + horizonMs
                + "ms}";
    }
}

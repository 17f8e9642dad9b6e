package io.kubeskippy.job.feature;

import io.kubeskippy.model.policy.TrendTrigger;
import java.time.Duration;
import java.util.Locale;

/**
 * Decides from an {@link OscillationAnalysis} whether an oscillation trigger fires: enough full,
 * regular cycles of a large enough swing, with a period in range.
 *
 * <p>Rules, in the order they are checked (the first that fails is the reason): at least {@value
 * #MIN_POINTS} points and {@link #MIN_FILL} of the window filled ({@value #INSUFFICIENT_DATA});
 * cycles ≥ minCycles ({@value #TOO_FEW_CYCLES}); regular ({@value #IRREGULAR}): the periods'
 * coefficient of variation at most {@value #MAX_PERIOD_CV} and the autocorrelation one period apart
 * at least {@value #MIN_PERIODICITY} (random bursts and noise cross the mean at random intervals, a
 * real oscillation keeps its beat); amplitude ≥ minAmplitude if set ({@value #SMALL_AMPLITUDE});
 * period within [period.min, period.max], each bound if set ({@value #PERIOD_OUT_OF_RANGE}). A
 * steady value, however high, has no cycles once detrended.
 */
public final class OscillationCriteria {

    public static final String INSUFFICIENT_DATA = GrowthCriteria.INSUFFICIENT_DATA;
    public static final String TOO_FEW_CYCLES = "too few cycles";
    public static final String IRREGULAR = "irregular";
    public static final String SMALL_AMPLITUDE = "amplitude below minAmplitude";
    public static final String PERIOD_OUT_OF_RANGE = "period out of range";

    /** The window must hold at least this share of its points. */
    public static final double MIN_FILL = GrowthCriteria.MIN_FILL;

    /** And at least this many. */
    public static final int MIN_POINTS = GrowthCriteria.MIN_POINTS;

    /**
     * The largest coefficient of variation of the cycle periods that is still an oscillation.
     * Intervals between crossings of noise or of bursts at random times vary by about as much as
     * their mean (CV near 0.5 to 1); a sine with noise stays far below 0.1.
     */
    public static final double MAX_PERIOD_CV = 0.35;

    /**
     * The least autocorrelation one period apart. With three or four cycles the CV of the periods
     * is itself too noisy to tell random bursts from a beat (a quarter of Poisson-timed bursts pass
     * the CV bound alone); a repeating cycle also correlates with itself one period later, which
     * random bursts seldom do. A sine with noise of a fifth of its amplitude scores ~0.95.
     */
    public static final double MIN_PERIODICITY = 0.6;

    private final int minCycles;
    private final double minAmplitude;
    private final long minPeriodMs;
    private final long maxPeriodMs;

    /**
     * @param minCycles full cycles needed, >= 1
     * @param minAmplitude least amplitude (half peak-to-trough), or null
     * @param minPeriod shortest period, or null
     * @param maxPeriod longest period, or null
     */
    public OscillationCriteria(
            int minCycles, Double minAmplitude, Duration minPeriod, Duration maxPeriod) {
        if (minCycles < 1) {
            throw new IllegalArgumentException("minCycles must be >= 1, got " + minCycles);
        }
        if (minAmplitude != null && !(minAmplitude > 0)) {
            throw new IllegalArgumentException("minAmplitude must be > 0, got " + minAmplitude);
        }
        this.minCycles = minCycles;
        this.minAmplitude = minAmplitude == null ? Double.NaN : minAmplitude;
        this.minPeriodMs = minPeriod == null ? 0 : minPeriod.toMillis();
        this.maxPeriodMs = maxPeriod == null ? Long.MAX_VALUE : maxPeriod.toMillis();
        if (minPeriodMs > maxPeriodMs) {
            throw new IllegalArgumentException(
                    "period.min " + minPeriod + " is longer than period.max " + maxPeriod);
        }
    }

    /** The criteria of an oscillation trigger. */
    public static OscillationCriteria of(TrendTrigger trigger) {
        TrendTrigger.PeriodRange period = trigger.period();
        return new OscillationCriteria(
                trigger.minCycles(),
                trigger.minAmplitude(),
                period == null ? null : period.min(),
                period == null ? null : period.max());
    }

    public TrendDecision decide(OscillationAnalysis a) {
        int needed = Math.max(MIN_POINTS, (int) Math.ceil(MIN_FILL * a.expectedPoints()));
        if (a.points() < needed) {
            return TrendDecision.hold(
                    INSUFFICIENT_DATA, a.points() + " of " + needed + " points needed");
        }
        if (a.cycles() < minCycles) {
            return TrendDecision.hold(
                    TOO_FEW_CYCLES, a.cycles() + " of " + minCycles + " cycles needed");
        }
        if (!(a.periodCv() <= MAX_PERIOD_CV)) {
            return TrendDecision.hold(
                    IRREGULAR, fmt("period CV %.2f > %.2f", a.periodCv(), MAX_PERIOD_CV));
        }
        if (!(a.periodicity() >= MIN_PERIODICITY)) {
            return TrendDecision.hold(
                    IRREGULAR,
                    fmt(
                            "autocorrelation one period apart %.2f < %.2f",
                            a.periodicity(), MIN_PERIODICITY));
        }
        if (!Double.isNaN(minAmplitude) && !(a.amplitude() >= minAmplitude)) {
            return TrendDecision.hold(
                    SMALL_AMPLITUDE, fmt("amplitude %.4g < %.4g", a.amplitude(), minAmplitude));
        }
        double periodMs = a.periodSeconds() * 1000;
        if (periodMs < minPeriodMs || periodMs > maxPeriodMs) {
            return TrendDecision.hold(
                    PERIOD_OUT_OF_RANGE,
                    fmt(
                            "period %.0fs outside [%s, %s]",
                            a.periodSeconds(),
                            minPeriodMs == 0 ? "-" : minPeriodMs / 1000 + "s",
                            maxPeriodMs == Long.MAX_VALUE ? "-" : maxPeriodMs / 1000 + "s"));
        }
        return TrendDecision.fire(
                fmt(
                        "%d cycles, amplitude %.4g, period %.0fs (CV %.2f)",
                        a.cycles(), a.amplitude(), a.periodSeconds(), a.periodCv()));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    @Override
    public String toString() {
        return "OscillationCriteria{minCycles="
                + minCycles
                + ", minAmplitude="
                + minAmplitude
                + ", period=["
                + minPeriodMs
                + ", "
                + maxPeriodMs
                + "]ms}";
    }
}

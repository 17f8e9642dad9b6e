package io.kubeskippy.model.policy;

import java.time.Duration;
import java.util.Map;

/**
 * A trend over a metric, computed from the stream one feature point per {@code step} over a sliding
 * {@code window}.
 *
 * <ul>
 *   <li>{@code growth}: the least-squares slope is at least {@code minSlope} (units per second)
 *       with r² at least {@code minR2}; with {@code relativeTo: limit}, it fires when the forecast
 *       reaches the container's limit within {@code horizon}.
 *   <li>{@code oscillation}: at least {@code minCycles} swings of at least {@code minAmplitude},
 *       with a period within {@code period}.
 * </ul>
 *
 * No feature is emitted during {@code startupGrace} after a container (re)starts, so a warm-up is
 * not taken for a leak.
 */
public record TrendTrigger(
        MetricSelector metric,
        boolean counter,
        Pattern pattern,
        Duration window,
        Duration step,
        Double minSlope,
        RelativeTo relativeTo,
        double minR2,
        Duration horizon,
        int minCycles,
        Double minAmplitude,
        PeriodRange period,
        Duration startupGrace) {

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    public static final Duration DEFAULT_STEP = Duration.ofSeconds(30);
    public static final double DEFAULT_MIN_R2 = 0.8;
    public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(30);
    public static final int DEFAULT_MIN_CYCLES = 3;
    public static final Duration DEFAULT_STARTUP_GRACE = Duration.ofMinutes(5);

    public TrendTrigger {
        window = window == null ? DEFAULT_WINDOW : window;
        step = step == null ? DEFAULT_STEP : step;
        horizon = horizon == null ? DEFAULT_HORIZON : horizon;
        startupGrace = startupGrace == null ? DEFAULT_STARTUP_GRACE : startupGrace;
    }

    /** The shape a trend trigger looks for. */
    public enum Pattern {
        GROWTH("growth"),
        OSCILLATION("oscillation");

        private final String wireName;

        Pattern(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** What a growth forecast is compared with. */
    public enum RelativeTo {
        LIMIT("limit");

        private final String wireName;

        RelativeTo(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** Samples of one metric name whose labels equal the given ones. */
    public record MetricSelector(String name, Map<String, String> labels) {
        public MetricSelector {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /** Bounds of an oscillation's period; either may be null. */
    public record PeriodRange(Duration min, Duration max) {}
}

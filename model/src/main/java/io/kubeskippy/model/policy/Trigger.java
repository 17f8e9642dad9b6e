package io.kubeskippy.model.policy;

import java.time.Duration;

/**
 * One trigger of a policy: its name, type, cooldown (5m by default) and the sub-object of its type;
 * the other sub-objects are null.
 */
public record Trigger(
        String name,
        Type type,
        Duration cooldownPeriod,
        MetricTrigger metricTrigger,
        EventTrigger eventTrigger,
        ConditionTrigger conditionTrigger,
        TrendTrigger trendTrigger,
        SequenceTrigger sequenceTrigger) {

    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);

    public Trigger {
        cooldownPeriod = cooldownPeriod == null ? DEFAULT_COOLDOWN : cooldownPeriod;
    }

    /** Trigger types: the seed's metric, event and condition, plus trend and sequence. */
    public enum Type {
        METRIC("metric", "metricTrigger"),
        EVENT("event", "eventTrigger"),
        CONDITION("condition", "conditionTrigger"),
        TREND("trend", "trendTrigger"),
        SEQUENCE("sequence", "sequenceTrigger");

        private final String wireName;
        private final String field;

        Type(String wireName, String field) {
            this.wireName = wireName;
            this.field = field;
        }

        public String wireName() {
            return wireName;
        }

        /** The key of this type's sub-object, e.g. {@code trendTrigger}. */
        public String field() {
            return field;
        }
    }

    /** Threshold on a metric for a duration (2m by default). */
    public record MetricTrigger(
            String query,
            double threshold,
            Comparison operator,
            Duration duration,
            MetricQuery classified) {
        public static final Duration DEFAULT_DURATION = Duration.ofMinutes(2);

        public MetricTrigger {
            duration = duration == null ? DEFAULT_DURATION : duration;
        }
    }

    /** The seed's comparison operators. */
    public enum Comparison {
        GT(">"),
        LT("<"),
        GE(">="),
        LE("<=");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public boolean test(double value, double threshold) {
            return switch (this) {
                case GT -> value > threshold;
                case LT -> value < threshold;
                case GE -> value >= threshold;
                case LE -> value <= threshold;
            };
        }
    }

    /**
     * At least {@code count} Kubernetes Events with this reason (and type, if given) within the
     * window (5m by default). Reason and type match literally, as in the seed.
     */
    public record EventTrigger(String reason, String type, int count, Duration window) {
        public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

        public EventTrigger {
            window = window == null ? DEFAULT_WINDOW : window;
        }
    }

    /** A pod condition with this status for a duration (2m by default). */
    public record ConditionTrigger(String type, String status, Duration duration) {
        public static final Duration DEFAULT_DURATION = Duration.ofMinutes(2);

        public ConditionTrigger {
            duration = duration == null ? DEFAULT_DURATION : duration;
        }
    }
}

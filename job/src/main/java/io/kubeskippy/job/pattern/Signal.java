package io.kubeskippy.job.pattern;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One input of a trigger's pattern, for one {@link PatternKey}: a feature point (whose criteria
 * hold or not), or an event or a condition change seen on the target. A Flink POJO: public fields
 * and a no-argument constructor, so it is serialised without Kryo.
 */
public class Signal {

    /** What a signal is. */
    public enum Kind {
        /** A trend feature point: {@link #satisfied} says whether the trigger's criteria hold. */
        FEATURE,
        /** A metric value against a threshold: {@link #satisfied} says whether it is crossed. */
        THRESHOLD,
        /** A Kubernetes Event: {@link #reason} and {@link #type}. */
        EVENT,
        /** A pod condition changed: {@link #type} and {@link #status}. */
        CONDITION
    }

    /** {@link PatternKey#format()}. */
    public String key;

    public Kind kind;
    public long timestampMs;
    public boolean satisfied;
    public String reason;
    public String type;
    public String status;

    /** The numbers behind a feature point (slope, r2, ...); they become the finding's evidence. */
    public Map<String, Double> evidence = new HashMap<>();

    /** A satisfied trend point's window, downsampled; {@code null} for every other signal. */
    public SignalSeries series;

    public Signal() {}

    public static Signal feature(
            PatternKey key, long timestampMs, boolean satisfied, Map<String, Double> evidence) {
        return feature(key.format(), timestampMs, satisfied, evidence);
    }

    /**
     * @param key a {@link PatternKey#format()}ted key
     */
    public static Signal feature(
            String key, long timestampMs, boolean satisfied, Map<String, Double> evidence) {
        Signal s = new Signal();
        s.key = key;
        s.kind = Kind.FEATURE;
        s.timestampMs = timestampMs;
        s.satisfied = satisfied;
        s.evidence = new HashMap<>(evidence);
        return s;
    }

    /** A satisfied trend point with the window it was computed on. */
    public static Signal feature(
            String key, long timestampMs, Map<String, Double> evidence, SignalSeries series) {
        Signal s = feature(key, timestampMs, true, evidence);
        s.series = series;
        return s;
    }

    public static Signal threshold(
            PatternKey key, long timestampMs, boolean crossed, double value) {
        return threshold(key.format(), timestampMs, crossed, value);
    }

    public static Signal threshold(String key, long timestampMs, boolean crossed, double value) {
        Signal s = new Signal();
        s.key = key;
        s.kind = Kind.THRESHOLD;
        s.timestampMs = timestampMs;
        s.satisfied = crossed;
        s.evidence.put("value", value);
        return s;
    }

    public static Signal event(PatternKey key, long timestampMs, String reason, String type) {
        return event(key.format(), timestampMs, reason, type);
    }

    public static Signal event(String key, long timestampMs, String reason, String type) {
        Signal s = new Signal();
        s.key = key;
        s.kind = Kind.EVENT;
        s.timestampMs = timestampMs;
        s.reason = reason;
        s.type = type;
        return s;
    }

    public static Signal condition(PatternKey key, long timestampMs, String type, String status) {
        return condition(key.format(), timestampMs, type, status);
    }

    public static Signal condition(String key, long timestampMs, String type, String status) {
        Signal s = new Signal();
        s.key = key;
        s.kind = Kind.CONDITION;
        s.timestampMs = timestampMs;
        s.type = type;
        s.status = status;
        return s;
    }

    public PatternKey patternKey() {
        return PatternKey.parse(key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signal s
                && timestampMs == s.timestampMs
                && satisfied == s.satisfied
                && Objects.equals(key, s.key)
                && kind == s.kind
                && Objects.equals(reason, s.reason)
                && Objects.equals(type, s.type)
                && Objects.equals(status, s.status)
                && Objects.equals(evidence, s.evidence)
                && Objects.equals(series, s.series);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, kind, timestampMs, satisfied, reason, type, status);
    }

    @Override
    public String toString() {
        return kind
                + "@"
                + timestampMs
                + "["
                + key
                + (kind == Kind.FEATURE || kind == Kind.THRESHOLD
                        ? " satisfied=" + satisfied
                        : " " + reason + type + "/" + status)
                + "]";
    }
}

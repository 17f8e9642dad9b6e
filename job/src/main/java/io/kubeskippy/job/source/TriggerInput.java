package io.kubeskippy.job.source;

/**
 * What one trigger of one policy version gets from a pod record, keyed by the pattern key: a value
 * with its limit (samples), a container start (for the startup grace), an event, or a condition
 * change. A Flink POJO.
 */
public class TriggerInput {

    /** Which fields are set. */
    public enum Kind {
        VALUE,
        START,
        EVENT,
        CONDITION
    }

    /** {@link io.kubeskippy.job.pattern.PatternKey#format()}. */
    public String key;

    public Kind kind;
    public long timestampMs;

    /** The sample (VALUE), or the start time (START). */
    public double value;

    /** The container's limit for the metric (bytes or cores), 0 if none. */
    public double limit;

    /** Which pod the value came from, so a workload's pods can be told apart. */
    public String pod;

    /** Whether a start resets the trend window (groupBy pod) or keeps it (groupBy workload). */
    public boolean resetOnStart;

    public String reason;
    public String type;
    public String status;

    public TriggerInput() {}

    @Override
    public String toString() {
        return kind + "[" + key + " @" + timestampMs + " " + value + "]";
    }
}

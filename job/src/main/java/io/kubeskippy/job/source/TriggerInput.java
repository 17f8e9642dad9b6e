package io.kubeskippy.job.source;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the triggers of one target get from a pod record: a value with the container's limits
 * (samples), a container start (for the startup grace), an event, or a condition change. Keyed by
 * the target ({@code Kind/namespace/name}), so one sample reaches all the triggers of a target in
 * one record; {@link #refs} says which ({@link TriggerRefs}). Serialized by {@link RecordTypeInfo}.
 */
@TypeInfo(RecordTypeInfo.TriggerInputFactory.class)
public class TriggerInput {

    /** Which fields are set. */
    public enum Kind {
        VALUE,
        START,
        EVENT,
        CONDITION
    }

    /** The target, {@code Kind/namespace/name}: the key. */
    public String key;

    /** The triggers of the target this input feeds, joined {@link TriggerRefs}. */
    public String refs;

    public Kind kind;
    public long timestampMs;

    /** The sample (VALUE), or the start time (START). */
    public double value;

    /** The container's memory limit in bytes, 0 if none: for triggers measured against it. */
    public double memoryLimit;

    /** The container's CPU limit in cores, 0 if none. */
    public double cpuLimit;

    /** Whether a start resets the trend window (groupBy pod) or keeps it (groupBy workload). */
    public boolean resetOnStart;

    public String reason;
    public String type;
    public String status;

    public TriggerInput() {}

    @Override
    public String toString() {
        return kind + "[" + key + " " + refs + " @" + timestampMs + " " + value + "]";
    }
}

package io.kubeskippy.job.source;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One record about a pod, whatever topic it came from: a metric sample, the pod's new state, or an
 * event about it. Keyed by {@code namespace/pod}, so a pod's samples meet its state in one place. A
 * union: {@link #kind} says which fields are set. Serialized by {@link RecordTypeInfo}.
 */
@TypeInfo(RecordTypeInfo.PodInputFactory.class)
public class PodInput {

    /** Which topic a record came from. */
    public enum Kind {
        SAMPLE,
        POD,
        EVENT
    }

    public Kind kind;

    /** {@code namespace/pod} (or {@code namespace/name} of an event's object). */
    public String key;

    public long timestampMs;

    // SAMPLE
    public String metric;
    public Map<String, String> labels = new HashMap<>();
    public double value;

    // POD
    public PodState pod;

    // EVENT
    public String reason;
    public String type;
    public String involvedKind;
    public String involvedName;
    public String namespace;

    public PodInput() {}

    public static PodInput sample(
            String key, String metric, Map<String, String> labels, long timestampMs, double value) {
        PodInput in = new PodInput();
        in.kind = Kind.SAMPLE;
        in.key = key;
        in.metric = metric;
        in.labels = new HashMap<>(labels);
        in.timestampMs = timestampMs;
        in.value = value;
        return in;
    }

    public static PodInput pod(PodState pod, long timestampMs) {
        PodInput in = new PodInput();
        in.kind = Kind.POD;
        in.key = pod.key();
        in.pod = pod;
        in.timestampMs = timestampMs;
        return in;
    }

    public static PodInput event(
            String namespace,
            String involvedKind,
            String involvedName,
            String reason,
            String type,
            long timestampMs) {
        PodInput in = new PodInput();
        in.kind = Kind.EVENT;
        in.key = namespace + "/" + involvedName;
        in.namespace = namespace;
        in.involvedKind = involvedKind;
        in.involvedName = involvedName;
        in.reason = reason;
        in.type = type;
        in.timestampMs = timestampMs;
        return in;
    }

    @Override
    public String toString() {
        return kind
                + "["
                + key
                + " @"
                + timestampMs
                + (kind == Kind.SAMPLE
                        ? " " + metric + "=" + value
                        : kind == Kind.EVENT ? " " + reason : "")
                + "]";
    }
}

package io.kubeskippy.job.enrich;

/**
 * One thing the cluster said about a target, for its prompt context: a pod's new state (as a
 * compact JSON summary), the pod's deletion, or a Kubernetes Event. A Flink POJO.
 */
public class ContextFact {

    /** Which fields are set. */
    public enum Kind {
        POD,
        POD_DELETED,
        EVENT
    }

    /** {@code Kind/namespace/name} of the target the fact is about. */
    public String target;

    public Kind kind;
    public long timestampMs;

    /** The pod's name (POD, POD_DELETED) or the event's object (EVENT). */
    public String object;

    /** The pod summary as JSON (POD); null otherwise. */
    public String pod;

    public String reason;
    public String type;

    public ContextFact() {}
}

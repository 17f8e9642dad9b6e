package io.kubeskippy.job.enrich;

import io.kubeskippy.job.source.PodState;
import io.kubeskippy.job.source.RecordTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One thing the cluster said about a target, for its prompt context: a pod's new state, the pod's
 * deletion, or a Kubernetes Event. Serialized field by field ({@link RecordTypeInfo}); not changed
 * once emitted.
 */
@TypeInfo(RecordTypeInfo.ContextFactFactory.class)
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

    /** The pod's state, bounded ({@link ContextFacts#bounded}) (POD); null otherwise. */
    public PodState pod;

    public String reason;
    public String type;

    public ContextFact() {}
}

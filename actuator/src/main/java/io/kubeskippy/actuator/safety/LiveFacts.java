package io.kubeskippy.actuator.safety;

import io.kubeskippy.model.record.ResourceRef;
import java.util.Map;

/**
 * What the gate needs to know about the live target: its labels and annotations as the API server
 * serves them now, and the workload that owns it.
 *
 * @param workload the controlling Deployment, StatefulSet, DaemonSet or ReplicaSet (the target
 *     itself for a workload target); null for a bare pod
 * @param workloadReplicas the workload's desired pods; 0 when unknown
 */
public record LiveFacts(
        ResourceRef target,
        Map<String, String> labels,
        Map<String, String> annotations,
        ResourceRef workload,
        Map<String, String> workloadLabels,
        Map<String, String> workloadAnnotations,
        int workloadReplicas) {

    public LiveFacts {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        workloadLabels = workloadLabels == null ? Map.of() : Map.copyOf(workloadLabels);
        workloadAnnotations =
                workloadAnnotations == null ? Map.of() : Map.copyOf(workloadAnnotations);
    }

    /** A target without a workload (a bare pod, or a test). */
    public static LiveFacts of(
            ResourceRef target, Map<String, String> labels, Map<String, String> annotations) {
        return new LiveFacts(target, labels, annotations, null, null, null, 0);
    }

    public LiveFacts withWorkload(
            ResourceRef workloadRef,
            int replicas,
            Map<String, String> wLabels,
            Map<String, String> wAnnotations) {
        return new LiveFacts(
                target, labels, annotations, workloadRef, wLabels, wAnnotations, replicas);
    }

    /** Whether the target is its own workload (a Deployment target, say). */
    public boolean targetIsWorkload() {
        return workload != null && workload.id().equals(target.id());
    }
}

package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubeskippy.actuator.safety.LiveFacts;
import io.kubeskippy.model.record.ResourceRef;
import java.util.List;
import java.util.Map;

/**
 * What was read from the cluster about an action's target, before deciding: the target itself, the
 * workload that owns it, and what its action type needs (an HPA, the workload's pods, whether the
 * server resizes pods in place, current memory use).
 *
 * @param target the live target; null when it does not exist (see {@code missing})
 * @param missing why the target was not found; null when it was
 * @param workload the controlling workload (the target itself for a workload target); null for a
 *     bare pod
 * @param hpa the HorizontalPodAutoscaler governing the workload; read for scale actions only
 * @param workloadPods the workload's pods; read for a recreate restart only
 * @param resizeSupported whether the server has the pods/resize subresource (Kubernetes 1.33+)
 * @param memoryUsage bytes per container from the metrics API; empty when unknown
 */
public record Observation(
        LiveObject target,
        String missing,
        LiveObject workload,
        HorizontalPodAutoscaler hpa,
        List<LiveObject> workloadPods,
        boolean resizeSupported,
        Map<String, Long> memoryUsage) {

    public Observation {
        workloadPods = workloadPods == null ? List.of() : List.copyOf(workloadPods);
        memoryUsage = memoryUsage == null ? Map.of() : Map.copyOf(memoryUsage);
    }

    public static Observation notFound(String why) {
        return new Observation(null, why, null, null, null, false, null);
    }

    public static Observation of(LiveObject target, LiveObject workload) {
        return new Observation(target, null, workload, null, null, false, null);
    }

    public Observation withHpa(HorizontalPodAutoscaler value) {
        return new Observation(
                target, missing, workload, value, workloadPods, resizeSupported, memoryUsage);
    }

    public Observation withWorkloadPods(List<LiveObject> pods) {
        return new Observation(target, missing, workload, hpa, pods, resizeSupported, memoryUsage);
    }

    public Observation withResize(boolean supported, Map<String, Long> usage) {
        return new Observation(target, missing, workload, hpa, workloadPods, supported, usage);
    }

    public boolean found() {
        return target != null;
    }

    /** What the gate needs of it. */
    public LiveFacts facts() {
        ResourceRef ref = target.ref();
        LiveFacts facts = LiveFacts.of(ref, target.labels(), target.annotations());
        if (workload != null) {
            facts =
                    facts.withWorkload(
                            workload.ref(),
                            workload.replicas(),
                            workload.labels(),
                            workload.annotations());
        }
        return facts;
    }
}

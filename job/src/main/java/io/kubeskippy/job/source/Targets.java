package io.kubeskippy.job.source;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicySpec;
import io.kubeskippy.model.policy.ResourceSelector;
import io.kubeskippy.model.policy.Selector;
import io.kubeskippy.model.record.ResourceRef;
import java.util.Map;

/**
 * Which object a policy acts on for a record about a pod (or another object): the pod, or its
 * owning workload when the policy selects that kind or groups by workload; null when the policy
 * does not select it. Pure.
 */
public final class Targets {

    private Targets() {}

    /**
     * @param pod the pod's state, or null if not known (yet): then only namespace and name are
     *     known, labels are empty and the owner is unknown
     */
    public static String targetOf(
            HealingPolicy policy, String namespace, String podName, PodState pod) {
        PolicySpec spec = policy.spec();
        Selector selector = spec.selector();
        if (!selector.selectsNamespace(namespace)) {
            return null;
        }
        Map<String, String> labels = pod == null ? Map.of() : pod.labels;
        if (!selector.labelSelector().matches(labels)) {
            return null;
        }
        String workloadKind = pod == null ? null : pod.workloadKind;
        String workloadName = pod == null ? null : pod.workloadName;
        for (ResourceSelector resource : selector.resources()) {
            if ("Pod".equals(resource.kind())) {
                if (resource.excludes(podName)) {
                    return null;
                }
                boolean byWorkload =
                        spec.groupBy() == PolicySpec.GroupBy.WORKLOAD
                                && workloadKind != null
                                && !"Pod".equals(workloadKind);
                return byWorkload
                        ? ResourceRef.id(workloadKind, namespace, workloadName)
                        : ResourceRef.id("Pod", namespace, podName);
            }
            if (resource.kind().equals(workloadKind)) {
                return resource.excludes(workloadName)
                        ? null
                        : ResourceRef.id(workloadKind, namespace, workloadName);
            }
        }
        return null;
    }

    /** The target of an event about a non-pod object (a Deployment, say), or null. */
    public static String targetOfObject(
            HealingPolicy policy, String namespace, String kind, String name) {
        Selector selector = policy.spec().selector();
        if (!selector.selectsNamespace(namespace) || !selector.labelSelector().matches(Map.of())) {
            return null;
        }
        for (ResourceSelector resource : selector.resources()) {
            if (resource.kind().equals(kind)) {
                return resource.excludes(name) ? null : ResourceRef.id(kind, namespace, name);
            }
        }
        return null;
    }
}

package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.RestartAction;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.util.Map;
import java.util.Optional;

/**
 * Observes an action's target before the decision: the live object (never from a cache), its
 * controlling workload (through a ReplicaSet to its Deployment), and what the action type needs.
 * Reads only.
 */
public final class TargetObserver {

    private final Cluster cluster;

    public TargetObserver(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * @param workloadHint the workload recorded for an action taken up again (its target may be
     *     gone by then, e.g. a pod the interrupted run deleted); null otherwise
     */
    public Observation observe(HealingAction action, ResourceRef workloadHint) {
        ResourceRef ref = action.spec().targetResource();
        TargetKind kind = TargetKind.of(ref).orElseThrow();
        LiveObject target = cluster.get(kind, ref.namespace(), ref.name());
        String missing = null;
        if (target == null) {
            missing = ref.kind() + " " + ref.key() + " does not exist";
        } else if (ref.uid() != null && target.uid() != null && !ref.uid().equals(target.uid())) {
            missing =
                    ref.kind()
                            + " "
                            + ref.key()
                            + " was replaced (uid "
                            + target.uid()
                            + ", the finding was about "
                            + ref.uid()
                            + ")";
            target = null;
        }
        if (target == null) {
            LiveObject hinted = null;
            if (workloadHint != null) {
                Optional<TargetKind> k = TargetKind.of(workloadHint);
                if (k.isPresent()) {
                    hinted = cluster.get(k.get(), workloadHint.namespace(), workloadHint.name());
                }
            }
            return new Observation(null, missing, hinted, null, null, false, null);
        }
        LiveObject workload = workloadOf(target);
        Observation observation = Observation.of(target, workload);
        PolicyActionNeeds needs = needs(action);
        if (needs.hpa && workload != null) {
            observation = observation.withHpa(cluster.hpaFor(workload));
        }
        if (needs.pods && workload != null && kind.isWorkload()) {
            Map<String, String> selector = workload.selectorLabels();
            if (!selector.isEmpty()) {
                observation = observation.withWorkloadPods(cluster.pods(ref.namespace(), selector));
            }
        }
        if (needs.resize) {
            boolean resize = kind == TargetKind.POD && cluster.resizeSupported();
            Map<String, Long> usage =
                    kind == TargetKind.POD
                            ? cluster.memoryUsage(ref.namespace(), ref.name())
                            : Map.of();
            observation = observation.withResize(resize, usage);
        }
        return observation;
    }

    /** The top controller of {@code object}: a pod's ReplicaSet's Deployment, say; or itself. */
    LiveObject workloadOf(LiveObject object) {
        LiveObject current = object;
        for (int depth = 0; depth < 3; depth++) {
            OwnerReference owner = current.controller();
            if (owner == null) {
                break;
            }
            Optional<TargetKind> kind = TargetKind.named(owner.getKind());
            if (kind.isEmpty() || kind.get() == TargetKind.POD) {
                break;
            }
            LiveObject next = cluster.owner(kind.get(), current.namespace(), owner.getName());
            if (next == null) {
                break;
            }
            current = next;
        }
        if (current == object) {
            return object.kind().isWorkload() ? object : null;
        }
        return current;
    }

    private record PolicyActionNeeds(boolean hpa, boolean pods, boolean resize) {}

    private static PolicyActionNeeds needs(HealingAction action) {
        ActionType type = action.spec().action().type();
        RestartAction restart = action.spec().action().restartAction();
        return new PolicyActionNeeds(
                type == ActionType.SCALE,
                type == ActionType.RESTART
                        && restart != null
                        && restart.strategy() == RestartAction.Strategy.RECREATE,
                type == ActionType.PATCH);
    }
}

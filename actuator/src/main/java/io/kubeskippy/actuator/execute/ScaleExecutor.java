package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.ScaleAction;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Instant;
import java.util.List;

/**
 * Scales the target's workload (a Pod's Deployment or StatefulSet, say) up, down or to an absolute
 * number of replicas, clamped to the action's {@code [minReplicas, maxReplicas]}. When an HPA
 * governs the workload a direct scale would be undone, so a scale up raises the HPA's minReplicas
 * instead (never past its maxReplicas) and anything else is refused with the reason. Verified when
 * the replicas are ready.
 */
public final class ScaleExecutor extends ActionExecutor {

    @Override
    public ActionType type() {
        return ActionType.SCALE;
    }

    @Override
    public PlanResult plan(HealingAction action, Observation observation, Instant now) {
        LiveObject w = observation.workload();
        if (w == null) {
            return PlanResult.refuse(
                    BlockReason.CANNOT_PLAN,
                    observation.target() + " has no workload to scale (a bare pod)");
        }
        if (w.kind() == TargetKind.DAEMON_SET) {
            return PlanResult.refuse(
                    BlockReason.CANNOT_PLAN,
                    w + " runs one pod per node: it has no replicas to scale");
        }
        ScaleAction scale = action.spec().action().scaleAction();
        int current = w.replicas();
        int wanted =
                switch (scale.direction()) {
                    case UP -> current + scale.replicas();
                    case DOWN -> current - scale.replicas();
                    case ABSOLUTE -> scale.replicas();
                };
        int desired = Math.max(scale.minReplicas(), Math.min(scale.maxReplicas(), wanted));
        String how =
                switch (scale.direction()) {
                            case UP -> "up by " + scale.replicas();
                            case DOWN -> "down by " + scale.replicas();
                            case ABSOLUTE -> "to " + scale.replicas();
                        }
                        + (desired != wanted
                                ? ", clamped to ["
                                        + scale.minReplicas()
                                        + ", "
                                        + scale.maxReplicas()
                                        + "]"
                                : "");
        HorizontalPodAutoscaler hpa = observation.hpa();
        if (hpa != null) {
            return throughHpa(w, hpa, current, desired, how);
        }
        if (desired == current) {
            return PlanResult.refuse(
                    BlockReason.AT_BOUND,
                    w + " already has " + current + " replicas (scale " + how + ")");
        }
        return new PlanResult.Planned(
                new Plan(
                        "scale "
                                + w
                                + " from "
                                + current
                                + " to "
                                + desired
                                + " replicas ("
                                + how
                                + ")",
                        List.of(Changes.replicas(w.ref(), current, desired)),
                        EventReason.Scaled));
    }

    private static PlanResult throughHpa(
            LiveObject w, HorizontalPodAutoscaler hpa, int current, int desired, String how) {
        String name =
                "HorizontalPodAutoscaler " + w.namespace() + "/" + hpa.getMetadata().getName();
        int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        int max = hpa.getSpec().getMaxReplicas() == null ? min : hpa.getSpec().getMaxReplicas();
        if (desired <= current) {
            return PlanResult.refuse(
                    BlockReason.HPA_CONFLICT,
                    name
                            + " governs "
                            + w
                            + ": scaling "
                            + how
                            + " to "
                            + desired
                            + " (from "
                            + current
                            + ") would be undone by it; change the HPA instead");
        }
        int newMin = Math.min(desired, max);
        if (newMin <= min) {
            return PlanResult.refuse(
                    BlockReason.HPA_CONFLICT,
                    name
                            + " governs "
                            + w
                            + " and its minReplicas "
                            + min
                            + " cannot be raised: its maxReplicas is "
                            + max);
        }
        ResourceRef ref =
                new ResourceRef(
                        "autoscaling/v2",
                        "HorizontalPodAutoscaler",
                        w.namespace(),
                        hpa.getMetadata().getName(),
                        hpa.getMetadata().getUid());
        return new PlanResult.Planned(
                new Plan(
                        "raise "
                                + name
                                + " minReplicas from "
                                + min
                                + " to "
                                + newMin
                                + " so that "
                                + w
                                + " runs at least "
                                + newMin
                                + " replicas (scale "
                                + how
                                + (newMin < desired
                                        ? ", capped at the HPA's maxReplicas " + max
                                        : "")
                                + ")",
                        List.of(Changes.hpaMinReplicas(ref, min, newMin)),
                        EventReason.Scaled));
    }

    @Override
    protected Verification check(HealingAction action, Plan plan, Execution execution) {
        Change change = plan.changes().get(0);
        int want = Integer.parseInt(change.newValue());
        LiveObject w = execution.workload();
        if (Changes.form(change) == Changes.Form.REPLICAS) {
            ResourceRef ref = change.resourceRef();
            w =
                    execution
                            .cluster()
                            .get(TargetKind.of(ref).orElseThrow(), ref.namespace(), ref.name());
        } else if (w != null) {
            w = execution.cluster().get(w.kind(), w.namespace(), w.name());
        }
        if (w == null) {
            return Verification.failed("the workload no longer exists");
        }
        int ready = Rollouts.ready(w);
        int all = Rollouts.current(w);
        boolean observed = Rollouts.observedGeneration(w) >= w.generation();
        boolean done =
                Changes.form(change) == Changes.Form.REPLICAS
                        ? observed && ready == want && all == want
                        : ready >= want;
        return new Verification(
                done,
                done
                        ? w + " has " + ready + " ready replicas"
                        : w
                                + " has "
                                + ready
                                + " of "
                                + want
                                + " replicas ready ("
                                + all
                                + " in all)");
    }
}

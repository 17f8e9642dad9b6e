package io.kubeskippy.actuator.execute;

import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.DeleteAction;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import java.time.Instant;
import java.util.List;

/**
 * Deletes a Pod, with its grace period, only if it still is the pod the finding was about (a uid
 * precondition). Never a workload, namespace, node or custom resource. Verified when the pod is
 * gone.
 */
public final class DeleteExecutor extends ActionExecutor {

    @Override
    public ActionType type() {
        return ActionType.DELETE;
    }

    @Override
    public PlanResult plan(HealingAction action, Observation observation, Instant now) {
        LiveObject target = observation.target();
        if (target.kind() != TargetKind.POD) {
            return PlanResult.refuse(
                    BlockReason.UNSUPPORTED_ACTION, "only a Pod is ever deleted, not " + target);
        }
        DeleteAction options = ChangeApplier.deleteOptions(action.spec().action());
        return new PlanResult.Planned(
                new Plan(
                        "delete "
                                + target
                                + (options.force()
                                        ? " (forced, no grace)"
                                        : " (grace " + options.gracePeriodSeconds() + "s)"),
                        List.of(Changes.podDelete(target.ref())),
                        EventReason.PodDeleted));
    }

    @Override
    protected Verification check(HealingAction action, Plan plan, Execution execution) {
        Change d = plan.changes().get(0);
        LiveObject live =
                execution
                        .cluster()
                        .get(TargetKind.POD, d.resourceRef().namespace(), d.resourceRef().name());
        if (live != null && live.uid() != null && live.uid().equals(d.oldValue())) {
            return Verification.failed("Pod " + d.resourceRef().key() + " still exists");
        }
        return Verification.ok("Pod " + d.resourceRef().key() + " is gone");
    }
}

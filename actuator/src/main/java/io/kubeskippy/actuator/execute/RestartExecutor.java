package io.kubeskippy.actuator.execute;

import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.RestartAction;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Restarts: a Pod is deleted with its grace period, so that its controller replaces it; a
 * Deployment, StatefulSet or DaemonSet is rollout-restarted through the {@code
 * kubectl.kubernetes.io/restartedAt} template annotation, as {@code kubectl rollout restart} does.
 * The seed's strategies: {@code rolling} and {@code graceful} restart a workload through its own
 * rolling update; {@code recreate} deletes its pods, {@code maxConcurrent} at a time, each batch
 * replaced before the next. Verified when the pods are replaced or the rollout is complete.
 */
public final class RestartExecutor extends ActionExecutor {

    @Override
    public ActionType type() {
        return ActionType.RESTART;
    }

    @Override
    public PlanResult plan(HealingAction action, Observation observation, Instant now) {
        LiveObject target = observation.target();
        RestartAction restart = restartOf(action);
        if (target.kind() == TargetKind.POD) {
            if (observation.workload() == null) {
                return PlanResult.refuse(
                        BlockReason.CANNOT_PLAN,
                        target
                                + " has no controller that would recreate it: restarting it would"
                                + " delete it for good (a delete action does that on purpose)");
            }
            return new PlanResult.Planned(
                    new Plan(
                            "delete "
                                    + target
                                    + " (grace "
                                    + restart.gracePeriodSeconds()
                                    + "s) for "
                                    + observation.workload()
                                    + " to replace it",
                            List.of(Changes.podDelete(target.ref())),
                            EventReason.PodRestarted));
        }
        if (restart.strategy() == RestartAction.Strategy.RECREATE) {
            List<LiveObject> pods = new ArrayList<>();
            for (LiveObject pod : observation.workloadPods()) {
                if (!pod.terminating()) {
                    pods.add(pod);
                }
            }
            if (pods.isEmpty()) {
                return PlanResult.refuse(
                        BlockReason.CANNOT_PLAN, target + " has no running pods to recreate");
            }
            pods.sort(Comparator.comparing(LiveObject::name));
            List<Change> deletes = pods.stream().map(p -> Changes.podDelete(p.ref())).toList();
            return new PlanResult.Planned(
                    new Plan(
                            "recreate "
                                    + target
                                    + ": delete its "
                                    + pods.size()
                                    + " pods, "
                                    + restart.maxConcurrent()
                                    + " at a time (grace "
                                    + restart.gracePeriodSeconds()
                                    + "s), each batch replaced before the next",
                            deletes,
                            EventReason.WorkloadRestarted));
        }
        String old = target.templateAnnotations().get(Changes.RESTARTED_AT);
        String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        if (stamp.equals(old)) {
            stamp = now.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        return new PlanResult.Planned(
                new Plan(
                        "rollout restart "
                                + target
                                + " ("
                                + Changes.RESTARTED_AT
                                + "="
                                + stamp
                                + ")",
                        List.of(Changes.restartedAt(target.ref(), old, stamp)),
                        EventReason.WorkloadRestarted));
    }

    @Override
    public List<Change> act(HealingAction action, Plan plan, Execution execution)
            throws InterruptedException {
        List<Change> deletes =
                plan.changes().stream()
                        .filter(c -> Changes.form(c) == Changes.Form.POD_DELETE)
                        .toList();
        if (deletes.size() <= 1) {
            return super.act(action, plan, execution);
        }
        int batch = restartOf(action).maxConcurrent();
        List<Change> done = new ArrayList<>();
        for (int i = 0; i < deletes.size(); i += batch) {
            List<Change> current = deletes.subList(i, Math.min(deletes.size(), i + batch));
            for (Change d : current) {
                execution.applier().apply(action.spec().action(), d);
                done.add(stamped(d, execution.clock().instant()));
            }
            if (i + batch < deletes.size()) {
                Verification replaced = podsReplaced(done, execution);
                while (!replaced.ok() && !execution.expired()) {
                    execution.pause();
                    replaced = podsReplaced(done, execution);
                }
                if (!replaced.ok()) {
                    throw new ChangeApplier.ConflictException(
                            "stopped after " + done.size() + " pods: " + replaced.message());
                }
            }
        }
        return done;
    }

    @Override
    protected Verification check(HealingAction action, Plan plan, Execution execution) {
        List<Change> deletes =
                plan.changes().stream()
                        .filter(c -> Changes.form(c) == Changes.Form.POD_DELETE)
                        .toList();
        if (!deletes.isEmpty()) {
            return podsReplaced(deletes, execution);
        }
        Change change = plan.changes().get(0);
        LiveObject w =
                execution
                        .cluster()
                        .get(
                                TargetKind.of(change.resourceRef()).orElseThrow(),
                                change.resourceRef().namespace(),
                                change.resourceRef().name());
        if (w == null) {
            return Verification.failed(change.resourceRef().id() + " no longer exists");
        }
        Rollouts.Progress progress = Rollouts.rollout(w);
        return new Verification(
                progress.done(),
                progress.done() ? "rollout of " + w + " complete" : progress.message());
    }

    private static RestartAction restartOf(HealingAction action) {
        RestartAction r = action.spec().action().restartAction();
        return r == null ? RestartAction.DEFAULTS : r;
    }
}

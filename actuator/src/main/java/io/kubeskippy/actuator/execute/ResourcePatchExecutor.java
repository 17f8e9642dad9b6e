package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.PatchAction.ResourceBound;
import io.kubeskippy.model.policy.PatchAction.ResourcePatch;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Raises container limits by the action's factor, clamped to its {@code [min, max]} (the policy's
 * bounds; the gate has checked that they are the policy's). In place through the {@code
 * pods/resize} subresource where the server has it (Kubernetes 1.33+), else through the pod
 * template of the pod's workload (which rolls the pods). A limit is never lowered, and memory never
 * set below what the container uses now. Verified when the pod reports the new limits, or the
 * rollout is complete.
 */
public final class ResourcePatchExecutor extends ActionExecutor {

    @Override
    public ActionType type() {
        return ActionType.PATCH;
    }

    @Override
    public PlanResult plan(HealingAction action, Observation observation, Instant now) {
        ResourcePatch patch = action.spec().action().patchAction().resources();
        LiveObject target = observation.target();
        LiveObject source;
        boolean template;
        String how;
        if (target.kind() == TargetKind.POD && observation.resizeSupported()) {
            source = target;
            template = false;
            how = "in place (pods/resize)";
        } else if (target.kind() == TargetKind.POD) {
            LiveObject w = observation.workload();
            if (w == null || w.kind() == TargetKind.REPLICA_SET) {
                return PlanResult.refuse(
                        BlockReason.CANNOT_PLAN,
                        target
                                + (w == null
                                        ? " has no workload"
                                        : " belongs to " + w + ", which has no Deployment")
                                + " and the server has no pods/resize subresource (Kubernetes"
                                + " 1.33+) to resize it in place");
            }
            source = w;
            template = true;
            how = "through the pod template of " + w + " (the server has no pods/resize)";
        } else {
            source = target;
            template = true;
            how = "through its pod template";
        }
        List<Container> containers = new ArrayList<>();
        for (Container c : source.containers()) {
            if (patch.container() == null || patch.container().equals(c.getName())) {
                containers.add(c);
            }
        }
        if (containers.isEmpty()) {
            return PlanResult.refuse(
                    BlockReason.CANNOT_PLAN,
                    source
                            + " has no container "
                            + (patch.container() == null ? "" : patch.container()));
        }
        List<Change> changes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Container c : containers) {
            for (String resource : List.of("memory", "cpu")) {
                ResourceBound bound = "memory".equals(resource) ? patch.memory() : patch.cpu();
                if (bound == null) {
                    continue;
                }
                String current =
                        ChangeApplier.value(
                                c.getResources(),
                                new Changes.ContainerField(
                                        template, c.getName(), "limits", resource));
                if (current == null) {
                    skipped.add("container " + c.getName() + " has no " + resource + " limit");
                    continue;
                }
                String raised = Limits.raise(resource, current, bound);
                if (!Limits.below(current, raised)) {
                    skipped.add(
                            "container "
                                    + c.getName()
                                    + " "
                                    + resource
                                    + " limit "
                                    + current
                                    + " is at the bound "
                                    + bound.max()
                                    + " already");
                    continue;
                }
                if ("memory".equals(resource)) {
                    Long used = observation.memoryUsage().get(c.getName());
                    if (used != null && Limits.bytes(raised) < used) {
                        return PlanResult.refuse(
                                BlockReason.BELOW_USAGE,
                                "container "
                                        + c.getName()
                                        + " uses "
                                        + Limits.formatBytes(used)
                                        + " now; a memory limit of "
                                        + raised
                                        + " would be below it");
                    }
                }
                changes.add(
                        Changes.containerResource(
                                source.ref(),
                                template,
                                c.getName(),
                                "limits",
                                resource,
                                current,
                                raised));
            }
        }
        if (changes.isEmpty()) {
            boolean atBound = skipped.stream().anyMatch(s -> s.contains("at the bound"));
            return PlanResult.refuse(
                    atBound ? BlockReason.AT_BOUND : BlockReason.CANNOT_PLAN,
                    String.join("; ", skipped));
        }
        StringBuilder summary = new StringBuilder("raise limits of " + source + " " + how + ":");
        for (Change c : changes) {
            Changes.ContainerField f = Changes.containerField(c);
            summary.append(' ')
                    .append(f.container())
                    .append(' ')
                    .append(f.resource())
                    .append(' ')
                    .append(c.oldValue())
                    .append(" -> ")
                    .append(c.newValue());
        }
        return new PlanResult.Planned(
                new Plan(summary.toString(), changes, EventReason.ResourcesPatched));
    }

    @Override
    protected Verification check(HealingAction action, Plan plan, Execution execution) {
        Change first = plan.changes().get(0);
        ResourceRef ref = first.resourceRef();
        TargetKind kind = TargetKind.of(ref).orElseThrow();
        LiveObject live = execution.cluster().get(kind, ref.namespace(), ref.name());
        if (live == null) {
            return Verification.failed(ref.kind() + " " + ref.key() + " no longer exists");
        }
        List<String> waiting = new ArrayList<>();
        for (Change c : plan.changes()) {
            Changes.ContainerField f = Changes.containerField(c);
            Container container =
                    live.containers().stream()
                            .filter(x -> f.container().equals(x.getName()))
                            .findFirst()
                            .orElse(null);
            String spec =
                    container == null ? null : ChangeApplier.value(container.getResources(), f);
            if (!ChangeApplier.sameQuantity(spec, c.newValue())) {
                waiting.add(f.container() + " " + f.resource() + " is " + spec);
            }
        }
        if (!waiting.isEmpty()) {
            return Verification.failed(live + ": " + String.join(", ", waiting));
        }
        if (kind != TargetKind.POD) {
            Rollouts.Progress progress = Rollouts.rollout(live);
            return new Verification(
                    progress.done(),
                    progress.done()
                            ? "new limits applied and rolled out to " + live
                            : progress.message());
        }
        Pod pod = (Pod) live.object();
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            for (PodCondition condition : pod.getStatus().getConditions()) {
                if ("PodResizePending".equals(condition.getType())
                        && "Infeasible".equals(condition.getReason())) {
                    return new Verification(
                            false,
                            INFEASIBLE
                                    + live
                                    + ": "
                                    + (condition.getMessage() == null
                                            ? ""
                                            : condition.getMessage()));
                }
            }
        }
        List<String> pending = new ArrayList<>();
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            for (Change c : plan.changes()) {
                Changes.ContainerField f = Changes.containerField(c);
                for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
                    if (f.container().equals(s.getName()) && s.getResources() != null) {
                        String actual = ChangeApplier.value(s.getResources(), f);
                        if (actual != null && !ChangeApplier.sameQuantity(actual, c.newValue())) {
                            pending.add(
                                    f.container() + " runs with " + f.resource() + " " + actual);
                        }
                    }
                }
            }
        }
        if (!pending.isEmpty()) {
            return Verification.failed(live + " resize in progress: " + String.join(", ", pending));
        }
        return Verification.ok("new limits applied in place to " + live);
    }

    private static final String INFEASIBLE = "the node cannot fit the resize of ";

    @Override
    protected boolean definitive(Verification v) {
        return v.message().startsWith(INFEASIBLE);
    }
}

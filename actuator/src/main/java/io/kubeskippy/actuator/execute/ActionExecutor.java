package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One action type, in four steps: validate and plan (pure: {@link #plan}, the desired change or why
 * not), act (apply the changes not applied yet; idempotent) and verify (wait until the change took
 * effect, or until the deadline). Only {@link #act} and {@link #verify} talk to the cluster.
 */
public abstract class ActionExecutor {

    /** The action type this executor runs. */
    public abstract ActionType type();

    /**
     * The desired change for {@code action} on what was observed, or why it cannot be made. Pure:
     * the same input always gives the same plan.
     */
    public abstract PlanResult plan(HealingAction action, Observation observation, Instant now);

    /** One look at whether the applied plan took effect; no waiting. */
    protected abstract Verification check(HealingAction action, Plan plan, Execution execution);

    /**
     * Applies every change of {@code plan} that is not applied yet, in order.
     *
     * @return the changes, each stamped with when it was applied (or found applied)
     */
    public List<Change> act(HealingAction action, Plan plan, Execution execution)
            throws InterruptedException {
        List<Change> done = new ArrayList<>();
        for (Change change : plan.changes()) {
            execution.applier().apply(action.spec().action(), change);
            done.add(stamped(change, execution.clock().instant()));
        }
        return done;
    }

    /** Waits until {@link #check} says the plan took effect, or the deadline passes. */
    public Verification verify(HealingAction action, Plan plan, Execution execution)
            throws InterruptedException {
        Verification last = check(action, plan, execution);
        while (!last.ok() && !definitive(last) && !execution.expired()) {
            execution.pause();
            last = check(action, plan, execution);
        }
        if (last.ok() || definitive(last)) {
            return last;
        }
        return Verification.failed(
                "not verified within "
                        + Durations.format(
                                Duration.between(execution.actedAt(), execution.deadline())
                                        .truncatedTo(ChronoUnit.SECONDS))
                        + ": "
                        + last.message());
    }

    /** A failed check that waiting cannot change (e.g. a resize the node cannot fit). */
    protected boolean definitive(Verification v) {
        return false;
    }

    static Change stamped(Change c, Instant at) {
        return new Change(
                c.resourceRef(), c.changeType(), c.field(), c.oldValue(), c.newValue(), at);
    }

    /** Whether the pods deleted by {@code deletes} are gone and each has a ready replacement. */
    static Verification podsReplaced(List<Change> deletes, Execution execution) {
        Cluster cluster = execution.cluster();
        Set<String> deletedUids =
                deletes.stream().map(Change::oldValue).collect(Collectors.toSet());
        List<String> waiting = new ArrayList<>();
        for (Change d : deletes) {
            ResourceRef pod = d.resourceRef();
            LiveObject live = cluster.get(TargetKind.POD, pod.namespace(), pod.name());
            if (live != null && d.oldValue() != null && d.oldValue().equals(live.uid())) {
                waiting.add("Pod " + pod.key() + " still exists");
            }
        }
        if (!waiting.isEmpty()) {
            return Verification.failed(String.join("; ", waiting));
        }
        LiveObject workload = execution.workload();
        if (workload == null) {
            return Verification.ok("deleted " + names(deletes));
        }
        Instant since = execution.actedAt().truncatedTo(ChronoUnit.SECONDS);
        int replacements = 0;
        for (LiveObject pod : cluster.pods(workload.namespace(), workload.selectorLabels())) {
            Instant created = createdAt(pod);
            if (!deletedUids.contains(pod.uid())
                    && !execution.podsBefore().contains(pod.uid())
                    && !pod.terminating()
                    && created != null
                    && !created.isBefore(since)
                    && Rollouts.podReady(pod)) {
                replacements++;
            }
        }
        if (replacements >= deletes.size()) {
            return Verification.ok(
                    "deleted "
                            + names(deletes)
                            + "; "
                            + workload
                            + " replaced it with a ready pod");
        }
        return Verification.failed(
                replacements
                        + " of "
                        + deletes.size()
                        + " ready replacement pods of "
                        + workload
                        + " after deleting "
                        + names(deletes));
    }

    private static Instant createdAt(LiveObject pod) {
        String ts = ((Pod) pod.object()).getMetadata().getCreationTimestamp();
        try {
            return ts == null ? null : Instant.parse(ts);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String names(List<Change> changes) {
        return changes.stream()
                .map(c -> c.resourceRef().kind() + " " + c.resourceRef().key())
                .collect(Collectors.joining(", "));
    }
}

package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;

/**
 * Whether a workload finished rolling out, and how many of its pods are ready, read from its status
 * as {@code kubectl rollout status} reads it. Pure.
 */
public final class Rollouts {

    private Rollouts() {}

    /** Whether a rollout is complete, and if not, where it stands. */
    public record Progress(boolean done, String message) {}

    /** Every desired pod runs the current template and is available. */
    public static Progress rollout(LiveObject w) {
        long generation = w.generation();
        int desired = w.replicas();
        switch (w.kind()) {
            case DEPLOYMENT -> {
                DeploymentStatus s = ((Deployment) w.object()).getStatus();
                if (s == null) {
                    return new Progress(false, w + " has no status yet");
                }
                long observed = n(s.getObservedGeneration());
                int updated = n(s.getUpdatedReplicas());
                int total = n(s.getReplicas());
                int available = n(s.getAvailableReplicas());
                boolean done =
                        observed >= generation
                                && updated >= desired
                                && total <= updated
                                && available >= updated;
                return new Progress(
                        done,
                        w
                                + ": "
                                + updated
                                + " of "
                                + desired
                                + " replicas updated, "
                                + available
                                + " available, "
                                + total
                                + " in all (generation "
                                + observed
                                + " of "
                                + generation
                                + " observed)");
            }
            case STATEFUL_SET -> {
                StatefulSetStatus s = ((StatefulSet) w.object()).getStatus();
                if (s == null) {
                    return new Progress(false, w + " has no status yet");
                }
                long observed = n(s.getObservedGeneration());
                int updated = n(s.getUpdatedReplicas());
                int ready = n(s.getReadyReplicas());
                boolean revisions =
                        s.getUpdateRevision() == null
                                || s.getUpdateRevision().equals(s.getCurrentRevision());
                boolean done =
                        observed >= generation
                                && updated >= desired
                                && ready >= desired
                                && revisions;
                return new Progress(
                        done,
                        w + ": " + updated + " of " + desired + " updated, " + ready + " ready");
            }
            case DAEMON_SET -> {
                DaemonSetStatus s = ((DaemonSet) w.object()).getStatus();
                if (s == null) {
                    return new Progress(false, w + " has no status yet");
                }
                long observed = n(s.getObservedGeneration());
                int want = n(s.getDesiredNumberScheduled());
                int updated = n(s.getUpdatedNumberScheduled());
                int available = n(s.getNumberAvailable());
                boolean done = observed >= generation && updated >= want && available >= want;
                return new Progress(
                        done,
                        w
                                + ": "
                                + updated
                                + " of "
                                + want
                                + " updated, "
                                + available
                                + " available");
            }
            default -> {
                return new Progress(true, w.toString());
            }
        }
    }

    /** The workload's ready pods, from its status. */
    public static int ready(LiveObject w) {
        return switch (w.kind()) {
            case DEPLOYMENT -> {
                DeploymentStatus s = ((Deployment) w.object()).getStatus();
                yield s == null ? 0 : n(s.getReadyReplicas());
            }
            case STATEFUL_SET -> {
                StatefulSetStatus s = ((StatefulSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getReadyReplicas());
            }
            case REPLICA_SET -> {
                ReplicaSetStatus s = ((ReplicaSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getReadyReplicas());
            }
            case DAEMON_SET -> {
                DaemonSetStatus s = ((DaemonSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getNumberReady());
            }
            case POD -> podReady(w) ? 1 : 0;
        };
    }

    /** The workload's pods as its status counts them (all, not only ready ones). */
    public static int current(LiveObject w) {
        return switch (w.kind()) {
            case DEPLOYMENT -> {
                DeploymentStatus s = ((Deployment) w.object()).getStatus();
                yield s == null ? 0 : n(s.getReplicas());
            }
            case STATEFUL_SET -> {
                StatefulSetStatus s = ((StatefulSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getReplicas());
            }
            case REPLICA_SET -> {
                ReplicaSetStatus s = ((ReplicaSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getReplicas());
            }
            case DAEMON_SET -> {
                DaemonSetStatus s = ((DaemonSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getCurrentNumberScheduled());
            }
            case POD -> 1;
        };
    }

    /** The generation the workload's controller has seen. */
    public static long observedGeneration(LiveObject w) {
        return switch (w.kind()) {
            case DEPLOYMENT -> {
                DeploymentStatus s = ((Deployment) w.object()).getStatus();
                yield s == null ? 0 : n(s.getObservedGeneration());
            }
            case STATEFUL_SET -> {
                StatefulSetStatus s = ((StatefulSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getObservedGeneration());
            }
            case REPLICA_SET -> {
                ReplicaSetStatus s = ((ReplicaSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getObservedGeneration());
            }
            case DAEMON_SET -> {
                DaemonSetStatus s = ((DaemonSet) w.object()).getStatus();
                yield s == null ? 0 : n(s.getObservedGeneration());
            }
            case POD -> w.generation();
        };
    }

    /** A pod's Ready condition is True (or, with no conditions reported, it is Running). */
    public static boolean podReady(LiveObject pod) {
        Pod p = (Pod) pod.object();
        if (p.getStatus() == null) {
            return false;
        }
        if (p.getStatus().getConditions() != null && !p.getStatus().getConditions().isEmpty()) {
            for (PodCondition c : p.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                    return "True".equals(c.getStatus());
                }
            }
            return false;
        }
        return "Running".equals(p.getStatus().getPhase());
    }

    private static int n(Integer value) {
        return value == null ? 0 : value;
    }

    private static long n(Long value) {
        return value == null ? 0 : value;
    }
}

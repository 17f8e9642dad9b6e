package io.kubeskippy.actuator.audit;

/**
 * The reasons of the Kubernetes Events the actuator records on targets: a closed set, as {@code
 * kubectl describe} and alerting rules see them.
 */
public enum EventReason {
    /** A pod was deleted so that its controller replaces it. */
    PodRestarted(false),
    /** A Deployment, StatefulSet or DaemonSet was rollout-restarted. */
    WorkloadRestarted(false),
    /** A workload's replicas, or its HPA's minReplicas, were changed. */
    Scaled(false),
    /** Container resources were raised, in place or through the pod template. */
    ResourcesPatched(false),
    /** A pod was deleted. */
    PodDeleted(false),
    /** A dry run recorded the change it would make (spec.dryRun or the policy's dryrun mode). */
    DryRun(false),
    /** The action waits for approval. */
    AwaitingApproval(false),
    /** The safety gate or the executor refused the action. */
    ActionBlocked(true),
    /** The action was rejected by a human. */
    ActionRejected(true),
    /** Nobody approved the action in time. */
    ApprovalExpired(true),
    /** The action was applied but did not take effect, or could not be applied. */
    ActionFailed(true),
    /** Too many targets, or too many pods of one workload, were acted on: the actuator stops. */
    StormBreakerOpen(true);

    private final boolean warning;

    EventReason(boolean warning) {
        this.warning = warning;
    }

    /** {@code Warning} or {@code Normal}. */
    public String type() {
        return warning ? "Warning" : "Normal";
    }
}

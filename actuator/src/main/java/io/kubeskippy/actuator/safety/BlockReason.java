package io.kubeskippy.actuator.safety;

/**
 * Why an action was not executed: a rule of the safety gate, a refusal of an executor, or a record
 * that could not be read. A closed set; {@link #label()} is the {@code reason} label of {@code
 * kubeskippy_actuator_blocked_total}.
 */
public enum BlockReason {
    /** The record could not be read; it went to the dead-letter topic. */
    MALFORMED("malformed"),
    /** The record is older than {@code --max-action-age}. */
    STALE("stale"),
    /** The target's namespace is not one of {@code --namespaces}. */
    UNMANAGED_NAMESPACE("unmanaged_namespace"),
    /** kube-system, kube-public, kube-node-lease or one of {@code --protected-namespaces}. */
    PROTECTED_NAMESPACE("protected_namespace"),
    /** Namespaces, Nodes, CRDs and every kind but Pod and the workload kinds. */
    UNSUPPORTED_KIND("unsupported_kind"),
    /** custom actions, raw patches, deleting anything but a Pod, ... */
    UNSUPPORTED_ACTION("unsupported_action"),
    /** A parameter outside the bounds any valid action has (the CRD's), e.g. replicas 10^6. */
    OUT_OF_BOUNDS("out_of_bounds"),
    /** The action's policy is not on the policy topic. */
    UNKNOWN_POLICY("unknown_policy"),
    /** The action is not its policy's: another action, other parameters, another target. */
    POLICY_MISMATCH("policy_mismatch"),
    /** The policy only monitors. */
    POLICY_MODE("policy_mode"),
    /** The policy's excludeNames or safetyRules.protectedResources cover the target. */
    EXCLUDED_BY_POLICY("excluded_by_policy"),
    /** {@code kubeskippy.io/protected=true} or {@code kubeskippy.io/healing-disabled}. */
    PROTECTED_OBJECT("protected_object"),
    /** The target does not exist (any more), or was replaced by another object of its name. */
    TARGET_NOT_FOUND("target_not_found"),
    /** The target was acted on within {@code --cooldown}. */
    COOLDOWN("cooldown"),
    /** The policy's safetyRules.maxActionsPerHour. */
    POLICY_RATE_LIMIT("policy_rate_limit"),
    /** {@code --max-actions-per-hour}, all policies together. */
    GLOBAL_RATE_LIMIT("global_rate_limit"),
    /** Too many targets, or too large a share of one workload's pods, acted on in the window. */
    STORM_BREAKER("storm_breaker"),
    /** Rejected with {@code kubeskippy.io/rejected=true}. */
    APPROVAL_REJECTED("approval_rejected"),
    /** No approval within {@code --approval-ttl}. */
    APPROVAL_EXPIRED("approval_expired"),
    /** An HPA governs the target and the scale cannot go through it. */
    HPA_CONFLICT("hpa_conflict"),
    /** The change would not change anything: already at the policy's bound. */
    AT_BOUND("at_bound"),
    /** New memory would be below what the container uses now. */
    BELOW_USAGE("below_usage"),
    /** The executor cannot plan the action for this target (no owner, no limit, ...). */
    CANNOT_PLAN("cannot_plan");

    private final String label;

    BlockReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The CamelCase form Kubernetes conditions use, e.g. {@code ProtectedObject}. */
    public String conditionReason() {
        StringBuilder out = new StringBuilder();
        for (String part : name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }
}

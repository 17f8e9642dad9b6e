package io.kubeskippy.actuator;

import io.kubeskippy.model.Topic;

/**
 * Every option of the actuator process, with its key, value label, default and description in one
 * place. {@code skippy actuator} takes them as {@code --KEY VALUE} (a flag as {@code --KEY});
 * README's actuator option table is kept in step with this enum by a test.
 */
public enum ActuatorOption {
    KAFKA("kafka", "HOST:PORT", "", "Kafka bootstrap servers (required)."),
    KUBECONFIG(
            "kubeconfig",
            "FILE",
            "",
            "Kubeconfig file. Without it: $KUBECONFIG or ~/.kube/config, else the pod's service"
                    + " account."),
    DRY_RUN(
            "dry-run",
            null,
            "false",
            "Decide and plan every action and put the changes it would make on the audit topic,"
                    + " but make no mutating call: no HealingAction, no status, no Event, no"
                    + " change to any target."),
    NAMESPACES(
            "namespaces",
            "a,b",
            "",
            "The only namespaces acted in (and whose HealingActions are watched); all when not"
                    + " given."),
    PROTECTED_NAMESPACES(
            "protected-namespaces",
            "a,b",
            "",
            "Namespaces never acted in, besides kube-system, kube-public and kube-node-lease."),
    METRICS_PORT(
            "metrics-port", "N", "9302", "Port of /metrics and /healthz; 0 picks a free port."),
    LISTEN_ADDRESS("listen-address", "HOST", "0.0.0.0", "Address /metrics listens on."),
    GROUP_ID(
            "group-id",
            "NAME",
            "kubeskippy-actuator",
            "Kafka consumer group; its committed offsets say which actions are done."),
    WORKERS(
            "workers",
            "N",
            "4",
            "Actions handled side by side; the actions of one target always run one after"
                    + " another, in order."),
    COOLDOWN("cooldown", "DURATION", "5m", "Least time between two actions on one target."),
    MAX_ACTIONS_PER_HOUR(
            "max-actions-per-hour",
            "N",
            "60",
            "Actions executed per hour, all policies together (each policy also has its own"
                    + " safetyRules.maxActionsPerHour)."),
    STORM_WINDOW("storm-window", "DURATION", "10m", "The storm breaker's window."),
    STORM_MAX_TARGETS(
            "storm-max-targets",
            "N",
            "10",
            "Distinct targets acted on within the window that open the storm breaker: every"
                    + " action stops until the window drains."),
    STORM_WORKLOAD_SHARE(
            "storm-workload-share",
            "PERCENT",
            "50%",
            "Largest share of one workload's pods acted on within the window (at least one pod"
                    + " always may be), as medik8s' minHealthy keeps the rest healthy."),
    APPROVAL_TTL(
            "approval-ttl",
            "DURATION",
            "1h",
            "How long an action waits for approval before it expires."),
    MAX_ACTION_AGE(
            "max-action-age",
            "DURATION",
            "15m",
            "Older action records are stale and never executed (a backlog replayed after an"
                    + " outage, say)."),
    VERIFY_TIMEOUT(
            "verify-timeout",
            "DURATION",
            "2m",
            "How long an action may take to show its effect (pod replaced, replicas ready,"
                    + " limits applied) before it is Failed; a shorter spec.timeout wins."),
    TOPIC_ACTIONS("topic-actions", "NAME", Topic.ACTIONS.defaultName(), "Topic of the actions."),
    TOPIC_AUDIT("topic-audit", "NAME", Topic.AUDIT.defaultName(), "Topic of the outcomes."),
    TOPIC_POLICIES(
            "topic-policies", "NAME", Topic.POLICIES.defaultName(), "Topic of the policies."),
    TOPIC_DEADLETTER(
            "topic-deadletter",
            "NAME",
            Topic.DEADLETTER.defaultName(),
            "Topic of unreadable action records."),
    START_TIMEOUT(
            "start-timeout",
            "DURATION",
            "60s",
            "How long starting may take: reaching Kafka and the cluster, reading the policies"
                    + " and HealingActions.");

    private final String key;
    private final String paramLabel;
    private final String defaultValue;
    private final String description;

    ActuatorOption(String key, String paramLabel, String defaultValue, String description) {
        this.key = key;
        this.paramLabel = paramLabel;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The option's name without dashes, e.g. {@code metrics-port}. */
    public String key() {
        return key;
    }

    /** {@code --key}. */
    public String optionName() {
        return "--" + key;
    }

    /** What its value is, e.g. {@code HOST:PORT}; null for a flag. */
    public String paramLabel() {
        return paramLabel;
    }

    /** A flag takes no value: given means true. */
    public boolean isFlag() {
        return paramLabel == null;
    }

    /** The value when the option is not given; empty when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The option named by {@code key}, e.g. {@code metrics-port}. */
    public static ActuatorOption byKey(String key) {
        for (ActuatorOption option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        throw new IllegalArgumentException("unknown option --" + key);
    }
}

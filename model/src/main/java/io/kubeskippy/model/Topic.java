package io.kubeskippy.model;

/** The topics KubeSkippy reads and writes, with their default names and retention (DESIGN 3). */
public enum Topic {
    METRICS("skippy.metrics", false, "namespace/pod", "MetricSample, one sample per record"),
    PODS("skippy.pods", true, "namespace/pod", "WatchEvent of a v1 Pod; DELETED then a tombstone"),
    EVENTS("skippy.events", false, "namespace/involvedObject.name", "WatchEvent of a v1 Event"),
    POLICIES("skippy.policies", true, "policy name", "HealingPolicy document; null = removed"),
    FINDINGS("skippy.findings", false, "target id", "Finding, suppressed ones included"),
    ACTIONS("skippy.actions", false, "target id", "HealingAction the actuator executes"),
    AUDIT("skippy.audit", false, "action name", "ActionOutcome: what the actuator did and why"),
    DEADLETTER(
            "skippy.deadletter", false, "source topic", "DeadLetter: a record that was unreadable");

    private final String defaultName;
    private final boolean compacted;
    private final String key;
    private final String value;

    Topic(String defaultName, boolean compacted, String key, String value) {
        this.defaultName = defaultName;
        this.compacted = compacted;
        this.key = key;
        this.value = value;
    }

    public String defaultName() {
        return defaultName;
    }

    /** Compacted topics keep the latest value per key; a null value deletes the key. */
    public boolean compacted() {
        return compacted;
    }

    public String keyDescription() {
        return key;
    }

    public String valueDescription() {
        return value;
    }

    /** The suffix used in option names, e.g. {@code --topic-deadletter}. */
    public String optionSuffix() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

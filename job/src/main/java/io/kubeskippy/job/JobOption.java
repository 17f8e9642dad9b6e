package io.kubeskippy.job;

/**
 * Every option of the job, with its key, default and description in one place. {@code skippy job}
 * and {@code skippy replay} take them as {@code --KEY VALUE}; README's job option table is kept in
 * step with this enum by a test.
 */
public enum JobOption {
    KAFKA("kafka", "", "Kafka bootstrap servers, HOST:PORT (required for `skippy job`)."),
    METRIC_STEP(
            "metric-step",
            "15s",
            "Interval of the points metric (threshold) triggers are evaluated on."),
    LATENESS(
            "lateness",
            "30s",
            "How late a sample may arrive behind the newest of its pod and still count."),
    OUT_OF_ORDERNESS(
            "out-of-orderness", "10s", "Bounded out-of-orderness of the sources' watermarks."),
    SOURCE_IDLENESS(
            "source-idleness",
            "30s",
            "A source partition without records for this long stops holding back event time."),
    IDLE_TTL(
            "idle-ttl",
            "1h",
            "State of a (target, trigger) that sees no input for this long is cleared."),
    CHECKPOINT_INTERVAL(
            "checkpoint-interval",
            "10s",
            "Checkpoint interval; actions are committed to Kafka exactly once per checkpoint."),
    PARALLELISM("parallelism", "2", "Parallelism of the job."),
    ENRICHMENT_CAPACITY(
            "enrichment-capacity",
            "100",
            "Findings being enriched at once (async stage capacity)."),
    ENRICHMENT_TIMEOUT(
            "enrichment-timeout",
            "10s",
            "Time one enrichment may take before the finding goes on without it."),
    START_FROM(
            "start-from",
            "latest",
            "Where a new job (no checkpoint, no committed offsets) starts reading samples, pods and events: earliest or latest. Policies are always read from the start."),
    GROUP_ID("group-id", "kubeskippy-job", "Kafka consumer group of the job's sources."),
    WEB_UI_PORT("web-ui-port", "8081", "Port of the Flink web dashboard (local cluster only)."),
    PROMETHEUS_PORT(
            "prometheus-port",
            "9249",
            "Port of Flink's Prometheus metrics reporter (local cluster only).");

    private final String key;
    private final String defaultValue;
    private final String description;

    JobOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}

package io.kubeskippy.ingest;

import io.kubeskippy.model.Topic;

/**
 * Every option of the ingest process, with its key, value label, default and description in one
 * place. {@code skippy ingest} takes them as {@code --KEY VALUE} (a flag as {@code --KEY});
 * README's ingest option table is kept in step with this enum by a test.
 */
public enum IngestOption {
    KAFKA("kafka", "HOST:PORT", "", "Kafka bootstrap servers (required)."),
    PROMETHEUS(
            "prometheus",
            "URL",
            "",
            "Prometheus to poll through its query API (POST /api/v1/query), e.g."
                    + " http://prometheus:9090. Polls the --queries file and the PromQL metric"
                    + " triggers of the policies."),
    QUERIES(
            "queries",
            "FILE",
            "",
            "YAML file of named PromQL queries evaluated every --step (needs --prometheus)."),
    STEP(
            "step",
            "DURATION",
            "15s",
            "How often every query is evaluated; evaluation times are multiples of it."),
    REMOTE_WRITE_PORT(
            "remote-write-port",
            "N",
            "",
            "Port of the remote_write receiver (POST /api/v1/write). Off unless given; 0 picks a"
                    + " free port."),
    METRICS_PORT(
            "metrics-port", "N", "9301", "Port of /metrics and /healthz; 0 picks a free port."),
    LISTEN_ADDRESS(
            "listen-address",
            "HOST",
            "0.0.0.0",
            "Address the remote_write receiver and /metrics listen on."),
    KUBECONFIG(
            "kubeconfig",
            "FILE",
            "",
            "Kubeconfig file. Without it and without --in-cluster: $KUBECONFIG or ~/.kube/config,"
                    + " else the pod's service account."),
    IN_CLUSTER("in-cluster", null, "false", "Use the pod's service account, not a kubeconfig."),
    NO_KUBERNETES(
            "no-kubernetes",
            null,
            "false",
            "Watch no pods, events or HealingPolicy resources: only Prometheus and policy files."),
    NAMESPACES(
            "namespaces",
            "a,b",
            "",
            "Namespaces whose pods, events and HealingPolicy resources are watched; all when not"
                    + " given."),
    POD_SELECTOR(
            "pod-selector",
            "SELECTOR",
            "",
            "Label selector of the pods watched, e.g. app=shop,tier!=db; events are not"
                    + " filtered."),
    POLICIES(
            "policies",
            "DIR",
            "",
            "Directory of HealingPolicy files, validated and published; watched for changes (a"
                    + " ConfigMap mount works)."),
    POLICY_CRS(
            "policy-crs",
            null,
            "false",
            "Publish HealingPolicy custom resources too; a rejected one gets a Warning Event."),
    TOPIC_METRICS("topic-metrics", "NAME", Topic.METRICS.defaultName(), "Topic of the samples."),
    TOPIC_PODS("topic-pods", "NAME", Topic.PODS.defaultName(), "Topic of the pods."),
    TOPIC_EVENTS("topic-events", "NAME", Topic.EVENTS.defaultName(), "Topic of the events."),
    TOPIC_POLICIES(
            "topic-policies", "NAME", Topic.POLICIES.defaultName(), "Topic of the policies."),
    KAFKA_BUFFER(
            "kafka-buffer",
            "BYTES",
            "32Mi",
            "Memory for records waiting for Kafka (the producer's buffer.memory); when it is full"
                    + " a send waits up to --kafka-max-block, then the record is dropped and"
                    + " counted."),
    KAFKA_MAX_BLOCK(
            "kafka-max-block",
            "DURATION",
            "5s",
            "How long a send waits for Kafka metadata or buffer space (max.block.ms)."),
    REMOTE_WRITE_THREADS(
            "remote-write-threads",
            "N",
            "4",
            "remote_write requests handled at once; with the 8 MiB body limit this bounds the"
                    + " receiver's memory."),
    START_TIMEOUT(
            "start-timeout",
            "DURATION",
            "60s",
            "How long starting may take: reaching Kafka, listing pods, events and policies.");

    private final String key;
    private final String paramLabel;
    private final String defaultValue;
    private final String description;

    IngestOption(String key, String paramLabel, String defaultValue, String description) {
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

    /** The option with a value named by {@code key}, e.g. {@code metrics-port}. */
    public static IngestOption byKey(String key) {
        for (IngestOption option : values()) {
            if (option.key.equals(key)) {
                return option;
            }
        }
        throw new IllegalArgumentException("unknown option --" + key);
    }
}

package io.kubeskippy.model.policy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The metric names the original KubeSkippy understood, each mapped to a metric the job derives from
 * the stream (cAdvisor and kube-state-metrics samples joined with pod state). The seed matched
 * names by substring, so {@code container_memory_usage_percent} is {@code memory_usage_percent};
 * longer names are tried first.
 */
public enum BuiltInMetric {
    MEMORY_USAGE_PERCENT(
            "memory_usage_percent",
            "container_memory_working_set_bytes / the container's memory limit x 100"),
    MEMORY_USAGE_BYTES("memory_usage_bytes", "container_memory_working_set_bytes"),
    CPU_USAGE_PERCENT(
            "cpu_usage_percent",
            "rate(container_cpu_usage_seconds_total) / the container's CPU limit x 100"),
    POD_RESTART(
            "pod_restart", "restarts of the pod's containers (containerStatuses[].restartCount)"),
    RESTART_COUNT(
            "restart_count", "restarts of the pod's containers (containerStatuses[].restartCount)"),
    ERROR_RATE_PERCENT(
            "error_rate_percent",
            "rate(http_requests_total{code=~\"5..\"}) / rate(http_requests_total) x 100"),
    ERROR_RATE("error_rate", "rate(http_requests_total{code=~\"5..\"}) per second"),
    AVAILABILITY_PERCENT(
            "availability_percent",
            "100 - error_rate_percent (share of requests answered without a 5xx)"),
    NODE_CPU(
            "node_cpu",
            "the node's CPU use in percent: rate(node_cpu_seconds_total{mode!=\"idle\"}) / cores x 100"),
    MEMORY_USAGE_TREND_5M(
            "memory_usage_trend_5m",
            "least-squares slope of container_memory_working_set_bytes over 5m, in bytes/s"),
    ERROR_RATE_TREND_3M(
            "error_rate_trend_3m",
            "least-squares slope of error_rate over 3m, per second per second"),
    CPU_OSCILLATION_AMPLITUDE_TREND(
            "cpu_oscillation_amplitude_trend",
            "amplitude (half peak-to-trough) of CPU use, in cores, over the last 10m"),
    SYSTEM_HEALTH_SCORE("system_health_score", "the original project only faked it", true),
    CORRELATION_RISK_SCORE("correlation_risk_score", "the original project only faked it", true);

    private static final Pattern BARE_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final String wireName;
    private final String derivation;
    private final boolean inert;

    BuiltInMetric(String wireName, String derivation) {
        this(wireName, derivation, false);
    }

    BuiltInMetric(String wireName, String derivation, boolean inert) {
        this.wireName = wireName;
        this.derivation = derivation;
        this.inert = inert;
    }

    public String wireName() {
        return wireName;
    }

    /** What the job computes for this name. */
    public String derivation() {
        return derivation;
    }

    /** Vague names the original faked: they load, but never fire. */
    public boolean inert() {
        return inert;
    }

    /** Whether {@code query} is a bare metric name rather than a PromQL expression. */
    public static boolean isBareName(String query) {
        return BARE_NAME.matcher(query).matches();
    }

    /** The built-in whose name {@code query} contains (longest first), if any. */
    public static Optional<BuiltInMetric> find(String query) {
        return Arrays.stream(values())
                .sorted(
                        Comparator.comparingInt((BuiltInMetric b) -> b.wireName.length())
                                .reversed())
                .filter(b -> query.contains(b.wireName))
                .findFirst();
    }
}

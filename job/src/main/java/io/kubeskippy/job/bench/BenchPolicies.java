package io.kubeskippy.job.bench;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies of a benchmark: the five shipped ones (memory-leak, cpu-oscillation, crash-loop, the
 * classic memory threshold, repeated-oomkilled), then variants of them as teams would write them:
 * other windows, steps, thresholds, modes and groupings, scoped to a namespace or a tier. The
 * shipped five select every pod; each variant one namespace of five or one tier of three. Beyond
 * {@value #TEMPLATES} policies the variants repeat with a numeric suffix (and so select the same
 * pods again, as overlapping policies would).
 */
public final class BenchPolicies {

    /** Distinct policies before they repeat. */
    public static final int TEMPLATES = 20;

    private BenchPolicies() {}

    /** {@code count} policies as the job's policy stream carries them, by name. */
    public static Map<String, PolicyUpdate> of(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("policies must be >= 1, got " + count);
        }
        Map<String, PolicyUpdate> updates = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String suffix = i < TEMPLATES ? "" : "-" + (i / TEMPLATES);
            String yaml = template(i % TEMPLATES, suffix);
            PolicyFile file =
                    PolicyReader.readText(
                            "bench-" + i + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
            file.diagnostics().stream()
                    .filter(Diagnostic::isError)
                    .map(Diagnostic::format)
                    .forEach(errors::add);
            for (PolicyDocument doc : file.documents()) {
                if (doc.policy() == null) {
                    continue;
                }
                try {
                    updates.put(
                            doc.policy().name(),
                            PolicyUpdate.of(
                                    doc.policy().name(),
                                    doc.policy().version(),
                                    Json.mapper().writeValueAsString(doc.document()),
                                    0));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("bench policies do not read:\n" + errors);
        }
        return updates;
    }

    private static String ns(int i) {
        return "bench-" + i;
    }

    /** The i-th policy template as YAML. */
    static String template(int i, String suffix) {
        return switch (i) {
            case 0 ->
                    policy(
                            "memory-leak" + suffix,
                            "resources: [{kind: Pod}]",
                            "workload",
                            """
                            - name: memory-growth
                              type: trend
                              cooldownPeriod: 15m
                              trendTrigger:
                                metric: container_memory_working_set_bytes
                                pattern: growth
                                relativeTo: limit
                                horizon: 15m
                                window: 10m
                                step: 15s
                                minR2: 0.8
                                startupGrace: 2m
                            """,
                            "restart",
                            "automatic");
            case 1 ->
                    policy(
                            "cpu-oscillation" + suffix,
                            "resources: [{kind: Pod}]",
                            "workload",
                            """
                            - name: cpu-swings
                              type: trend
                              cooldownPeriod: 20m
                              trendTrigger:
                                metric: container_cpu_usage_seconds_total
                                counter: true
                                pattern: oscillation
                                window: 10m
                                step: 10s
                                minCycles: 3
                                minAmplitude: 200m
                                period: {min: 30s, max: 5m}
                            """,
                            "scale",
                            "automatic");
            case 2 ->
                    policy(
                            "crash-loop" + suffix,
                            "resources: [{kind: Pod}]",
                            "pod",
                            events("back-off", "BackOff", 3, "5m", "10m"),
                            "delete",
                            "automatic");
            case 3 ->
                    policy(
                            "classic-memory-threshold" + suffix,
                            "resources: [{kind: Pod}]",
                            "pod",
                            threshold("high-memory-usage", "memory_usage_percent", 90, "2m"),
                            "restart",
                            "dryrun");
            case 4 ->
                    policy(
                            "repeated-oomkilled" + suffix,
                            "resources: [{kind: Pod}]",
                            "workload",
                            """
                            - name: oom-again
                              type: sequence
                              cooldownPeriod: 30m
                              sequenceTrigger:
                                steps:
                                  - name: first-oom
                                    event: {reason: OOMKilling, type: Warning}
                                  - name: second-oom
                                    event: {reason: OOMKilling, type: Warning}
                                within: 30m
                            """,
                            "patch",
                            "automatic");
            case 5 ->
                    policy(
                            "memory-leak-pods-" + ns(0) + suffix,
                            "namespaces: [" + ns(0) + "]\n  resources: [{kind: Pod}]",
                            "pod",
                            growth("5m", "15s", "horizon: 10m", 0.8),
                            "restart",
                            "automatic");
            case 6 ->
                    policy(
                            "memory-leak-slow-web" + suffix,
                            tier("web"),
                            "workload",
                            growth("20m", "30s", "horizon: 30m", 0.85),
                            "restart",
                            "manual");
            case 7 ->
                    policy(
                            "memory-growth-rate-" + ns(1) + suffix,
                            "namespaces: [" + ns(1) + "]\n  resources: [{kind: Pod}]",
                            "workload",
                            growth("10m", "15s", "minSlope: 100Ki", 0.8),
                            "restart",
                            "automatic");
            case 8 ->
                    policy(
                            "memory-threshold-80-api" + suffix,
                            tier("api"),
                            "pod",
                            threshold("memory-over-80", "memory_usage_percent", 80, "5m"),
                            "restart",
                            "monitor");
            case 9 ->
                    policy(
                            "memory-bytes-" + ns(2) + suffix,
                            "namespaces: [" + ns(2) + "]\n  resources: [{kind: Pod}]",
                            "pod",
                            threshold("memory-over-1536Mi", "memory_usage_bytes", 1610612736, "1m"),
                            "restart",
                            "dryrun");
            case 10 ->
                    policy(
                            "cpu-threshold-worker" + suffix,
                            tier("worker"),
                            "pod",
                            threshold("cpu-over-95", "cpu_usage_percent", 95, "3m"),
                            "scale",
                            "automatic");
            case 11 ->
                    policy(
                            "memory-slope-" + ns(3) + suffix,
                            "namespaces: [" + ns(3) + "]\n  resources: [{kind: Pod}]",
                            "pod",
                            threshold("memory-rising", "memory_usage_trend_5m", 200000, "2m"),
                            "restart",
                            "automatic");
            case 12 ->
                    policy(
                            "cpu-oscillation-api" + suffix,
                            tier("api"),
                            "workload",
                            """
                            - name: cpu-swings
                              type: trend
                              cooldownPeriod: 20m
                              trendTrigger:
                                metric: container_cpu_usage_seconds_total
                                counter: true
                                pattern: oscillation
                                window: 6m
                                step: 15s
                                minCycles: 2
                                minAmplitude: 150m
                                period: {min: 1m, max: 3m}
                            """,
                            "scale",
                            "automatic");
            case 13 ->
                    policy(
                            "crash-loop-strict-" + ns(4) + suffix,
                            "namespaces: [" + ns(4) + "]\n  resources: [{kind: Pod}]",
                            "pod",
                            events("back-off", "BackOff", 5, "10m", "30m"),
                            "delete",
                            "automatic");
            case 14 ->
                    policy(
                            "probe-failures-web" + suffix,
                            tier("web"),
                            "pod",
                            events("unhealthy", "Unhealthy", 10, "5m", "15m"),
                            "restart",
                            "automatic");
            case 15 ->
                    policy(
                            "oom-killed-worker" + suffix,
                            tier("worker"),
                            "workload",
                            events("oom-killed", "OOMKilling", 1, "5m", "30m"),
                            "patch",
                            "automatic");
            case 16 ->
                    policy(
                            "memory-leak-" + ns(3) + "-" + ns(4) + suffix,
                            "namespaces: ["
                                    + ns(3)
                                    + ", "
                                    + ns(4)
                                    + "]\n  resources: [{kind: Pod}]",
                            "workload",
                            growth("15m", "30s", "horizon: 20m", 0.8),
                            "restart",
                            "automatic");
            case 17 ->
                    policy(
                            "memory-threshold-95-web" + suffix,
                            tier("web"),
                            "pod",
                            threshold("memory-over-95", "memory_usage_percent", 95, "1m"),
                            "restart",
                            "automatic");
            case 18 ->
                    policy(
                            "memory-leak-worker" + suffix,
                            tier("worker"),
                            "pod",
                            growth("10m", "15s", "horizon: 15m", 0.9),
                            "restart",
                            "automatic");
            case 19 ->
                    policy(
                            "cpu-oscillation-" + ns(0) + "-" + ns(1) + suffix,
                            "namespaces: ["
                                    + ns(0)
                                    + ", "
                                    + ns(1)
                                    + "]\n  resources: [{kind: Pod}]",
                            "workload",
                            """
                            - name: cpu-swings
                              type: trend
                              cooldownPeriod: 20m
                              trendTrigger:
                                metric: container_cpu_usage_seconds_total
                                counter: true
                                pattern: oscillation
                                window: 10m
                                step: 15s
                                minCycles: 3
                                minAmplitude: 200m
                                period: {min: 30s, max: 5m}
                            """,
                            "scale",
                            "automatic");
            default -> throw new IllegalArgumentException("no template " + i);
        };
    }

    private static String tier(String tier) {
        return "labelSelector: {matchLabels: {tier: " + tier + "}}\n  resources: [{kind: Pod}]";
    }

    private static String growth(String window, String step, String rate, double minR2) {
        return """
                - name: memory-growth
                  type: trend
                  cooldownPeriod: 15m
                  trendTrigger:
                    metric: container_memory_working_set_bytes
                    pattern: growth
                    %s
                    window: %s
                    step: %s
                    minR2: %s
                    startupGrace: 2m
                """
                .formatted(
                        rate.startsWith("horizon") ? "relativeTo: limit\n    " + rate : rate,
                        window,
                        step,
                        minR2);
    }

    private static String threshold(String name, String query, double threshold, String duration) {
        return """
                - name: %s
                  type: metric
                  cooldownPeriod: 10m
                  metricTrigger:
                    query: %s
                    threshold: %s
                    operator: ">"
                    duration: %s
                """
                .formatted(name, query, threshold, duration);
    }

    private static String events(
            String name, String reason, int count, String window, String cooldown) {
        return """
                - name: %s
                  type: event
                  cooldownPeriod: %s
                  eventTrigger:
                    reason: %s
                    type: Warning
                    count: %d
                    window: %s
                """
                .formatted(name, cooldown, reason, count, window);
    }

    private static String policy(
            String name,
            String selector,
            String groupBy,
            String triggers,
            String action,
            String mode) {
        return """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: %s
                spec:
                  selector:
                    %s
                  groupBy: %s
                  triggers:
                %s
                  actions:
                %s
                  mode: %s
                """
                .formatted(
                        name,
                        selector.replace("\n  ", "\n    "),
                        groupBy,
                        triggers.indent(4).stripTrailing(),
                        action(action).indent(4).stripTrailing(),
                        mode);
    }

    private static String action(String type) {
        return switch (type) {
            case "restart" ->
                    """
                    - name: restart
                      type: restart
                      restartAction: {strategy: rolling}
                    """;
            case "scale" ->
                    """
                    - name: scale-out
                      type: scale
                      scaleAction: {direction: up, replicas: 1, minReplicas: 1, maxReplicas: 6}
                    """;
            case "delete" ->
                    """
                    - name: delete-pod
                      type: delete
                    """;
            case "patch" ->
                    """
                    - name: raise-memory-limit
                      type: patch
                      patchAction:
                        resources:
                          memory: {factor: 1.5, max: 4Gi}
                    """;
            default -> throw new IllegalArgumentException(type);
        };
    }
}

package io.kubeskippy.job.source;

import io.kubeskippy.model.policy.BuiltInMetric;
import io.kubeskippy.model.policy.MetricQuery;
import io.kubeskippy.model.policy.TrendTrigger;
import io.kubeskippy.model.policy.Trigger;
import java.time.Duration;
import java.util.Map;

/**
 * Which samples feed a trigger and how they become its values: the sample name and label matchers,
 * whether it is a counter, which container limit it is measured against, and the transform (raw,
 * percent of the limit, slope or amplitude over a window). Pure.
 *
 * @param source where values come from: samples, or the pod's restart count
 * @param window for SLOPE and AMPLITUDE: the window they are computed over
 */
public record MetricBinding(
        Source source,
        String sampleName,
        Map<String, String> labels,
        boolean counter,
        Limit limit,
        Transform transform,
        Duration window) {

    /** Where a trigger's values come from. */
    public enum Source {
        SAMPLES,
        RESTARTS
    }

    /** Which container limit a value is measured against. */
    public enum Limit {
        NONE,
        MEMORY,
        CPU
    }

    /** How a metric trigger's value is derived from the points. */
    public enum Transform {
        RAW,
        PERCENT_OF_LIMIT,
        SLOPE,
        AMPLITUDE
    }

    public static final String MEMORY_WORKING_SET = "container_memory_working_set_bytes";
    public static final String CPU_USAGE_SECONDS = "container_cpu_usage_seconds_total";

    /** The binding of a trend or metric trigger, or null when nothing feeds it (inert). */
    public static MetricBinding of(String policy, Trigger trigger) {
        return switch (trigger.type()) {
            case TREND -> trend(trigger.trendTrigger());
            case METRIC -> metric(policy, trigger);
            default -> null;
        };
    }

    private static MetricBinding trend(TrendTrigger t) {
        String name = t.metric().name();
        Limit limit =
                name.contains("memory")
                        ? Limit.MEMORY
                        : name.contains("cpu") ? Limit.CPU : Limit.NONE;
        return new MetricBinding(
                Source.SAMPLES,
                name,
                t.metric().labels(),
                t.counter(),
                limit,
                Transform.RAW,
                t.window());
    }

    private static MetricBinding metric(String policy, Trigger trigger) {
        MetricQuery q = trigger.metricTrigger().classified();
        if (q.kind() == MetricQuery.Kind.PROMQL) {
            return new MetricBinding(
                    Source.SAMPLES,
                    MetricQuery.sampleName(policy, trigger.name()),
                    Map.of(),
                    false,
                    Limit.NONE,
                    Transform.RAW,
                    null);
        }
        if (q.kind() != MetricQuery.Kind.BUILT_IN) {
            return null;
        }
        BuiltInMetric b = q.builtIn();
        return switch (b) {
            case MEMORY_USAGE_PERCENT ->
                    samples(
                            MEMORY_WORKING_SET,
                            false,
                            Limit.MEMORY,
                            Transform.PERCENT_OF_LIMIT,
                            null);
            case MEMORY_USAGE_BYTES ->
                    samples(MEMORY_WORKING_SET, false, Limit.MEMORY, Transform.RAW, null);
            case CPU_USAGE_PERCENT ->
                    samples(CPU_USAGE_SECONDS, true, Limit.CPU, Transform.PERCENT_OF_LIMIT, null);
            case POD_RESTART, RESTART_COUNT ->
                    new MetricBinding(
                            Source.RESTARTS,
                            null,
                            Map.of(),
                            false,
                            Limit.NONE,
                            Transform.RAW,
                            null);
            case MEMORY_USAGE_TREND_5M ->
                    samples(
                            MEMORY_WORKING_SET,
                            false,
                            Limit.MEMORY,
                            Transform.SLOPE,
                            Duration.ofMinutes(5));
            case CPU_OSCILLATION_AMPLITUDE_TREND ->
                    samples(
                            CPU_USAGE_SECONDS,
                            true,
                            Limit.CPU,
                            Transform.AMPLITUDE,
                            Duration.ofMinutes(10));
            // Not derived yet: they load and stay inert (README lists them).
            case ERROR_RATE,
                    ERROR_RATE_PERCENT,
                    AVAILABILITY_PERCENT,
                    NODE_CPU,
                    ERROR_RATE_TREND_3M,
                    SYSTEM_HEALTH_SCORE,
                    CORRELATION_RISK_SCORE ->
                    null;
        };
    }

    private static MetricBinding samples(
            String name, boolean counter, Limit limit, Transform transform, Duration window) {
        return new MetricBinding(Source.SAMPLES, name, Map.of(), counter, limit, transform, window);
    }

    /** Whether a sample of this name and labels feeds the trigger. */
    public boolean accepts(String name, Map<String, String> sampleLabels) {
        if (source != Source.SAMPLES || !sampleName.equals(name)) {
            return false;
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!e.getValue().equals(sampleLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The container's limit this binding measures against, 0 if none. */
    public double limitOf(ContainerState container) {
        if (container == null) {
            return 0;
        }
        return switch (limit) {
            case MEMORY -> container.memoryLimitBytes;
            case CPU -> container.cpuLimitCores;
            case NONE -> 0;
        };
    }
}

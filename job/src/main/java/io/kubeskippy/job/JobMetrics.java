package io.kubeskippy.job;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * The job's own metrics live under a {@code kubeskippy} group, so Flink's Prometheus reporter names
 * them {@code flink_taskmanager_job_task_operator_kubeskippy_<name>} (with the operator as a label)
 * next to Flink's own.
 */
public final class JobMetrics {

    private JobMetrics() {}

    public static MetricGroup group(RuntimeContext context) {
        return context.getMetricGroup().addGroup("kubeskippy");
    }
}

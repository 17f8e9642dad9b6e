package io.kubeskippy.actuator;

import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.model.record.ActionOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/**
 * The actuator's metrics, prefixed {@code kubeskippy_actuator_}: actions by type and outcome,
 * blocks by reason, execution and decision latency, approvals pending, the storm breaker.
 */
public final class ActuatorMetrics {

    static final String PREFIX = "kubeskippy_actuator_";

    private static final double[] EXECUTION_BUCKETS = {
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600
    };
    private static final double[] HEAL_BUCKETS = {
        1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 1800, 3600
    };
    private static final double[] OUTCOME_BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 60, 300
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter actions;
    private final Counter blocked;
    private final Counter deadLetters;
    private final Counter stormTrips;
    private final Counter errors;
    private final Histogram execution;
    private final Histogram outcomeLatency;
    private final Histogram timeToHeal;

    public ActuatorMetrics() {
        actions =
                Counter.builder()
                        .name(PREFIX + "actions")
                        .help(
                                "Actions handled, by action type and outcome (Succeeded, Failed,"
                                        + " Blocked, DryRun, AwaitingApproval, Duplicate).")
                        .labelNames("type", "outcome")
                        .register(registry);
        blocked =
                Counter.builder()
                        .name(PREFIX + "blocked")
                        .help("Actions blocked, by the rule or refusal that blocked them.")
                        .labelNames("reason")
                        .register(registry);
        deadLetters =
                Counter.builder()
                        .name(PREFIX + "dead_letters")
                        .help("Unreadable action records sent to the dead-letter topic.")
                        .register(registry);
        stormTrips =
                Counter.builder()
                        .name(PREFIX + "storm_breaker_trips")
                        .help(
                                "Times the storm breaker opened: cluster (too many targets) or"
                                        + " workload (too many pods of one workload).")
                        .labelNames("scope")
                        .register(registry);
        errors =
                Counter.builder()
                        .name(PREFIX + "errors")
                        .help(
                                "Errors by component: kubernetes (API calls that failed and were"
                                        + " retried), events (Events not recorded), kafka.")
                        .labelNames("component")
                        .register(registry);
        execution =
                Histogram.builder()
                        .name(PREFIX + "execution_seconds")
                        .help("Time to act on a target and verify the change, by action type.")
                        .labelNames("type")
                        .classicOnly()
                        .classicUpperBounds(EXECUTION_BUCKETS)
                        .register(registry);
        outcomeLatency =
                Histogram.builder()
                        .name(PREFIX + "outcome_seconds")
                        .help(
                                "Time from consuming an action to deciding its outcome, by"
                                        + " outcome.")
                        .labelNames("outcome")
                        .classicOnly()
                        .classicUpperBounds(OUTCOME_BUCKETS)
                        .register(registry);
        timeToHeal =
                Histogram.builder()
                        .name(PREFIX + "time_to_heal_seconds")
                        .help(
                                "Time from the detection (spec.detection.detectedAt: the event"
                                        + " time of the evidence that completed the pattern) to"
                                        + " the change verified, for actions that Succeeded, by"
                                        + " action type.")
                        .labelNames("type")
                        .classicOnly()
                        .classicUpperBounds(HEAL_BUCKETS)
                        .register(registry);
    }

    /** Registers the gauges read from the running process. */
    void gauges(
            DoubleSupplier approvalsPending, DoubleSupplier stormOpen, DoubleSupplier policies) {
        GaugeWithCallback.builder()
                .name(PREFIX + "approvals_pending")
                .help("Actions waiting for approval.")
                .callback(cb -> cb.call(approvalsPending.getAsDouble()))
                .register(registry);
        GaugeWithCallback.builder()
                .name(PREFIX + "storm_breaker_open")
                .help("1 while the cluster-wide storm breaker is open, else 0.")
                .callback(cb -> cb.call(stormOpen.getAsDouble()))
                .register(registry);
        GaugeWithCallback.builder()
                .name(PREFIX + "policies")
                .help("Policies known from the policy topic.")
                .callback(cb -> cb.call(policies.getAsDouble()))
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    void outcome(String type, ActionOutcome.Phase phase, double seconds) {
        actions.labelValues(type, phase.name()).inc();
        outcomeLatency.labelValues(phase.name()).observe(seconds);
    }

    void blocked(BlockReason reason) {
        blocked.labelValues(reason.label()).inc();
    }

    void deadLetter() {
        deadLetters.inc();
    }

    void stormTrip(String scope) {
        stormTrips.labelValues(scope).inc();
    }

    void error(String component) {
        errors.labelValues(component).inc();
    }

    void execution(String type, double seconds) {
        execution.labelValues(type).observe(seconds);
    }

    void timeToHeal(String type, double seconds) {
        timeToHeal.labelValues(type).observe(seconds);
    }

    /** Actions of {@code type} that ended in {@code phase}. */
    public long actions(String type, ActionOutcome.Phase phase) {
        return (long) actions.labelValues(type, phase.name()).get();
    }

    public long blocked(String reasonLabel) {
        return (long) blocked.labelValues(reasonLabel).get();
    }

    public long stormTrips(String scope) {
        return (long) stormTrips.labelValues(scope).get();
    }
}

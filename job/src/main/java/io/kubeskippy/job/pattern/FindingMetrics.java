package io.kubeskippy.job.pattern;

import io.kubeskippy.model.record.Finding;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

/**
 * What the finding stage measures, under the job's {@code kubeskippy} group:
 *
 * <ul>
 *   <li>{@code findings{policy,pattern}} and {@code findingsSuppressed{policy,pattern,suppressed}}:
 *       counters of the findings emitted (the suppression reason with {@code _} for spaces).
 *   <li>{@code detectionLatencyMs}: histogram over unsuppressed findings of the wall-clock time
 *       from the finding's {@code detectedAt} (the event time of the evidence that completed the
 *       pattern) to the finding leaving this stage. Live, it includes the waits the configuration
 *       sets in event time (the trigger's step, the lateness, the out-of-orderness).
 *   <li>{@code projectedLimitAtSeconds{policy,target}}: for each target whose latest finding
 *       carried a forecast ({@code evidence.projectedLimitAt} of a growth finding), when that
 *       forecast reaches the limit, in Unix seconds. Bounded: the {@link #MAX_FORECASTS} (policy,
 *       target) pairs updated last in this subtask; an older one is unregistered, so its series
 *       goes away.
 * </ul>
 *
 * Not thread-safe: called from the task thread only (the reporter reads volatile values).
 */
final class FindingMetrics {

    /** (policy, target) pairs with a forecast gauge, per subtask. */
    static final int MAX_FORECASTS = 200;

    private final MetricGroup group;
    private final LongSupplier clock;
    private final Histogram detectionLatency;
    private final Map<String, Counter> counters = new HashMap<>();
    private final Map<String, Forecast> forecasts = new LinkedHashMap<>();

    /**
     * @param group the job's {@code kubeskippy} group of this operator
     * @param clock wall clock, epoch milliseconds
     */
    FindingMetrics(MetricGroup group, LongSupplier clock) {
        this.group = group;
        this.clock = clock;
        this.detectionLatency =
                group.histogram("detectionLatencyMs", new DescriptiveStatisticsHistogram(1000));
    }

    /** Records a finding that is emitted, suppressed or not. */
    void emitted(Finding finding) {
        String suppressed = finding.suppressed();
        counters.computeIfAbsent(
                        finding.policy() + "|" + finding.pattern() + "|" + suppressed,
                        k -> {
                            MetricGroup g =
                                    group.addGroup("policy", finding.policy())
                                            .addGroup("pattern", finding.pattern());
                            return suppressed == null
                                    ? g.counter("findings")
                                    : g.addGroup("suppressed", suppressed.replace(' ', '_'))
                                            .counter("findingsSuppressed");
                        })
                .inc();
        if (finding.suppressed() == null) {
            detectionLatency.update(
                    Math.max(0, clock.getAsLong() - finding.detectedAt().toEpochMilli()));
        }
        Object at = finding.evidence().get("projectedLimitAt");
        if (at instanceof Number n && Double.isFinite(n.doubleValue())) {
            forecast(finding.policy(), finding.target().id(), n.doubleValue() / 1000.0);
        }
    }

    private void forecast(String policy, String target, double seconds) {
        String key = policy + "|" + target;
        Forecast f = forecasts.remove(key);
        if (f == null) {
            f = new Forecast(group.addGroup("policy", policy).addGroup("target", target));
        }
        f.seconds = seconds;
        forecasts.put(key, f); // last updated last
        Iterator<Forecast> oldest = forecasts.values().iterator();
        while (forecasts.size() > MAX_FORECASTS) {
            oldest.next().close();
            oldest.remove();
        }
    }

    Histogram detectionLatency() {
        return detectionLatency;
    }

    /** The forecast gauge of a pair, for tests; null when there is none. */
    Double forecastSeconds(String policy, String target) {
        Forecast f = forecasts.get(policy + "|" + target);
        return f == null ? null : f.seconds;
    }

    int forecasts() {
        return forecasts.size();
    }

    private static final class Forecast {
        private final MetricGroup group;
        private volatile double seconds;

        Forecast(MetricGroup group) {
            this.group = group;
            group.gauge("projectedLimitAtSeconds", (Gauge<Double>) () -> seconds);
        }

        /** Unregisters the gauge: Flink groups close only through the runtime's class. */
        void close() {
            if (group instanceof AbstractMetricGroup<?> g) {
                g.close();
            }
        }
    }
}

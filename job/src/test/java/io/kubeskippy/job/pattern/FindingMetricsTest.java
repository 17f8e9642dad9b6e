package io.kubeskippy.job.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.metrics.NoOpMetricRegistry;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.GenericMetricGroup;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The finding stage's detection latency and forecast gauges, registered in a real Flink metric
 * group tree whose registry records what a reporter would see.
 */
class FindingMetricsTest {

    private static final long T0 = 1_763_800_000_000L;
    private static final String LEAK = "memory-leak";
    private static final String GAUGE = "projectedLimitAtSeconds";

    /** What a reporter would export: metric name with its variables (labels) -> metric. */
    static final class RecordingRegistry extends NoOpMetricRegistry {
        final Map<String, Metric> live = new ConcurrentHashMap<>();

        @Override
        public void register(Metric metric, String name, AbstractMetricGroup<?> group) {
            live.put(id(name, group.getAllVariables()), metric);
        }

        @Override
        public void unregister(Metric metric, String name, AbstractMetricGroup<?> group) {
            live.remove(id(name, group.getAllVariables()));
        }

        static String id(String name, Map<String, String> variables) {
            return name + new TreeMap<>(variables);
        }

        /** The forecast gauge of a pair, as a reporter reads it; null when not registered. */
        Double forecast(String policy, String target) {
            Metric m = live.get(id(GAUGE, Map.of("<policy>", policy, "<target>", target)));
            return m == null ? null : (Double) ((Gauge<?>) m).getValue();
        }

        long gauges() {
            return live.keySet().stream().filter(k -> k.startsWith(GAUGE + "{")).count();
        }
    }

    private final AtomicLong now = new AtomicLong(T0);
    private RecordingRegistry registry;
    private FindingMetrics metrics;

    @BeforeEach
    void setUp() {
        registry = new RecordingRegistry();
        metrics =
                new FindingMetrics(new GenericMetricGroup(registry, null, "kubeskippy"), now::get);
    }

    private static Finding finding(String target, long detectedAt, Map<String, Object> evidence) {
        return new Finding(
                "f-" + target + "-" + detectedAt,
                LEAK,
                "memory-growth",
                new ResourceRef("apps/v1", "Deployment", "shop", target, null),
                "growth",
                Instant.ofEpochMilli(detectedAt - 600_000),
                Instant.ofEpochMilli(detectedAt),
                evidence,
                null);
    }

    @Test
    void measuresDetectionLatencyOfUnsuppressedFindingsFromTheirDetectedAt() {
        now.set(T0 + 65_000);
        metrics.emitted(finding("leaky", T0 + 60_000, Map.of()));
        metrics.emitted(finding("leaky", T0 + 30_000, Map.of()).suppress("cooldown"));

        assertThat(metrics.detectionLatency().getCount()).isEqualTo(1);
        assertThat(metrics.detectionLatency().getStatistics().getMax()).isEqualTo(5_000);
        assertThat(registry.live).containsKey(RecordingRegistry.id("detectionLatencyMs", Map.of()));
    }

    @Test
    void exportsTheLatestForecastOfEachPolicyAndTarget() {
        metrics.emitted(finding("leaky", T0, Map.of("projectedLimitAt", T0 + 900_000L)));
        assertThat(registry.forecast(LEAK, "Deployment/shop/leaky"))
                .isEqualTo((T0 + 900_000) / 1000.0);

        // a suppressed finding still carries the job's newest forecast
        metrics.emitted(
                finding("leaky", T0 + 60_000, Map.of("projectedLimitAt", T0 + 840_000.0))
                        .suppress("cooldown"));
        assertThat(registry.forecast(LEAK, "Deployment/shop/leaky"))
                .isEqualTo((T0 + 840_000) / 1000.0);
        assertThat(registry.gauges()).isEqualTo(1);
    }

    @Test
    void countsFindingsByPolicyAndPatternAndSuppressedOnesByReason() {
        metrics.emitted(finding("leaky", T0, Map.of()));
        metrics.emitted(finding("leaky", T0 + 1, Map.of()));
        metrics.emitted(finding("leaky", T0 + 2, Map.of()).suppress("policy changed"));

        Map<String, String> labels = Map.of("<policy>", LEAK, "<pattern>", "growth");
        assertThat(registry.live.get(RecordingRegistry.id("findings", labels)))
                .isInstanceOfSatisfying(Counter.class, c -> assertThat(c.getCount()).isEqualTo(2));
        Map<String, String> suppressed = new java.util.HashMap<>(labels);
        suppressed.put("<suppressed>", "policy_changed");
        assertThat(registry.live.get(RecordingRegistry.id("findingsSuppressed", suppressed)))
                .isInstanceOfSatisfying(Counter.class, c -> assertThat(c.getCount()).isEqualTo(1));
    }

    @Test
    void findingsWithoutAForecastRegisterNoGauge() {
        metrics.emitted(finding("leaky", T0, Map.of("amplitude", 0.4)));
        assertThat(registry.gauges()).isZero();
        assertThat(metrics.forecasts()).isZero();
    }

    @Test
    void keepsTheTargetsUpdatedLastAndUnregistersOlderOnes() {
        int n = FindingMetrics.MAX_FORECASTS + 1;
        for (int i = 0; i < n; i++) {
            metrics.emitted(finding("app-" + i, T0 + i, Map.of("projectedLimitAt", T0 + 1e6)));
        }
        assertThat(registry.gauges()).isEqualTo(FindingMetrics.MAX_FORECASTS);
        assertThat(metrics.forecasts()).isEqualTo(FindingMetrics.MAX_FORECASTS);
        assertThat(registry.forecast(LEAK, "Deployment/shop/app-0")).isNull();
        assertThat(registry.forecast(LEAK, "Deployment/shop/app-1")).isNotNull();

        // app-1 is updated, so app-2 is now the oldest; app-0 comes back with a new gauge
        metrics.emitted(finding("app-1", T0 + n, Map.of("projectedLimitAt", T0 + 2e6)));
        metrics.emitted(finding("app-0", T0 + n + 1, Map.of("projectedLimitAt", T0 + 3e6)));
        assertThat(registry.forecast(LEAK, "Deployment/shop/app-0")).isEqualTo((T0 + 3e6) / 1000.0);
        assertThat(registry.forecast(LEAK, "Deployment/shop/app-1")).isEqualTo((T0 + 2e6) / 1000.0);
        assertThat(registry.forecast(LEAK, "Deployment/shop/app-2")).isNull();
        assertThat(registry.gauges()).isEqualTo(FindingMetrics.MAX_FORECASTS);
    }
}

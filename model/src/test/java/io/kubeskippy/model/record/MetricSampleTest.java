package io.kubeskippy.model.record;

import static io.kubeskippy.model.RecordFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.model.RecordFixtures;
import io.kubeskippy.model.serde.RecordCodec;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MetricSample keys and the samples it refuses to be. */
class MetricSampleTest {

    @Test
    void keysAPodSampleByNamespaceAndPod() {
        MetricSample sample =
                RecordCodec.metricSamples()
                        .decodeOrThrow(RecordFixtures.bytes("records/metric-sample-memory.json"));

        assertThat(sample.key()).isEqualTo(RecordFixtures.CART_POD_KEY);
        assertThat(sample.label(MetricSample.CONTAINER_LABEL)).isEqualTo("app");
    }

    @Test
    void keysASampleOfNoPodByMetricName() {
        MetricSample node =
                RecordCodec.metricSamples()
                        .decodeOrThrow(RecordFixtures.bytes("records/metric-sample-node.json"));
        MetricSample namespaceOnly =
                new MetricSample(
                        "kube_resourcequota", Map.of("namespace", "shop"), T0.toEpochMilli(), 4);

        assertThat(node.key()).isEqualTo("node_memory_MemAvailable_bytes");
        assertThat(namespaceOnly.key()).isEqualTo("kube_resourcequota");
    }

    @Test
    void refusesNonFiniteValues() {
        for (double value :
                new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> new MetricSample("up", Map.of(), T0.toEpochMilli(), value))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("value must be finite, got ");
        }
    }

    @Test
    void refusesPrometheusStalenessMarker() {
        double staleNaN = Double.longBitsToDouble(0x7ff0000000000002L);

        assertThatThrownBy(() -> new MetricSample("up", Map.of(), T0.toEpochMilli(), staleNaN))
                .hasMessageContaining("staleness markers");
    }

    @Test
    void refusesLabelWithoutValue() {
        Map<String, String> labels = new HashMap<>();
        labels.put("pod", null);

        assertThatThrownBy(() -> new MetricSample("up", labels, T0.toEpochMilli(), 1))
                .hasMessage("labels must map names to strings; pod has no value");
    }

    @Test
    void keepsCounterValuesAsTheyAre() {
        MetricSample counter =
                RecordCodec.metricSamples()
                        .decodeOrThrow(RecordFixtures.bytes("records/metric-sample-counter.json"));

        assertThat(counter.value()).isEqualTo(18342.917361);
        assertThat(counter.timestampMs()).isEqualTo(1795341315123L);
    }
}

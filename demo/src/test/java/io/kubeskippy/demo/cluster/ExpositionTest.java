package io.kubeskippy.demo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionTest {

    @Test
    void groupsSamplesIntoFamiliesWithHelpAndType() {
        String text =
                Exposition.format(
                        List.of(
                                new Sample(
                                        "container_cpu_usage_seconds_total",
                                        Sample.Type.COUNTER,
                                        "Cumulative cpu time consumed in seconds",
                                        Map.of("pod", "a", "namespace", "demo"),
                                        12.5,
                                        0),
                                new Sample(
                                        "kube_pod_container_status_ready",
                                        Sample.Type.GAUGE,
                                        "Ready",
                                        Map.of("pod", "a"),
                                        1,
                                        0),
                                new Sample(
                                        "container_cpu_usage_seconds_total",
                                        Sample.Type.COUNTER,
                                        "Cumulative cpu time consumed in seconds",
                                        Map.of("pod", "b\"q\\", "namespace", "demo"),
                                        3,
                                        0)));
        assertThat(text)
                .isEqualTo(
                        """
                        # HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds
                        # TYPE container_cpu_usage_seconds_total counter
                        container_cpu_usage_seconds_total{namespace="demo",pod="a"} 12.5
                        container_cpu_usage_seconds_total{namespace="demo",pod="b\\"q\\\\"} 3
                        # HELP kube_pod_container_status_ready Ready
                        # TYPE kube_pod_container_status_ready gauge
                        kube_pod_container_status_ready{pod="a"} 1
                        """);
    }

    @Test
    void writesSpecialValuesAsPrometheusDoes() {
        assertThat(Exposition.value(Double.NaN)).isEqualTo("NaN");
        assertThat(Exposition.value(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(Exposition.value(268435456)).isEqualTo("268435456");
        assertThat(Exposition.value(0.001)).isEqualTo("0.001");
    }
}

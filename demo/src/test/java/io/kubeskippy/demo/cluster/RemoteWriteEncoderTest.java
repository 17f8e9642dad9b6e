package io.kubeskippy.demo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.ingest.remotewrite.RemoteWriteBatch;
import io.kubeskippy.ingest.remotewrite.RemoteWriteDecoder;
import io.kubeskippy.model.record.MetricSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** The demo's hand-written remote write encoder, read back by ingest's decoder. */
class RemoteWriteEncoderTest {

    static final long T0 = 1_763_800_000_000L;

    @Test
    void ingestsDecoderReadsEverySampleWithItsNameLabelsValueAndTime() throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("pod", "memory-leak-app-5d8f7-x2x9z");
        labels.put("namespace", "demo");
        labels.put("container", "app");
        List<Sample> samples =
                List.of(
                        new Sample(
                                "container_memory_working_set_bytes",
                                Sample.Type.GAUGE,
                                "",
                                labels,
                                1.2345e8,
                                T0),
                        new Sample(
                                "container_cpu_usage_seconds_total",
                                Sample.Type.COUNTER,
                                "",
                                labels,
                                0.25,
                                T0 + 5000),
                        new Sample(
                                "kube_pod_container_status_waiting_reason",
                                Sample.Type.GAUGE,
                                "",
                                Map.of("reason", "CrashLoopBackOff", "pod", "ü-ß"),
                                1,
                                T0));

        RemoteWriteBatch batch =
                new RemoteWriteDecoder(1 << 20, 1 << 22).decode(RemoteWriteEncoder.encode(samples));

        assertThat(batch.series()).isEqualTo(3);
        assertThat(batch.dropped()).isEmpty();
        assertThat(batch.samples())
                .containsExactly(
                        new MetricSample(
                                "container_memory_working_set_bytes", labels, T0, 1.2345e8),
                        new MetricSample(
                                "container_cpu_usage_seconds_total", labels, T0 + 5000, 0.25),
                        new MetricSample(
                                "kube_pod_container_status_waiting_reason",
                                Map.of("reason", "CrashLoopBackOff", "pod", "ü-ß"),
                                T0,
                                1));
    }

    @Test
    void labelsAreSortedByNameWithTheMetricNameFirst() {
        byte[] raw =
                RemoteWriteEncoder.writeRequest(
                        List.of(
                                new Sample(
                                        "m",
                                        Sample.Type.GAUGE,
                                        "",
                                        Map.of("pod", "p", "container", "c", "namespace", "n"),
                                        1,
                                        T0)));
        String text = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<Integer> at = new ArrayList<>();
        for (String name : List.of("__name__", "container", "namespace", "pod")) {
            at.add(text.indexOf(name));
        }
        assertThat(at).isSorted().doesNotContain(-1);
    }

    @Test
    void bodyIsSnappyBlockFormat() throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            samples.add(
                    new Sample(
                            "container_memory_working_set_bytes",
                            Sample.Type.GAUGE,
                            "",
                            Map.of("namespace", "demo", "pod", "p" + i, "container", "app"),
                            i,
                            T0));
        }
        byte[] body = RemoteWriteEncoder.encode(samples);
        assertThat(Snappy.isValidCompressedBuffer(body)).isTrue();
        assertThat(Snappy.uncompress(body)).isEqualTo(RemoteWriteEncoder.writeRequest(samples));
        assertThat(body.length).isLessThan(RemoteWriteEncoder.writeRequest(samples).length);
        assertThat(RemoteWriteEncoder.HEADERS)
                .containsEntry("Content-Encoding", "snappy")
                .containsEntry("Content-Type", "application/x-protobuf")
                .containsEntry("X-Prometheus-Remote-Write-Version", "0.1.0");
    }
}

package io.kubeskippy.ingest.remotewrite;

import static io.kubeskippy.ingest.remotewrite.WriteRequests.body;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.request;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.series;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.embedded.PrometheusProcess;
import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.Resources;
import io.kubeskippy.ingest.TestingTopicReader;
import io.kubeskippy.ingest.TestingTopicReader.Received;
import io.kubeskippy.ingest.kafka.KafkaSink;
import io.kubeskippy.ingest.kafka.KafkaSinkOptions;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.MetricSample;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Prometheus remote-writes its own metrics through the receiver into a real Kafka. */
class RemoteWriteITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Topics TOPICS = Topics.defaults();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedKafka kafka;
    private static IngestCounters counters;
    private static KafkaSink sink;
    private static RemoteWriteReceiver receiver;
    private static PrometheusProcess prometheus;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "remote-write-it-");
        kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
        kafka.createTopics(TOPICS, 2);
        counters = new IngestCounters();
        sink = new KafkaSink(KafkaSinkOptions.of(kafka.bootstrapServers()), counters);
        receiver =
                RemoteWriteReceiver.start(
                        RemoteWriteOptions.defaults().withAddress("127.0.0.1", 0),
                        sink.samples(TOPICS.metrics()),
                        counters);
        prometheus =
                PrometheusProcess.builder(dir.resolve("prometheus"))
                        // External labels make every remote-written series belong to a pod.
                        .externalLabel("namespace", "monitoring")
                        .externalLabel("pod", "prometheus-0")
                        .remoteWrite(receiver.url().toString())
                        .start();
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(prometheus, receiver, sink, kafka);
    }

    @Test
    void prometheusSamplesArriveInTheMetricsTopicKeyedByPodWithTheirLabels() {
        try (TestingTopicReader reader =
                new TestingTopicReader(kafka.bootstrapServers(), TOPICS.metrics())) {
            await().atMost(WAIT)
                    .until(
                            () ->
                                    reader.anyMatch(s -> s.name().equals("prometheus_build_info"))
                                            && reader.anyMatch(s -> s.name().equals("up")));

            List<Received> received = reader.samples();
            Received buildInfo =
                    received.stream()
                            .filter(r -> r.sample().name().equals("prometheus_build_info"))
                            .findFirst()
                            .orElseThrow();
            assertThat(buildInfo.key()).isEqualTo("monitoring/prometheus-0");
            assertThat(buildInfo.sample().labels())
                    .containsEntry("job", "prometheus")
                    .containsEntry("instance", prometheus.hostPort())
                    .containsEntry("namespace", "monitoring")
                    .containsEntry("pod", "prometheus-0")
                    .containsKey("version")
                    .doesNotContainKey("__name__");
            assertThat(buildInfo.sample().value()).isEqualTo(1.0);
            MetricSample up =
                    received.stream()
                            .map(Received::sample)
                            .filter(s -> s.name().equals("up"))
                            .findFirst()
                            .orElseThrow();
            assertThat(up.value()).isEqualTo(1.0);
            assertThat(up.timestampMs())
                    .isCloseTo(
                            System.currentTimeMillis(),
                            org.assertj.core.data.Offset.offset(120_000L));
            // One pod's samples share a key, hence a partition.
            assertThat(received).extracting(Received::key).containsOnly("monitoring/prometheus-0");
            assertThat(received)
                    .extracting(Received::partition)
                    .containsOnly(buildInfo.partition());
        }
        assertThat(counters.remoteWriteAccepted()).isPositive();
        assertThat(counters.recordsSent(TOPICS.metrics())).isPositive();
        assertThat(counters.remoteWriteRejected(Rejection.KAFKA_UNAVAILABLE)).isZero();
    }

    @Test
    void malformedBodiesGet400AndWriteNothing() throws Exception {
        // A topic of its own, so that Prometheus' traffic cannot hide a stray record.
        String topic = "skippy.metrics.malformed-" + UUID.randomUUID();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        IngestCounters ownCounters = new IngestCounters();
        byte[] valid =
                body(
                        request(
                                series(
                                        "it_marker",
                                        Map.of("namespace", "it", "pod", "p-1"),
                                        System.currentTimeMillis(),
                                        1)));
        try (KafkaSink ownSink =
                        new KafkaSink(KafkaSinkOptions.of(kafka.bootstrapServers()), ownCounters);
                RemoteWriteReceiver own =
                        RemoteWriteReceiver.start(
                                RemoteWriteOptions.defaults().withAddress("127.0.0.1", 0),
                                ownSink.samples(topic),
                                ownCounters)) {
            byte[][] malformed = {
                "garbage".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(valid, valid.length - 3),
                snappy("no protobuf here".getBytes(StandardCharsets.UTF_8)),
                new byte[0]
            };
            for (byte[] body : malformed) {
                HttpResponse<String> response = post(own, body);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            }
            assertThat(post(own, valid).statusCode()).isEqualTo(204);
        }

        try (TestingTopicReader reader = new TestingTopicReader(kafka.bootstrapServers(), topic)) {
            assertThat(reader.samplesToEnd())
                    .extracting(r -> r.sample().name())
                    .containsExactly("it_marker");
        }
        assertThat(ownCounters.remoteWriteRejected(Rejection.MALFORMED)).isEqualTo(4);
        assertThat(ownCounters.recordsSent(topic)).isEqualTo(1);
    }

    private static HttpResponse<String> post(RemoteWriteReceiver target, byte[] body)
            throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(target.url())
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

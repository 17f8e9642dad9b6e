package io.kubeskippy.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.embedded.PrometheusProcess;
import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.Resources;
import io.kubeskippy.ingest.TestingTopicReader;
import io.kubeskippy.ingest.TestingTopicReader.Received;
import io.kubeskippy.ingest.kafka.KafkaSink;
import io.kubeskippy.ingest.kafka.KafkaSinkOptions;
import io.kubeskippy.model.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The poller evaluates queries on a real Prometheus into a real Kafka, and rides out its restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusPollerITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Topics TOPICS = Topics.defaults();

    private static Path prometheusDir;
    private static EmbeddedKafka kafka;
    private static PrometheusProcess prometheus;
    private static IngestCounters counters;
    private static KafkaSink sink;
    private static PrometheusPoller poller;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "poller-it-");
        prometheusDir = dir.resolve("prometheus");
        kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
        kafka.createTopics(TOPICS, 2);
        prometheus = PrometheusProcess.builder(prometheusDir).start();
        counters = new IngestCounters();
        sink = new KafkaSink(KafkaSinkOptions.of(kafka.bootstrapServers()), counters);
        poller =
                new PrometheusPoller(
                        PrometheusPollerOptions.of(prometheus.baseUrl())
                                .withStep(STEP)
                                .withRequestTimeout(Duration.ofSeconds(2))
                                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
                        List.of(
                                new PrometheusQuery("prom_up", "up"),
                                new PrometheusQuery(
                                        "prom_http_requests",
                                        "sum(prometheus_http_requests_total)")),
                        sink.samples(TOPICS.metrics()),
                        counters);
        poller.start();
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(poller, prometheus, sink, kafka);
    }

    @Test
    @Order(1)
    void samplesArriveInKafkaNamedByTheirQuery() {
        try (TestingTopicReader reader =
                new TestingTopicReader(kafka.bootstrapServers(), TOPICS.metrics())) {
            await().atMost(WAIT)
                    .until(
                            () ->
                                    reader.anyMatch(s -> s.name().equals("prom_up"))
                                            && reader.anyMatch(
                                                    s -> s.name().equals("prom_http_requests")));

            List<Received> received = reader.samples();
            Received up = first(received, "prom_up");
            assertThat(up.sample().labels())
                    .containsEntry("job", "prometheus")
                    .containsEntry("instance", prometheus.hostPort())
                    .doesNotContainKey("__name__");
            assertThat(up.sample().value()).isEqualTo(1.0);
            assertThat(up.sample().timestampMs() % STEP.toMillis()).isZero();
            assertThat(up.key()).isEqualTo("prom_up");
            Received requests = first(received, "prom_http_requests");
            assertThat(requests.sample().labels()).isEmpty();
            assertThat(requests.sample().value()).isPositive();
        }
        assertThat(counters.pollOutages()).isZero();
    }

    @Test
    @Order(2)
    void backsOffWhilePrometheusIsDownCountsTheGapAndRecoversOnItsRestart() {
        int port = prometheus.port();
        long missedBefore = counters.pollMissedEvaluations();
        prometheus.close();

        await().atMost(WAIT)
                .until(
                        () ->
                                poller.inOutage()
                                        && counters.pollMissedEvaluations() >= missedBefore + 3);
        assertThat(poller.isRunning()).isTrue();
        assertThat(counters.pollOutages()).isEqualTo(1);
        long errorsWhileDown = counters.pollErrors();

        prometheus = PrometheusProcess.builder(prometheusDir).port(port).start();
        long restartedAt = System.currentTimeMillis();

        await().atMost(WAIT).until(() -> !poller.inOutage());
        try (TestingTopicReader reader =
                new TestingTopicReader(kafka.bootstrapServers(), TOPICS.metrics())) {
            await().atMost(WAIT)
                    .until(
                            () ->
                                    reader.anyMatch(
                                            s ->
                                                    s.name().equals("prom_up")
                                                            && s.timestampMs() > restartedAt));
        }
        assertThat(counters.pollOutages()).isEqualTo(1);
        assertThat(counters.pollMissedEvaluations()).isGreaterThanOrEqualTo(missedBefore + 3);
        // Backoff: while down, attempts were fewer than the steps that passed.
        assertThat(errorsWhileDown).isPositive();
        assertThat(poller.isRunning()).isTrue();
    }

    private static Received first(List<Received> received, String name) {
        return received.stream()
                .filter(r -> r.sample().name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}

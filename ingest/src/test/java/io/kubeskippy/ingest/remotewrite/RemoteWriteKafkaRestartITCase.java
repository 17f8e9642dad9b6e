package io.kubeskippy.ingest.remotewrite;

import static io.kubeskippy.ingest.remotewrite.WriteRequests.body;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.request;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.Resources;
import io.kubeskippy.ingest.TestingTopicReader;
import io.kubeskippy.ingest.kafka.KafkaSink;
import io.kubeskippy.ingest.kafka.KafkaSinkOptions;
import io.kubeskippy.ingest.remotewrite.proto.TimeSeries;
import io.kubeskippy.model.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stops mid-stream and comes back on the same data dir and port: requests during the
 * outage get 503, and every sample of every request answered 2xx is in the topic exactly once.
 */
class RemoteWriteKafkaRestartITCase {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteKafkaRestartITCase.class);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Topics TOPICS = Topics.defaults();
    private static final int SAMPLES_PER_REQUEST = 10;
    private static final String REQUEST_LABEL = "request";

    private static Path kafkaDir;
    private static int kafkaPort;
    private static EmbeddedKafka kafka;
    private static IngestCounters counters;
    private static KafkaSink sink;
    private static RemoteWriteReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        kafkaDir = Files.createTempDirectory(Path.of("target"), "kafka-restart-it-");
        kafkaPort = freePort();
        kafka = EmbeddedKafka.builder(kafkaDir).port(kafkaPort).start();
        kafka.createTopics(TOPICS, 2);
        counters = new IngestCounters();
        sink =
                new KafkaSink(
                        KafkaSinkOptions.of(kafka.bootstrapServers())
                                .withBounds(
                                        KafkaSinkOptions.DEFAULT_BUFFER_MEMORY_BYTES,
                                        Duration.ofSeconds(1))
                                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3)),
                        counters);
        receiver =
                RemoteWriteReceiver.start(
                        RemoteWriteOptions.defaults()
                                .withAddress("127.0.0.1", 0)
                                .withAckTimeout(Duration.ofSeconds(5)),
                        sink.samples(TOPICS.metrics()),
                        counters);
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(receiver, sink, kafka);
    }

    @Test
    void everySampleAnswered2xxIsInTheTopicAfterTheBrokerComesBack() throws Exception {
        Map<Integer, Integer> statusByRequest = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender =
                new Thread(
                        () -> {
                            HttpClient http = HttpClient.newHttpClient();
                            for (int n = 0; sending.get() && n < 100_000; n++) {
                                statusByRequest.put(n, post(http, n));
                                try {
                                    Thread.sleep(10);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "remote-write-sender");
        sender.setDaemon(true);
        sender.start();
        try {
            await().atMost(WAIT).until(() -> count(statusByRequest, 204) >= 20);

            long closeStart = System.nanoTime();
            kafka.close();
            LOG.info("broker closed in {} ms", (System.nanoTime() - closeStart) / 1_000_000);
            await().atMost(WAIT).until(() -> count(statusByRequest, 503) >= 3);
            int acceptedBeforeRestart = count(statusByRequest, 204);

            long restartStart = System.nanoTime();
            kafka = EmbeddedKafka.builder(kafkaDir).port(kafkaPort).start();
            long restartMs = (System.nanoTime() - restartStart) / 1_000_000;
            await().atMost(WAIT)
                    .until(() -> count(statusByRequest, 204) >= acceptedBeforeRestart + 20);
            LOG.info(
                    "broker restarted in {} ms; first 2xx after restart after {} ms",
                    restartMs,
                    (System.nanoTime() - restartStart) / 1_000_000);
        } finally {
            sending.set(false);
            sender.join(30_000);
        }

        Map<Integer, Long> inTopic;
        try (TestingTopicReader reader =
                new TestingTopicReader(kafka.bootstrapServers(), TOPICS.metrics())) {
            inTopic =
                    reader.samplesToEnd().stream()
                            .collect(
                                    Collectors.groupingBy(
                                            r -> Integer.parseInt(r.sample().label(REQUEST_LABEL)),
                                            TreeMap::new,
                                            Collectors.counting()));
        }
        List<Integer> accepted = requestsWith(statusByRequest, 204);
        List<Integer> refused = requestsWith(statusByRequest, 503);
        LOG.info(
                "{} requests: {} answered 204, {} answered 503; statuses {}",
                statusByRequest.size(),
                accepted.size(),
                refused.size(),
                statusByRequest.values().stream()
                        .collect(
                                Collectors.groupingBy(Function.identity(), Collectors.counting())));

        assertThat(statusByRequest.values()).containsOnly(204, 503);
        assertThat(refused).hasSizeGreaterThanOrEqualTo(3);
        for (int request : accepted) {
            assertThat(inTopic.getOrDefault(request, 0L))
                    .as("samples of request %d, answered 204", request)
                    .isEqualTo(SAMPLES_PER_REQUEST);
        }
        // A refused request may have been written in part (Prometheus would send it again).
        for (int request : refused) {
            assertThat(inTopic.getOrDefault(request, 0L)).isBetween(0L, (long) SAMPLES_PER_REQUEST);
        }
        assertThat(counters.remoteWriteRejected(Rejection.KAFKA_UNAVAILABLE))
                .isEqualTo(refused.size());
        assertThat(counters.remoteWriteAccepted()).isEqualTo(accepted.size());
    }

    /** Posts request {@code n}: samples of three pods, each labelled with {@code n}. */
    private static int post(HttpClient http, int n) {
        return post(http, receiver, n, SAMPLES_PER_REQUEST);
    }

    private static int post(HttpClient http, RemoteWriteReceiver target, int n, int samples) {
        List<TimeSeries> series = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < samples; i++) {
            series.add(
                    series(
                            "container_memory_working_set_bytes",
                            Map.of(
                                    "namespace",
                                    "shop",
                                    "pod",
                                    "cart-" + (i % 3),
                                    "container",
                                    "app",
                                    REQUEST_LABEL,
                                    Integer.toString(n),
                                    "i",
                                    Integer.toString(i)),
                            now,
                            1e8 + i));
        }
        try {
            return http.send(
                            HttpRequest.newBuilder(target.url())
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Encoding", "snappy")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofByteArray(
                                                    body(
                                                            request(
                                                                    series.toArray(
                                                                            TimeSeries[]::new)))))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int count(Map<Integer, Integer> statuses, int status) {
        return (int) statuses.values().stream().filter(s -> s == status).count();
    }

    private static List<Integer> requestsWith(Map<Integer, Integer> statuses, int status) {
        return statuses.entrySet().stream()
                .filter(e -> e.getValue() == status)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}

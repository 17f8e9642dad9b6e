package io.kubeskippy.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.KafkaFailure;
import io.kubeskippy.ingest.Resources;
import io.kubeskippy.ingest.SampleSink;
import io.kubeskippy.ingest.TestingTcpProxy;
import io.kubeskippy.ingest.TestingTopicReader;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.MetricSample;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer against a broker that stalls (behind a paused proxy): memory stays within
 * buffer.memory, sends give up after max.block.ms and the drops are counted; once the broker
 * answers again, what was buffered is delivered.
 */
class KafkaSinkITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSinkITCase.class);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Topics TOPICS = Topics.defaults();
    private static final long T0 = 1_763_800_000_000L;

    private static TestingTcpProxy proxy;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "sink-it-");
        int brokerPort = freePort();
        proxy = new TestingTcpProxy(brokerPort);
        // Clients learn the proxy's address from the broker, so every connection goes through it.
        kafka =
                EmbeddedKafka.builder(dir)
                        .port(brokerPort)
                        .brokerProperty(
                                "advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port())
                        .start();
        kafka.createTopics(TOPICS, 2);
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(kafka, proxy);
    }

    @Test
    void aStalledBrokerFillsTheBoundedBufferThenSendsGiveUpAndDropsAreCounted() throws Exception {
        IngestCounters counters = new IngestCounters();
        KafkaSinkOptions options =
                new KafkaSinkOptions(
                        "127.0.0.1:" + proxy.port(),
                        KafkaSinkOptions.MIN_BUFFER_MEMORY_BYTES,
                        Duration.ofMillis(500),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(90),
                        Duration.ofMillis(5),
                        "none",
                        Map.of());
        try (KafkaSink kafkaSink = new KafkaSink(options, counters)) {
            SampleSink sink = kafkaSink.samples(TOPICS.metrics());
            sink.send(batch(0, 10)).get(60, TimeUnit.SECONDS);

            proxy.paused(true);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            List<Long> tookMs = new ArrayList<>();
            for (int n = 1; n <= 5; n++) {
                long start = System.nanoTime();
                sends.add(sink.send(batch(n, 2_000)));
                tookMs.add((System.nanoTime() - start) / 1_000_000);
            }
            long bufferFull = counters.recordsFailed(TOPICS.metrics(), KafkaFailure.BUFFER_FULL);
            LOG.info(
                    "stalled broker, {}-byte buffer: send() of 2000 samples took {} ms;"
                            + " {} samples dropped as buffer full",
                    KafkaSinkOptions.MIN_BUFFER_MEMORY_BYTES,
                    tookMs,
                    bufferFull);

            assertThat(sends).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
            // Each call waits for one max.block.ms at most, not one per record.
            assertThat(tookMs).allSatisfy(ms -> assertThat(ms).isLessThan(3_000));
            // Nearly all of the 10,000 samples: only what fits in 64 KiB was taken.
            assertThat(bufferFull).isGreaterThan(9_000);

            proxy.paused(false);
            kafkaSink.flush();
        }
        long sent = counters.recordsSent(TOPICS.metrics());
        long failed = counters.recordsFailed(TOPICS.metrics());
        assertThat(sent + failed).isEqualTo(10 + 5 * 2_000);
        try (TestingTopicReader reader =
                new TestingTopicReader("127.0.0.1:" + proxy.port(), TOPICS.metrics())) {
            await().atMost(WAIT).until(() -> reader.readToEnd().size() >= sent);
            // Idempotence: the retries after the stall wrote nothing twice.
            assertThat(reader.readToEnd()).hasSize((int) sent);
        }
    }

    private static List<MetricSample> batch(int n, int samples) {
        List<MetricSample> batch = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            batch.add(
                    new MetricSample(
                            "container_memory_working_set_bytes",
                            Map.of(
                                    "namespace",
                                    "shop",
                                    "pod",
                                    "cart-" + (i % 7),
                                    "container",
                                    "app",
                                    "batch",
                                    Integer.toString(n),
                                    "i",
                                    Integer.toString(i)),
                            T0 + i,
                            1e8 + i));
        }
        return batch;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}

package io.kubeskippy.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.KafkaFailure;
import io.kubeskippy.ingest.SampleSink;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.serde.RecordCodec;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaSinkTest {

    private static final String METRICS = "skippy.metrics";
    private static final String PODS = "skippy.pods";
    private static final long T0 = 1_763_800_000_000L;

    private final IngestCounters counters = new IngestCounters();
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final KafkaSink sink = new KafkaSink(producer, counters);

    @Test
    void keysEachSampleByItsPodAndCompletesWhenAllAreAcknowledged() {
        SampleSink samples = sink.samples(METRICS);
        List<MetricSample> sent =
                List.of(
                        memory("shop", "cart-1", 1),
                        memory("shop", "cart-2", 2),
                        new MetricSample("up", Map.of("job", "prometheus"), T0, 1));

        CompletableFuture<Void> done = samples.send(sent);

        assertThat(producer.history())
                .extracting(ProducerRecord::key)
                .containsExactly("shop/cart-1", "shop/cart-2", "up");
        assertThat(producer.history())
                .extracting(r -> RecordCodec.metricSamples().decodeOrThrow(r.value()))
                .containsExactlyElementsOf(sent);
        assertThat(done).isNotDone();
        producer.completeNext();
        producer.completeNext();
        assertThat(done).isNotDone();
        producer.completeNext();
        assertThat(done).isCompleted();
        assertThat(counters.recordsSent(METRICS)).isEqualTo(3);
        assertThat(counters.recordsSentByTopic()).containsExactly(Map.entry(METRICS, 3L));
    }

    @Test
    void publishesWatchEventsAndTombstonesThroughTheSameProducerCountedByTopic() {
        byte[] pod = "{\"type\":\"DELETED\"}".getBytes(StandardCharsets.UTF_8);

        CompletableFuture<Void> deleted = sink.publish(PODS, "shop/cart-1", pod);
        CompletableFuture<Void> tombstone = sink.publish(PODS, "shop/cart-1", null);
        sink.samples(METRICS).send(List.of(memory("shop", "cart-1", 1)));
        producer.completeNext();
        producer.completeNext();
        producer.completeNext();

        assertThat(deleted).isCompleted();
        assertThat(tombstone).isCompleted();
        assertThat(producer.history())
                .extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(PODS, "shop/cart-1"),
                        org.assertj.core.groups.Tuple.tuple(PODS, "shop/cart-1"),
                        org.assertj.core.groups.Tuple.tuple(METRICS, "shop/cart-1"));
        assertThat(producer.history().get(1).value()).isNull();
        assertThat(counters.recordsSentByTopic())
                .containsExactly(Map.entry(METRICS, 1L), Map.entry(PODS, 2L));
    }

    @Test
    void failsTheBatchOnTheFirstErrorAndCountsIt() {
        CompletableFuture<Void> sent =
                sink.samples(METRICS).send(List.of(memory("shop", "a", 1), memory("shop", "b", 2)));
        producer.completeNext();
        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThat(sent).isCompletedExceptionally();
        assertThat(counters.recordsSent(METRICS)).isEqualTo(1);
        assertThat(counters.recordsFailed(METRICS, KafkaFailure.TIMEOUT)).isEqualTo(1);
    }

    @Test
    void anEmptyBatchIsDoneAtOnce() {
        assertThat(sink.samples(METRICS).send(List.of())).isCompleted();
    }

    @Test
    void keepsAcksAllAndIdempotenceWhateverTheExtraSettingsSay() {
        KafkaSinkOptions defaults = KafkaSinkOptions.of("127.0.0.1:9092");
        KafkaSinkOptions options =
                new KafkaSinkOptions(
                        defaults.bootstrapServers(),
                        defaults.bufferMemoryBytes(),
                        defaults.maxBlock(),
                        defaults.requestTimeout(),
                        defaults.deliveryTimeout(),
                        defaults.linger(),
                        defaults.compression(),
                        Map.of("acks", "0", "enable.idempotence", "false", "batch.size", "1000"));

        Map<String, Object> config = KafkaSink.producerConfig(options);

        assertThat(config)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L * 1024 * 1024)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000L)
                .containsEntry("batch.size", "1000");
    }

    @Test
    void failsWithinMaxBlockAndDropsTheRestWhenNoBrokerAnswers() throws Exception {
        KafkaSinkOptions options =
                KafkaSinkOptions.of("127.0.0.1:" + closedPort())
                        .withBounds(
                                KafkaSinkOptions.DEFAULT_BUFFER_MEMORY_BYTES,
                                Duration.ofMillis(300))
                        .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(1));
        try (KafkaSink real = new KafkaSink(options, counters)) {
            long start = System.nanoTime();

            CompletableFuture<Void> sent =
                    real.samples(METRICS)
                            .send(
                                    List.of(
                                            memory("shop", "a", 1),
                                            memory("shop", "b", 2),
                                            memory("shop", "c", 3)));
            Throwable failure = catchThrowable(() -> sent.get(10, TimeUnit.SECONDS));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(failure)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            // One max.block.ms for the whole batch, not one per record.
            assertThat(tookMs).isLessThan(3_000);
            assertThat(counters.recordsFailed(METRICS, KafkaFailure.TIMEOUT)).isEqualTo(3);
            assertThat(counters.recordsSent(METRICS)).isZero();
        }
    }

    @Test
    void classifiesBufferExhaustionApartFromOtherTimeouts() {
        assertThat(KafkaSink.classify(new BufferExhaustedException("full")))
                .isEqualTo(KafkaFailure.BUFFER_FULL);
        assertThat(KafkaSink.classify(new TimeoutException("metadata")))
                .isEqualTo(KafkaFailure.TIMEOUT);
        assertThat(KafkaSink.classify(new IllegalStateException("closed")))
                .isEqualTo(KafkaFailure.ERROR);
    }

    private static MetricSample memory(String namespace, String pod, double value) {
        return new MetricSample(
                "container_memory_working_set_bytes",
                Map.of("namespace", namespace, "pod", pod),
                T0,
                value);
    }

    /** A port nothing listens on. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}

package io.kubeskippy.ingest.kafka;

import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.KafkaFailure;
import io.kubeskippy.ingest.RecordPublisher;
import io.kubeskippy.ingest.SampleSink;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.serde.RecordCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka producer of the ingest process, for every topic it writes: samples, watch events
 * and policies. Idempotent with {@code acks=all}, so a retried send neither duplicates nor reorders
 * the records of a key; keyed by the caller, so one pod's records stay in one partition, in order.
 *
 * <p>Memory is bounded by {@code buffer.memory}: when Kafka is slow or absent, a send blocks for at
 * most {@code max.block.ms} and the record is then dropped and counted by topic and reason in
 * {@link IngestCounters}, never queued without bound. Once a record of a batch fails that way the
 * rest of the batch is dropped at once, so that a caller waits one {@code max.block.ms}, not one
 * per record.
 */
public final class KafkaSink implements RecordPublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final RecordCodec<MetricSample> SAMPLES = RecordCodec.metricSamples();

    private final Producer<String, byte[]> producer;
    private final IngestCounters counters;

    public KafkaSink(KafkaSinkOptions options, IngestCounters counters) {
        this(
                new KafkaProducer<>(
                        producerConfig(options), new StringSerializer(), new ByteArraySerializer()),
                counters);
    }

    /** A sink over any producer, e.g. Kafka's {@code MockProducer} in tests. */
    public KafkaSink(Producer<String, byte[]> producer, IngestCounters counters) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** The producer settings: the given ones, then the durability settings that always apply. */
    static Map<String, Object> producerConfig(KafkaSinkOptions options) {
        Map<String, Object> config = new HashMap<>(options.extra());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "kubeskippy-ingest");
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, options.bufferMemoryBytes());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, options.maxBlock().toMillis());
        config.put(
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, options.requestTimeout().toMillis()));
        config.put(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, options.deliveryTimeout().toMillis()));
        config.put(ProducerConfig.LINGER_MS_CONFIG, options.linger().toMillis());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.compression());
        // A 2xx to Prometheus means durable: every in-sync replica has the record, written
        // once even when the producer retries, in order per key.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        return config;
    }

    /** Samples written to {@code topic}, each keyed by {@link MetricSample#key()}. */
    public SampleSink samples(String topic) {
        Objects.requireNonNull(topic, "topic");
        return samples -> sendAll(topic, samples, MetricSample::key, SAMPLES::encode);
    }

    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        return sendAll(topic, List.of(key), k -> k, k -> value);
    }

    /**
     * Hands {@code items} to the producer, in order.
     *
     * @return completes when Kafka acknowledged every one of them, or exceptionally with the first
     *     failure; the items not handed over by then are dropped and counted
     */
    public <T> CompletableFuture<Void> sendAll(
            String topic, List<T> items, Function<T, String> key, Function<T, byte[]> value) {
        Objects.requireNonNull(topic, "topic");
        CompletableFuture<Void> all = new CompletableFuture<>();
        if (items.isEmpty()) {
            all.complete(null);
            return all;
        }
        AtomicInteger pending = new AtomicInteger(items.size());
        int handedOver = 0;
        for (T item : items) {
            if (all.isDone()) {
                break;
            }
            try {
                producer.send(
                        new ProducerRecord<>(topic, key.apply(item), value.apply(item)),
                        (metadata, error) -> {
                            if (error == null) {
                                counters.recordSent(topic);
                                if (pending.decrementAndGet() == 0) {
                                    all.complete(null);
                                }
                            } else {
                                counters.recordsFailed(topic, classify(error), 1);
                                all.completeExceptionally(error);
                            }
                        });
            } catch (RuntimeException e) {
                // Buffer full or no metadata within max.block.ms, a closed producer, a record
                // that cannot be written: the callback was not called.
                counters.recordsFailed(topic, classify(e), 1);
                all.completeExceptionally(e);
            }
            handedOver++;
        }
        int skipped = items.size() - handedOver;
        if (skipped > 0) {
            counters.recordsFailed(
                    topic, classify(all.handle((ok, error) -> error).getNow(null)), skipped);
            LOG.debug("dropped {} records for {}: an earlier one failed", skipped, topic);
        }
        return all;
    }

    /** Waits for records already handed over to be sent. */
    public void flush() {
        producer.flush();
    }

    /** Sends what is buffered, waiting at most {@code timeout}, then closes the producer. */
    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    static KafkaFailure classify(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof BufferExhaustedException) {
            return KafkaFailure.BUFFER_FULL;
        }
        if (cause instanceof TimeoutException) {
            return KafkaFailure.TIMEOUT;
        }
        return KafkaFailure.ERROR;
    }
}

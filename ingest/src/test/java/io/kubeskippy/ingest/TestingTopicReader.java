package io.kubeskippy.ingest;

import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one topic from its beginning, every partition, accumulating everything it has polled so
 * far; values as text, or decoded as MetricSamples.
 */
public final class TestingTopicReader implements AutoCloseable {

    /** One metrics record: its key, partition and offset, and the sample. */
    public record Received(String key, int partition, long offset, MetricSample sample) {}

    private static final RecordCodec<MetricSample> SAMPLES = RecordCodec.metricSamples();

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    public TestingTopicReader(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once more; returns every record read so far, in the order read. */
    public List<ConsumerRecord<String, String>> poll() {
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        return List.copyOf(records);
    }

    /** The records of {@code key} read so far, in order. */
    public List<ConsumerRecord<String, String>> poll(String key) {
        return poll().stream().filter(r -> key.equals(r.key())).toList();
    }

    /** Polls until the topic's current end; returns every record read. */
    public List<ConsumerRecord<String, String>> readToEnd() {
        var assignment = consumer.assignment();
        var end = consumer.endOffsets(assignment, Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (assignment.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("did not reach the end of " + assignment);
            }
            poll();
        }
        return List.copyOf(records);
    }

    /** What a compacted topic keeps: the last value per key; a tombstone removes the key. */
    public Map<String, String> latest() {
        Map<String, String> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> r : poll()) {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        }
        return latest;
    }

    /** Polls once more; every record read so far, decoded as a MetricSample. */
    public List<Received> samples() {
        return decode(poll());
    }

    /** Polls until the topic's current end; every record, decoded as a MetricSample. */
    public List<Received> samplesToEnd() {
        return decode(readToEnd());
    }

    /** Whether any sample read so far matches. */
    public boolean anyMatch(Predicate<MetricSample> predicate) {
        return samples().stream().map(Received::sample).anyMatch(predicate);
    }

    private static List<Received> decode(List<ConsumerRecord<String, String>> read) {
        return read.stream()
                .map(
                        r ->
                                new Received(
                                        r.key(),
                                        r.partition(),
                                        r.offset(),
                                        SAMPLES.decodeOrThrow(
                                                r.value().getBytes(StandardCharsets.UTF_8))))
                .toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

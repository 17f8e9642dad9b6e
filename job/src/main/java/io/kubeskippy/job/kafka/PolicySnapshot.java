package io.kubeskippy.job.kafka;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.source.RecordDecoder;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the compacted policy topic to its current end, when the job is built, so a new job starts
 * with its policies: data then never races ahead of the first policy broadcast. A job restored from
 * a checkpoint takes its policies from the restored broadcast state.
 */
public final class PolicySnapshot {

    private PolicySnapshot() {}

    /**
     * The valid policies on {@code topic} now (invalid documents are skipped; the job dead-letters
     * them).
     */
    public static Map<String, PolicyUpdate> read(String bootstrap, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        RecordDecoder decoder = new RecordDecoder();
        Map<String, PolicyUpdate> policies = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "reading " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    SourceRecord decoded =
                            decoder.decode(
                                    Topic.POLICIES,
                                    r.topic(),
                                    r.partition(),
                                    r.offset(),
                                    r.key(),
                                    r.value());
                    if (decoded == null || decoded.policy == null) {
                        continue;
                    }
                    if (decoded.policy.isRemoval()) {
                        policies.remove(decoded.policy.name);
                    } else {
                        policies.put(decoded.policy.name, decoded.policy);
                    }
                }
            }
        }
        return policies;
    }
}

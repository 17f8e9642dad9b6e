package io.kubeskippy.ingest.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the compacted policy topic holds now: the latest document per policy name, removed ones left
 * out. Read once at start, for {@link PolicySync#seed}.
 */
public final class PolicyTopicSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyTopicSnapshot.class);

    private PolicyTopicSnapshot() {}

    /**
     * Reads {@code topic} from its beginning to its current end, without a consumer group.
     *
     * @param consumerOverrides further consumer settings (security, ...)
     * @throws TimeoutException if the end is not reached within {@code timeout}
     */
    public static Map<String, JsonNode> read(
            String bootstrapServers,
            String topic,
            Map<String, Object> consumerOverrides,
            Duration timeout)
            throws TimeoutException {
        Properties props = new Properties();
        props.putAll(consumerOverrides);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException(
                            "cannot read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record :
                        consumer.poll(Duration.ofMillis(Math.min(200, left / 1_000_000 + 1)))) {
                    if (record.key() == null) {
                        continue;
                    }
                    if (record.value() == null) {
                        latest.remove(record.key());
                        continue;
                    }
                    try {
                        latest.put(record.key(), Json.mapper().readTree(record.value()));
                    } catch (IOException e) {
                        LOG.warn(
                                "{} offset {}: policy '{}' is not JSON; it will be replaced: {}",
                                topic,
                                record.offset(),
                                record.key(),
                                new String(
                                        record.value(),
                                        0,
                                        Math.min(80, record.value().length),
                                        StandardCharsets.UTF_8));
                        latest.put(record.key(), Json.mapper().nullNode());
                    }
                }
            }
        }
        return new TreeMap<>(latest);
    }
}

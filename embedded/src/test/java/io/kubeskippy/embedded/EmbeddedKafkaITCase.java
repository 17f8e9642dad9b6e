package io.kubeskippy.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The embedded broker is a real Kafka: produce, consume, compaction, restart on its data dir. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Topics TOPICS = Topics.defaults();

    private static Path dataDir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        dataDir = Files.createTempDirectory(Path.of("target"), "kafka-it-");
        kafka = startOn(dataDir);
        assertThat(kafka.createTopics(TOPICS, 2)).hasSize(Topic.values().length);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static EmbeddedKafka startOn(Path dir) {
        // A short cleaner back-off so a compaction happens within the test's wait.
        return EmbeddedKafka.builder(dir).brokerProperty("log.cleaner.backoff.ms", "200").start();
    }

    @Test
    @Order(1)
    void createsEveryTopicOnceWithCompactionWhereTheDesignSaysSo() throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(TOPICS.asMap().values())
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS);
            assertThat(described).hasSize(Topic.values().length);
            described.values().forEach(d -> assertThat(d.partitions()).hasSize(2));

            for (Topic topic : Topic.values()) {
                ConfigResource resource =
                        new ConfigResource(ConfigResource.Type.TOPIC, TOPICS.name(topic));
                String policy =
                        admin.describeConfigs(List.of(resource))
                                .all()
                                .get(30, TimeUnit.SECONDS)
                                .get(resource)
                                .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                                .value();
                assertThat(policy)
                        .as(topic.defaultName())
                        .isEqualTo(topic.compacted() ? "compact" : "delete");
            }
        }
        // Creating again is a no-op, not an error.
        assertThat(kafka.createTopics(TOPICS, 2)).isEmpty();
    }

    @Test
    @Order(2)
    void producesAndConsumesKeyedRecordsInOrder() {
        String topic = TOPICS.metrics();
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 100; i++) {
                String value = "{\"n\":" + i + "}";
                producer.send(new ProducerRecord<>(topic, "shop/cart-1", value));
                sent.add(value);
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> received = readAll(topic, 100);
        assertThat(received).extracting(ConsumerRecord::key).containsOnly("shop/cart-1");
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
    }

    @Test
    @Order(3)
    void compactedTopicKeepsOnlyTheLatestValuePerKey() throws Exception {
        String topic = TOPICS.pods();
        // Make segments roll fast so the cleaner has a closed segment to compact.
        try (Admin admin = kafka.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Collection<AlterConfigOp> ops =
                    List.of(
                            set(TopicConfig.SEGMENT_MS_CONFIG, "100"),
                            set(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"),
                            set(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0"),
                            set(TopicConfig.DELETE_RETENTION_MS_CONFIG, "100"));
            admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        }
        String key = "shop/cart-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int version = 1; version <= 5; version++) {
                producer.send(new ProducerRecord<>(topic, 0, key, "v" + version));
            }
            producer.flush();
            // Later records roll the segment holding the key's older values, then keep rolling
            // so the cleaner sees closed, dirty segments.
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(
                            () -> {
                                producer.send(new ProducerRecord<>(topic, 0, "filler", "x"));
                                producer.flush();
                                List<String> values =
                                        readPartition(topic, 0).stream()
                                                .filter(r -> key.equals(r.key()))
                                                .map(ConsumerRecord::value)
                                                .toList();
                                assertThat(values).containsExactly("v5");
                            });
        }
    }

    @Test
    @Order(4)
    void keepsDataAcrossARestartOnTheSameDataDir() throws Exception {
        String topic = TOPICS.policies();
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, "memory-leak", "{\"spec\":{}}")).get();
        }
        kafka.close();
        kafka = startOn(dataDir);

        List<ConsumerRecord<String, String>> records = readAll(topic, 1);
        assertThat(records)
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .contains(org.assertj.core.groups.Tuple.tuple("memory-leak", "{\"spec\":{}}"));
        // Topics and their settings survive too: nothing to create.
        assertThat(kafka.createTopics(TOPICS, 2)).isEmpty();
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** Reads every partition of {@code topic} from the start until {@code atLeast} records came. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, int atLeast) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, WAIT).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT)
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                                return records.size() >= atLeast;
                            });
        }
        return records;
    }

    /** Reads one partition from its start to its current end. */
    private static List<ConsumerRecord<String, String>> readPartition(String topic, int partition) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), WAIT).get(tp);
            await().atMost(WAIT)
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                                return consumer.position(tp, WAIT) >= end;
                            });
        }
        return records;
    }
}

package io.kubeskippy.actuator;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.actuator.safety.PolicyBook;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted policy topic from its beginning into a {@link PolicyBook}: a policy
 * document adds or replaces a policy, a tombstone removes it, a document with errors is skipped
 * (ingest never publishes one; the last good version stays).
 */
final class PolicyFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyFollower.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final PolicyBook book;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    PolicyFollower(String bootstrapServers, String topic, PolicyBook book) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kubeskippy-actuator-policies");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.book = book;
        this.thread = new Thread(this::run, "actuator-policies");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Waits until every policy on the topic when it started was read.
     *
     * @return false when that took longer than {@code timeout}
     */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && failure == null;
    }

    boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0
                        && partitions.stream()
                                .allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    LOG.info("Policies read from {}: {}", topic, book.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Cannot follow the policy topic {}: {}", topic, e.toString());
            caughtUp.countDown();
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            if (key != null) {
                book.remove(key);
            }
            return;
        }
        try {
            JsonNode node = Json.mapper().readTree(r.value());
            PolicyDocument doc = PolicyReader.readJson(topic + "/" + key, node);
            if (doc.policy() != null && !doc.hasErrors()) {
                book.put(doc.policy());
            } else {
                LOG.warn(
                        "Skipping policy {} of {} offset {}: it has errors",
                        key,
                        topic,
                        r.offset());
            }
        } catch (Exception e) {
            LOG.warn("Skipping unreadable policy record {} of {}: {}", key, topic, e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kubeskippy.actuator.audit;

import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.serde.RecordCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes outcomes to the audit topic (key: the action's name) and unreadable action records to the
 * dead-letter topic (key: the source topic), through one idempotent {@code acks=all} producer. An
 * outcome is recorded when its future completes: only then is the action's offset committed.
 */
public final class AuditLog implements AutoCloseable {

    private static final RecordCodec<ActionOutcome> OUTCOMES = RecordCodec.actionOutcomes();
    private static final RecordCodec<DeadLetter> DEAD_LETTERS = RecordCodec.deadLetters();

    private final Producer<String, byte[]> producer;
    private final String auditTopic;
    private final String deadLetterTopic;

    public AuditLog(String bootstrapServers, String auditTopic, String deadLetterTopic) {
        this(
                new KafkaProducer<>(
                        config(bootstrapServers),
                        new StringSerializer(),
                        new ByteArraySerializer()),
                auditTopic,
                deadLetterTopic);
    }

    public AuditLog(Producer<String, byte[]> producer, String auditTopic, String deadLetterTopic) {
        this.producer = producer;
        this.auditTopic = auditTopic;
        this.deadLetterTopic = deadLetterTopic;
    }

    static Map<String, Object> config(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "kubeskippy-actuator");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return config;
    }

    /** Completes when Kafka has the outcome. */
    public CompletableFuture<Void> outcome(ActionOutcome outcome) {
        return send(auditTopic, outcome.action(), OUTCOMES.encode(outcome));
    }

    /** Completes when Kafka has the dead letter. */
    public CompletableFuture<Void> deadLetter(DeadLetter letter) {
        return send(deadLetterTopic, letter.sourceTopic(), DEAD_LETTERS.encode(letter));
    }

    private CompletableFuture<Void> send(String topic, String key, byte[] value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(
                    new ProducerRecord<>(topic, key, value),
                    (metadata, error) -> {
                        if (error == null) {
                            done.complete(null);
                        } else {
                            done.completeExceptionally(error);
                        }
                    });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}

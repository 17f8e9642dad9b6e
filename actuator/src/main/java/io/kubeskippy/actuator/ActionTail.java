package io.kubeskippy.actuator;

import io.kubeskippy.actuator.execute.Changes;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the action and audit topics and renders each record as text: what the job asked for, and
 * what the actuator did and why. Reads without a consumer group, so it never disturbs the
 * actuator's offsets.
 */
public final class ActionTail implements AutoCloseable {

    private static final RecordCodec<HealingAction> ACTIONS = RecordCodec.healingActions();
    private static final RecordCodec<ActionOutcome> OUTCOMES = RecordCodec.actionOutcomes();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String actionsTopic;
    private final boolean json;

    /**
     * @param fromBeginning read what the topics hold; else only what comes from now on
     * @param json print records as they are (one JSON document a line) rather than as text
     */
    public ActionTail(String bootstrapServers, Topics topics, boolean fromBeginning, boolean json) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kubeskippy-actions-tail");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.actionsTopic = topics.actions();
        this.json = json;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.actions(), topics.audit())) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException(
                        "Kafka at " + bootstrapServers + " has no topic " + topic);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }
    }

    /** Polls once, for at most {@code timeout}; the lines of the records read, in order. */
    public List<String> poll(Duration timeout) {
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue;
            }
            if (json) {
                lines.add(new String(r.value(), StandardCharsets.UTF_8));
                continue;
            }
            Instant at = Instant.ofEpochMilli(r.timestamp()).truncatedTo(ChronoUnit.SECONDS);
            if (r.topic().equals(actionsTopic)) {
                lines.add(at + " " + action(ACTIONS.decode(r)));
            } else {
                lines.addAll(outcome(at, OUTCOMES.decode(r)));
            }
        }
        return lines;
    }

    static String action(Decoded<HealingAction> decoded) {
        if (decoded instanceof Decoded.Invalid<HealingAction> bad) {
            return "action    (unreadable: " + bad.deadLetter().reason() + ")";
        }
        HealingAction a = ((Decoded.Value<HealingAction>) decoded).value();
        HealingAction.Spec s = a.spec();
        List<String> notes = new ArrayList<>();
        notes.add("policy " + s.policyRef().name());
        if (s.detection() != null) {
            notes.add(s.detection().pattern());
        }
        if (s.enrichment() != null && s.enrichment().confidence() != null) {
            notes.add("confidence " + s.enrichment().confidence());
        }
        if (s.approvalRequired() || s.action().requiresApproval()) {
            notes.add("approval required");
        }
        if (s.dryRun()) {
            notes.add("dry run");
        }
        return "action    "
                + a.name()
                + "  "
                + s.action().type().wireName()
                + " "
                + s.targetResource().kind()
                + " "
                + s.targetResource().key()
                + "  ("
                + String.join(", ", notes)
                + ")";
    }

    static List<String> outcome(Instant at, Decoded<ActionOutcome> decoded) {
        if (decoded instanceof Decoded.Invalid<ActionOutcome> bad) {
            return List.of(at + " outcome   (unreadable: " + bad.deadLetter().reason() + ")");
        }
        ActionOutcome o = ((Decoded.Value<ActionOutcome>) decoded).value();
        List<String> lines = new ArrayList<>();
        lines.add(
                at
                        + " "
                        + String.format("%-9s", o.phase().name())
                        + " "
                        + o.action()
                        + "  "
                        + o.target().kind()
                        + " "
                        + o.target().key()
                        + (o.reason() == null ? "" : ": " + o.reason()));
        for (Change c : o.changes()) {
            String text;
            try {
                text = Changes.describe(c);
            } catch (IllegalArgumentException e) {
                text =
                        c.resourceRef().id()
                                + " "
                                + c.field()
                                + " "
                                + c.oldValue()
                                + " -> "
                                + c.newValue();
            }
            lines.add("            " + text);
        }
        return lines;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}

package io.kubeskippy.job.kafka;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.SkippyJob;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.RecordCodec;
import io.kubeskippy.model.serde.flink.JsonKafkaRecordSerializationSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Wires {@link SkippyJob} to Kafka: samples, pods and events from their topics, policies from the
 * compacted policy topic (always from the start), findings and dead letters out at least once, and
 * HealingActions out exactly once (Kafka transactions committed on checkpoints).
 */
public final class KafkaJob {

    /** Kafka transactions must end before the broker's limit (15 minutes by default). */
    static final String TRANSACTION_TIMEOUT_MS = String.valueOf(10 * 60 * 1000);

    private KafkaJob() {}

    /** Adds the job to {@code env}; the caller executes it. */
    public static void build(StreamExecutionEnvironment env, JobSettings s) {
        if (s.kafka() == null || s.kafka().isBlank()) {
            throw new IllegalArgumentException("--kafka HOST:PORT is required");
        }
        env.setParallelism(s.parallelism());
        env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        KafkaSource<SourceRecord> records =
                KafkaSource.<SourceRecord>builder()
                        .setBootstrapServers(s.kafka())
                        .setTopics(
                                s.topic(Topic.METRICS), s.topic(Topic.PODS), s.topic(Topic.EVENTS))
                        .setGroupId(s.groupId())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(
                                        s.startFromEarliest()
                                                ? OffsetResetStrategy.EARLIEST
                                                : OffsetResetStrategy.LATEST))
                        .setDeserializer(
                                new JobDeserializationSchema(
                                        Map.of(
                                                s.topic(Topic.METRICS), Topic.METRICS,
                                                s.topic(Topic.PODS), Topic.PODS,
                                                s.topic(Topic.EVENTS), Topic.EVENTS)))
                        .build();
        KafkaSource<SourceRecord> policies =
                KafkaSource.<SourceRecord>builder()
                        .setBootstrapServers(s.kafka())
                        .setTopics(s.topic(Topic.POLICIES))
                        .setGroupId(s.groupId() + "-policies")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(
                                new JobDeserializationSchema(
                                        Map.of(s.topic(Topic.POLICIES), Topic.POLICIES)))
                        .build();

        DataStream<SourceRecord> recordStream =
                env.fromSource(records, SkippyJob.recordWatermarks(s), "samples, pods, events")
                        .uid("source-records");
        DataStream<SourceRecord> policyStream =
                env.fromSource(policies, SkippyJob.policyWatermarks(s), "policies")
                        .setParallelism(1)
                        .uid("source-policies");

        ActivePolicies initial =
                new ActivePolicies(
                        PolicySnapshot.read(
                                s.kafka(), s.topic(Topic.POLICIES), Duration.ofSeconds(60)));
        SkippyJob.Outputs out = new SkippyJob(s, initial).build(recordStream, policyStream);

        out.findings()
                .sinkTo(
                        sink(
                                s,
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                new JsonKafkaRecordSerializationSchema<>(
                                        s.topic(Topic.FINDINGS),
                                        RecordCodec.findings(),
                                        (Finding f) -> f.target().id())))
                .name("findings to Kafka")
                .uid("sink-findings");
        out.actions()
                .sinkTo(
                        KafkaSink.<HealingAction>builder()
                                .setBootstrapServers(s.kafka())
                                .setRecordSerializer(
                                        new JsonKafkaRecordSerializationSchema<>(
                                                s.topic(Topic.ACTIONS),
                                                RecordCodec.healingActions(),
                                                (HealingAction a) ->
                                                        a.spec().targetResource().id()))
                                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                                .setTransactionalIdPrefix(s.groupId() + "-actions")
                                .setKafkaProducerConfig(producerConfig())
                                .build())
                .name("actions to Kafka (exactly once)")
                .uid("sink-actions");
        String deadLetterTopic = s.topic(Topic.DEADLETTER);
        out.deadLetters()
                .sinkTo(
                        sink(
                                s,
                                DeliveryGuarantee.AT_LEAST_ONCE,
                                new DeadLetterSchema(deadLetterTopic)))
                .name("dead letters to Kafka")
                .uid("sink-deadletters");
    }

    private static Properties producerConfig() {
        Properties p = new Properties();
        p.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        return p;
    }

    private static <T> KafkaSink<T> sink(
            JobSettings s, DeliveryGuarantee guarantee, KafkaRecordSerializationSchema<T> schema) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(s.kafka())
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(guarantee)
                .build();
    }

    /** Dead letters are already JSON; keyed by their source topic. */
    static final class DeadLetterSchema implements KafkaRecordSerializationSchema<String> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        DeadLetterSchema(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                String json, KafkaSinkContext context, Long timestamp) {
            String source =
                    RecordCodec.deadLetters()
                            .decodeOrThrow(json.getBytes(StandardCharsets.UTF_8))
                            .sourceTopic();
            return new ProducerRecord<>(
                    topic,
                    null,
                    timestamp,
                    source.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8));
        }
    }
}

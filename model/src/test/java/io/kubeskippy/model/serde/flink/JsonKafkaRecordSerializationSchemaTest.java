package io.kubeskippy.model.serde.flink;

import static io.kubeskippy.model.RecordFixtures.CART_POD_KEY;
import static io.kubeskippy.model.RecordFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema.KafkaSinkContext;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The Flink sink schema writes JSON values under the key the job chooses. */
class JsonKafkaRecordSerializationSchemaTest {

    private static final KafkaSinkContext CONTEXT =
            new KafkaSinkContext() {
                @Override
                public int getParallelInstanceId() {
                    return 0;
                }

                @Override
                public int getNumberOfParallelInstances() {
                    return 1;
                }

                @Override
                public int[] getPartitionsForTopic(String topic) {
                    return new int[] {0, 1, 2};
                }
            };

    private final MetricSample sample =
            RecordCodec.metricSamples().decodeOrThrow(bytes("records/metric-sample-memory.json"));

    @Test
    void keysAndEncodesTheRecord() {
        JsonKafkaRecordSerializationSchema<MetricSample> schema =
                new JsonKafkaRecordSerializationSchema<>(
                        "skippy.metrics", RecordCodec.metricSamples(), MetricSample::key);

        ProducerRecord<byte[], byte[]> record = schema.serialize(sample, CONTEXT, 1795341300000L);

        assertThat(record.topic()).isEqualTo("skippy.metrics");
        assertThat(record.partition()).isNull();
        assertThat(record.timestamp()).isEqualTo(1795341300000L);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(CART_POD_KEY);
        assertThat(RecordCodec.metricSamples().decodeOrThrow(record.value())).isEqualTo(sample);
    }

    @Test
    void keysAHealingActionByItsTarget() {
        HealingAction action =
                RecordCodec.healingActions()
                        .decodeOrThrow(bytes("records/healing-action-restart.json"));
        JsonKafkaRecordSerializationSchema<HealingAction> schema =
                new JsonKafkaRecordSerializationSchema<>(
                        "skippy.actions",
                        RecordCodec.healingActions(),
                        a -> a.spec().targetResource().id());

        ProducerRecord<byte[], byte[]> record = schema.serialize(action, CONTEXT, null);

        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                .isEqualTo("Pod/shop/cart-7f9c5d8b6-x2x4k");
        assertThat(record.timestamp()).isNull();
        assertThat(RecordCodec.healingActions().decodeOrThrow(record.value())).isEqualTo(action);
    }

    @Test
    void writesNoKeyWhenTheKeyFunctionGivesNone() {
        JsonKafkaRecordSerializationSchema<MetricSample> schema =
                new JsonKafkaRecordSerializationSchema<>(
                        "skippy.metrics", RecordCodec.metricSamples(), s -> null);

        assertThat(schema.serialize(sample, CONTEXT, null).key()).isNull();
    }

    @Test
    void stillEncodesAfterFlinkShipsItToATaskManager() throws Exception {
        JsonKafkaRecordSerializationSchema<MetricSample> shipped =
                InstantiationUtil.clone(
                        new JsonKafkaRecordSerializationSchema<>(
                                "skippy.metrics", RecordCodec.metricSamples(), MetricSample::key),
                        getClass().getClassLoader());

        ProducerRecord<byte[], byte[]> record = shipped.serialize(sample, CONTEXT, null);

        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(CART_POD_KEY);
        assertThat(record.value()).isEqualTo(RecordCodec.metricSamples().encode(sample));
    }
}

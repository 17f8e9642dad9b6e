package io.kubeskippy.model.serde.flink;

import static io.kubeskippy.model.RecordFixtures.CART_POD_KEY;
import static io.kubeskippy.model.RecordFixtures.T0;
import static io.kubeskippy.model.RecordFixtures.bytes;
import static io.kubeskippy.model.RecordFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.RecordFixtures;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.serde.Decoded;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The Flink source schema turns every Kafka record into exactly one Decoded, never an error. */
class DecodingKafkaRecordDeserializationSchemaTest {

    private static final TypeInformation<Decoded<MetricSample>> TYPE =
            TypeInformation.of(new TypeHint<Decoded<MetricSample>>() {});

    private final DecodingKafkaRecordDeserializationSchema<MetricSample> schema =
            new DecodingKafkaRecordDeserializationSchema<>(
                    RecordFixtures.codecAtT0(MetricSample.class), TYPE);

    @Test
    void emitsDeadLetterWithPartitionAndOffsetForABadRecord() throws Exception {
        byte[] value = utf8("{\"name\":\"up\",\"timestampMs\":1795341300000,\"value\":NaN}");

        List<Decoded<MetricSample>> out =
                deserialize(
                        new ConsumerRecord<>(
                                "skippy.metrics", 5, 1234L, utf8(CART_POD_KEY), value));

        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isInstanceOf(Decoded.Invalid.class);
        DeadLetter dl = ((Decoded.Invalid<MetricSample>) out.get(0)).deadLetter();
        assertThat(dl.sourceTopic()).isEqualTo("skippy.metrics");
        assertThat(dl.partition()).isEqualTo(5);
        assertThat(dl.offset()).isEqualTo(1234L);
        assertThat(dl.key()).isEqualTo(CART_POD_KEY);
        assertThat(dl.failedAt()).isEqualTo(T0);
        assertThat(dl.reason()).startsWith("MetricSample: value must be finite, got NaN");
        assertThat(dl.value()).isEqualTo(value);
    }

    @Test
    void emitsValueWithKeyForAGoodRecord() throws Exception {
        List<Decoded<MetricSample>> out =
                deserialize(
                        new ConsumerRecord<>(
                                "skippy.metrics",
                                0,
                                7L,
                                utf8(CART_POD_KEY),
                                bytes("records/metric-sample-memory.json")));

        assertThat(out).singleElement().isInstanceOf(Decoded.Value.class);
        Decoded.Value<MetricSample> value = (Decoded.Value<MetricSample>) out.get(0);
        assertThat(value.key()).isEqualTo(CART_POD_KEY);
        assertThat(value.value().name()).isEqualTo("container_memory_working_set_bytes");
    }

    @Test
    void emitsTombstoneForANullValue() throws Exception {
        List<Decoded<MetricSample>> out =
                deserialize(
                        new ConsumerRecord<>("skippy.metrics", 0, 8L, utf8(CART_POD_KEY), null));

        assertThat(out).containsExactly(new Decoded.Tombstone<>(CART_POD_KEY));
    }

    @Test
    void producesTheTypeTheJobSupplies() {
        assertThat(schema.getProducedType()).isSameAs(TYPE);
    }

    @Test
    void stillDecodesAfterFlinkShipsItToATaskManager() throws Exception {
        DecodingKafkaRecordDeserializationSchema<MetricSample> shipped =
                InstantiationUtil.clone(schema, getClass().getClassLoader());
        List<Decoded<MetricSample>> out = new ArrayList<>();

        shipped.deserialize(
                new ConsumerRecord<>("skippy.metrics", 1, 2L, null, utf8("not json")),
                new ListCollector<>(out));

        assertThat(out).singleElement().isInstanceOf(Decoded.Invalid.class);
        assertThat(shipped.getProducedType()).isEqualTo(TYPE);
    }

    private List<Decoded<MetricSample>> deserialize(ConsumerRecord<byte[], byte[]> record)
            throws Exception {
        List<Decoded<MetricSample>> out = new ArrayList<>();
        schema.deserialize(record, new ListCollector<>(out));
        return out;
    }
}

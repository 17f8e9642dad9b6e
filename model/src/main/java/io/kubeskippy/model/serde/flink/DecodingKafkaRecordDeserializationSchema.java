package io.kubeskippy.model.serde.flink;

import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.RecordCodec;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A Flink Kafka source schema that never fails the job on a bad record: every record becomes a
 * {@link Decoded} (value, tombstone, or dead letter with topic, partition and offset). The job
 * splits dead letters off to {@code skippy.deadletter}.
 */
public final class DecodingKafkaRecordDeserializationSchema<T>
        implements KafkaRecordDeserializationSchema<Decoded<T>> {

    private static final long serialVersionUID = 1L;

    private final RecordCodec<T> codec;
    private final TypeInformation<Decoded<T>> producedType;

    /**
     * @param producedType how Flink serializes the decoded records between operators; the job
     *     supplies it so that no record silently falls back to Kryo
     */
    public DecodingKafkaRecordDeserializationSchema(
            RecordCodec<T> codec, TypeInformation<Decoded<T>> producedType) {
        this.codec = codec;
        this.producedType = producedType;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
        out.collect(codec.decode(record));
    }

    @Override
    public TypeInformation<Decoded<T>> getProducedType() {
        return producedType;
    }
}

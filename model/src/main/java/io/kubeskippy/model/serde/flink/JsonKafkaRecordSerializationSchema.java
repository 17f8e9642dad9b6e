package io.kubeskippy.model.serde.flink;

import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A Flink Kafka sink schema: JSON values via {@link RecordCodec}, keyed by the given function. */
public final class JsonKafkaRecordSerializationSchema<T>
        implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final RecordCodec<T> codec;
    private final SerializableFunction<T, String> key;

    public JsonKafkaRecordSerializationSchema(
            String topic, RecordCodec<T> codec, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.codec = codec;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(element);
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}

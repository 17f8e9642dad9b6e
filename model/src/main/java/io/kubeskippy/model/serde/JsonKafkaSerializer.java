package io.kubeskippy.model.serde;

import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serializer writing records as JSON through {@link RecordCodec}; null stays null. */
public final class JsonKafkaSerializer<T> implements Serializer<T> {

    private final RecordCodec<T> codec;

    public JsonKafkaSerializer(RecordCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }
}

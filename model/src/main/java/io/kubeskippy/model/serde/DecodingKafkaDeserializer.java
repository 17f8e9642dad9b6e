package io.kubeskippy.model.serde;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A Kafka deserializer that never throws: it yields {@link Decoded} values, invalid records as dead
 * letters. Kafka's deserializer API does not see partitions and offsets, so a consumer that wants
 * them in its dead letters reads bytes and calls {@link RecordCodec#decode(
 * org.apache.kafka.clients.consumer.ConsumerRecord)} instead.
 */
public final class DecodingKafkaDeserializer<T> implements Deserializer<Decoded<T>> {

    private final RecordCodec<T> codec;

    public DecodingKafkaDeserializer(RecordCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public Decoded<T> deserialize(String topic, byte[] data) {
        return codec.decode(topic, -1, -1, null, data);
    }

    @Override
    public Decoded<T> deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }
}

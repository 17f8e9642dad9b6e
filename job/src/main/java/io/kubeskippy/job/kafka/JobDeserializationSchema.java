package io.kubeskippy.job.kafka;

import io.kubeskippy.job.source.RecordDecoder;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the job's topics: each record becomes a {@link SourceRecord} by its topic's role; a bad
 * record becomes a dead letter with its topic, partition and offset, never a failed job.
 */
public final class JobDeserializationSchema
        implements KafkaRecordDeserializationSchema<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final Map<String, Topic> roles;
    private final RecordDecoder decoder = new RecordDecoder();

    /**
     * @param roles topic name -> which kind of record it holds
     */
    public JobDeserializationSchema(Map<String, Topic> roles) {
        this.roles = Map.copyOf(roles);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        Topic role = roles.get(record.topic());
        SourceRecord r =
                decoder.decode(
                        role,
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value());
        if (r != null) {
            if (r.policy != null && record.timestamp() > 0) {
                // reload latency is measured from when the policy reached its topic
                r.policy.receivedAtMs = record.timestamp();
            }
            out.collect(r);
        }
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}

package io.kubeskippy.model.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads and writes one record type as JSON. Reading never throws: a record that is too large,
 * malformed, of the wrong shape or invalid becomes a {@link DeadLetter} that names the reason.
 */
public final class RecordCodec<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Largest record read; larger ones are dead letters. A Pod is at most ~1.5 MB (etcd). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 2 * 1024 * 1024;

    private final Class<T> type;
    private final int maxRecordBytes;
    private final Clock clock;
    private transient ObjectReader reader;
    private transient ObjectWriter writer;

    public RecordCodec(Class<T> type, int maxRecordBytes, Clock clock) {
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException(
                    "maxRecordBytes must be >= 1, got " + maxRecordBytes);
        }
        this.type = Objects.requireNonNull(type, "type");
        this.maxRecordBytes = maxRecordBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static <T> RecordCodec<T> of(Class<T> type) {
        return new RecordCodec<>(type, DEFAULT_MAX_RECORD_BYTES, Clock.systemUTC());
    }

    public static RecordCodec<MetricSample> metricSamples() {
        return of(MetricSample.class);
    }

    public static RecordCodec<WatchEvent> watchEvents() {
        return of(WatchEvent.class);
    }

    public static RecordCodec<Finding> findings() {
        return of(Finding.class);
    }

    public static RecordCodec<HealingAction> healingActions() {
        return of(HealingAction.class);
    }

    public static RecordCodec<ActionOutcome> actionOutcomes() {
        return of(ActionOutcome.class);
    }

    public static RecordCodec<DeadLetter> deadLetters() {
        return of(DeadLetter.class);
    }

    public Class<T> type() {
        return type;
    }

    /** The record as UTF-8 JSON. Throws only for values no valid record can have. */
    public byte[] encode(T value) {
        try {
            return writer().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public String encodeToString(T value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    /** Reads a Kafka record; never throws. */
    public Decoded<T> decode(ConsumerRecord<byte[], byte[]> record) {
        return decode(
                record.topic(), record.partition(), record.offset(), record.key(), record.value());
    }

    /**
     * Reads one record; never throws.
     *
     * @param source the topic (or file) it came from, named in a dead letter
     * @param partition the Kafka partition, or -1
     * @param offset the Kafka offset (or a file's line number), or -1
     */
    public Decoded<T> decode(String source, int partition, long offset, byte[] key, byte[] value) {
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return new Decoded.Tombstone<>(keyText);
        }
        String reason;
        if (value.length > maxRecordBytes) {
            reason =
                    "record is "
                            + value.length
                            + " bytes, over the "
                            + maxRecordBytes
                            + "-byte limit for "
                            + type.getSimpleName();
        } else if (value.length == 0) {
            reason = "empty value (a delete is a null value, not an empty one)";
        } else {
            try {
                T decoded = reader().readValue(value);
                if (decoded == null) {
                    reason = "value is JSON null, expected a " + type.getSimpleName() + " object";
                } else {
                    return new Decoded.Value<>(keyText, decoded);
                }
            } catch (IOException | RuntimeException e) {
                reason = type.getSimpleName() + ": " + ReadFailure.reason(e);
            }
        }
        return new Decoded.Invalid<>(
                DeadLetter.of(source, partition, offset, key, value, reason, clock.instant()));
    }

    /** Reads a record known to be valid, such as one this codec wrote; throws if it is not. */
    public T decodeOrThrow(byte[] value) {
        Decoded<T> decoded = decode("(direct)", -1, -1, null, value);
        if (decoded instanceof Decoded.Value<T> ok) {
            return ok.value();
        }
        if (decoded instanceof Decoded.Invalid<T> bad) {
            throw new IllegalArgumentException(bad.deadLetter().reason());
        }
        throw new IllegalArgumentException("null value");
    }

    private ObjectReader reader() {
        if (reader == null) {
            reader = Json.mapper().readerFor(type);
        }
        return reader;
    }

    private ObjectWriter writer() {
        if (writer == null) {
            writer = Json.mapper().writerFor(type);
        }
        return writer;
    }
}

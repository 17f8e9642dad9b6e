package io.kubeskippy.ingest.kafka;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Options of ingest's one Kafka producer, validated once.
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}
 * @param bufferMemoryBytes {@code buffer.memory}: the most memory records waiting for Kafka take
 * @param maxBlock {@code max.block.ms}: how long a send waits for metadata or buffer space before
 *     the record is dropped (and counted)
 * @param requestTimeout {@code request.timeout.ms} of one produce request
 * @param deliveryTimeout {@code delivery.timeout.ms}: how long a record may take, retries included
 * @param linger {@code linger.ms}
 * @param compression {@code compression.type}
 * @param extra any other producer setting; the durability settings (acks, idempotence) cannot be
 *     overridden
 */
public record KafkaSinkOptions(
        String bootstrapServers,
        long bufferMemoryBytes,
        Duration maxBlock,
        Duration requestTimeout,
        Duration deliveryTimeout,
        Duration linger,
        String compression,
        Map<String, String> extra) {

    public static final long DEFAULT_BUFFER_MEMORY_BYTES = 32L * 1024 * 1024;
    public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    public static final String DEFAULT_COMPRESSION = "lz4";

    /** The smallest buffer: one default-sized batch (16 KiB) must fit, with room to spare. */
    public static final long MIN_BUFFER_MEMORY_BYTES = 64L * 1024;

    public KafkaSinkOptions {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are required");
        }
        if (bufferMemoryBytes < MIN_BUFFER_MEMORY_BYTES) {
            throw new IllegalArgumentException(
                    "buffer memory must be >= "
                            + MIN_BUFFER_MEMORY_BYTES
                            + " bytes, got "
                            + bufferMemoryBytes);
        }
        requirePositive(maxBlock, "max block");
        requirePositive(requestTimeout, "request timeout");
        requirePositive(deliveryTimeout, "delivery timeout");
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("linger must be >= 0, got " + linger);
        }
        // Kafka's own rule, checked here so that the message names our option.
        if (deliveryTimeout.compareTo(requestTimeout.plus(linger)) < 0) {
            throw new IllegalArgumentException(
                    "delivery timeout ("
                            + deliveryTimeout
                            + ") must be >= request timeout + linger ("
                            + requestTimeout.plus(linger)
                            + ")");
        }
        compression = compression == null ? DEFAULT_COMPRESSION : compression;
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extra));
    }

    /** The defaults for a broker. */
    public static KafkaSinkOptions of(String bootstrapServers) {
        return new KafkaSinkOptions(
                bootstrapServers,
                DEFAULT_BUFFER_MEMORY_BYTES,
                DEFAULT_MAX_BLOCK,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_DELIVERY_TIMEOUT,
                DEFAULT_LINGER,
                DEFAULT_COMPRESSION,
                Map.of());
    }

    /** Sets buffer.memory and max.block.ms: how much waits for Kafka, and for how long. */
    public KafkaSinkOptions withBounds(long bufferMemoryBytes, Duration maxBlock) {
        return new KafkaSinkOptions(
                bootstrapServers,
                bufferMemoryBytes,
                maxBlock,
                requestTimeout,
                deliveryTimeout,
                linger,
                compression,
                extra);
    }

    /** Sets request.timeout.ms and delivery.timeout.ms together. */
    public KafkaSinkOptions withTimeouts(Duration requestTimeout, Duration deliveryTimeout) {
        return new KafkaSinkOptions(
                bootstrapServers,
                bufferMemoryBytes,
                maxBlock,
                requestTimeout,
                deliveryTimeout,
                linger,
                compression,
                extra);
    }

    private static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, got " + duration);
        }
    }
}

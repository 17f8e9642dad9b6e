package io.kubeskippy.ingest;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every counter of the ingest process in one place, monotonic and thread-safe; a /metrics endpoint
 * reads them through the getters.
 */
public final class IngestCounters {

    /** Why a sample that arrived was not written. */
    public enum Drop {
        /** A NaN value that is not a staleness marker. */
        NAN,
        /** Prometheus' staleness marker (a NaN with a fixed bit pattern): the series ended. */
        STALE_MARKER,
        /** +Inf or -Inf. */
        INFINITE,
        /** No metric name: no {@code __name__} label and no name from the query file. */
        NO_NAME,
        /** A native histogram sample; only float samples become MetricSamples. */
        HISTOGRAM,
        /** Any other sample MetricSample rejects, e.g. a timestamp at or before the epoch. */
        INVALID;

        /** The label value used on /metrics, e.g. {@code stale_marker}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a remote_write request was answered with an error status. */
    public enum Rejection {
        MALFORMED(400),
        NOT_FOUND(404),
        METHOD_NOT_ALLOWED(405),
        TOO_LARGE(413),
        UNSUPPORTED_MEDIA_TYPE(415),
        INTERNAL_ERROR(500),
        KAFKA_UNAVAILABLE(503);

        private final int status;

        Rejection(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why Kafka did not take a record. */
    public enum KafkaFailure {
        /** The producer's buffer.memory was full for longer than max.block.ms. */
        BUFFER_FULL,
        /** No metadata within max.block.ms, or no acknowledgement within delivery.timeout.ms. */
        TIMEOUT,
        /** Anything else: an authorization error, a closed producer, ... */
        ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<String, LongAdder> recordsSent = new ConcurrentHashMap<>();
    private final Map<String, Map<KafkaFailure, LongAdder>> recordsFailed =
            new ConcurrentHashMap<>();

    private final LongAdder remoteWriteRequests = new LongAdder();
    private final LongAdder remoteWriteAccepted = new LongAdder();
    private final Map<Rejection, LongAdder> remoteWriteRejected = adders(Rejection.class);
    private final LongAdder remoteWriteBytes = new LongAdder();
    private final LongAdder remoteWriteDecodedBytes = new LongAdder();
    private final LongAdder remoteWriteSamples = new LongAdder();
    private final Map<Drop, LongAdder> remoteWriteDropped = adders(Drop.class);

    private final LongAdder pollEvaluations = new LongAdder();
    private final LongAdder pollErrors = new LongAdder();
    private final LongAdder pollQueryErrors = new LongAdder();
    private final LongAdder pollMissedEvaluations = new LongAdder();
    private final LongAdder pollOutages = new LongAdder();
    private final LongAdder pollSamples = new LongAdder();
    private final Map<Drop, LongAdder> pollDropped = adders(Drop.class);
    private final AtomicLong pollLastStepMs = new AtomicLong();

    // --- Kafka

    public void recordSent(String topic) {
        recordsSent.computeIfAbsent(topic, t -> new LongAdder()).increment();
    }

    public void recordsFailed(String topic, KafkaFailure failure, int count) {
        recordsFailed
                .computeIfAbsent(topic, t -> adders(KafkaFailure.class))
                .get(failure)
                .add(count);
    }

    /** Records Kafka acknowledged, by topic. */
    public long recordsSent(String topic) {
        LongAdder adder = recordsSent.get(topic);
        return adder == null ? 0 : adder.sum();
    }

    /** Records Kafka acknowledged, by topic name (sorted). */
    public Map<String, Long> recordsSentByTopic() {
        Map<String, Long> result = new TreeMap<>();
        recordsSent.forEach((topic, adder) -> result.put(topic, adder.sum()));
        return Collections.unmodifiableMap(result);
    }

    /**
     * Records not written to {@code topic} for {@code failure}: dropped past the bound, or lost.
     */
    public long recordsFailed(String topic, KafkaFailure failure) {
        Map<KafkaFailure, LongAdder> byFailure = recordsFailed.get(topic);
        return byFailure == null ? 0 : byFailure.get(failure).sum();
    }

    /** Records not written, by topic name (sorted) and reason. */
    public Map<String, Map<KafkaFailure, Long>> recordsFailedByTopic() {
        Map<String, Map<KafkaFailure, Long>> result = new TreeMap<>();
        recordsFailed.forEach(
                (topic, byFailure) -> {
                    Map<KafkaFailure, Long> counts = new EnumMap<>(KafkaFailure.class);
                    byFailure.forEach((failure, adder) -> counts.put(failure, adder.sum()));
                    result.put(topic, Collections.unmodifiableMap(counts));
                });
        return Collections.unmodifiableMap(result);
    }

    /** Records not written to any topic, for any reason. */
    public long recordsFailed() {
        long total = 0;
        for (Map<KafkaFailure, LongAdder> byFailure : recordsFailed.values()) {
            total += sum(byFailure);
        }
        return total;
    }

    /** Records not written to {@code topic}, for any reason. */
    public long recordsFailed(String topic) {
        Map<KafkaFailure, LongAdder> byFailure = recordsFailed.get(topic);
        return byFailure == null ? 0 : sum(byFailure);
    }

    // --- remote_write

    public void remoteWriteRequest() {
        remoteWriteRequests.increment();
    }

    public void remoteWriteBytes(long compressedBytes) {
        remoteWriteBytes.add(compressedBytes);
    }

    public void remoteWriteDecoded(long decodedBytes) {
        remoteWriteDecodedBytes.add(decodedBytes);
    }

    public void remoteWriteAccepted(int samples) {
        remoteWriteAccepted.increment();
        remoteWriteSamples.add(samples);
    }

    public void remoteWriteRejection(Rejection rejection) {
        remoteWriteRejected.get(rejection).increment();
    }

    public void remoteWriteDropped(Drop drop, long count) {
        remoteWriteDropped.get(drop).add(count);
    }

    /** Every request that reached the handler, whatever its outcome. */
    public long remoteWriteRequests() {
        return remoteWriteRequests.sum();
    }

    /** Requests answered 204: every sample of them was acknowledged by Kafka. */
    public long remoteWriteAccepted() {
        return remoteWriteAccepted.sum();
    }

    public long remoteWriteRejected(Rejection rejection) {
        return remoteWriteRejected.get(rejection).sum();
    }

    /** Body bytes received as sent (snappy-compressed). */
    public long remoteWriteBytes() {
        return remoteWriteBytes.sum();
    }

    /** Body bytes after snappy decompression, of the bodies that decompressed. */
    public long remoteWriteDecodedBytes() {
        return remoteWriteDecodedBytes.sum();
    }

    /** Samples written to Kafka from accepted requests. */
    public long remoteWriteSamples() {
        return remoteWriteSamples.sum();
    }

    public long remoteWriteDropped(Drop drop) {
        return remoteWriteDropped.get(drop).sum();
    }

    // --- query-API poller

    public void pollEvaluated(int samples) {
        pollEvaluations.increment();
        pollSamples.add(samples);
    }

    public void pollError() {
        pollErrors.increment();
    }

    public void pollQueryError() {
        pollQueryErrors.increment();
    }

    public void pollMissed(long evaluations) {
        pollMissedEvaluations.add(evaluations);
    }

    public void pollOutage() {
        pollOutages.increment();
    }

    public void pollDropped(Drop drop, long count) {
        pollDropped.get(drop).add(count);
    }

    /** Every query of the step at {@code tickMs} was evaluated (or refused by Prometheus). */
    public void pollStepDone(long tickMs) {
        pollLastStepMs.accumulateAndGet(tickMs, Math::max);
    }

    /** Query evaluations that returned a result (one per query per step). */
    public long pollEvaluations() {
        return pollEvaluations.sum();
    }

    /** Failed attempts to reach Prometheus: connection errors, timeouts, 5xx answers. */
    public long pollErrors() {
        return pollErrors.sum();
    }

    /** Queries Prometheus refused (4xx, e.g. a syntax error) or answered unreadably. */
    public long pollQueryErrors() {
        return pollQueryErrors.sum();
    }

    /** Evaluation steps that passed without an evaluation: the gaps in the polled series. */
    public long pollMissedEvaluations() {
        return pollMissedEvaluations.sum();
    }

    /** Times Prometheus became unreachable. */
    public long pollOutages() {
        return pollOutages.sum();
    }

    /** Samples handed to Kafka by the poller. */
    public long pollSamples() {
        return pollSamples.sum();
    }

    public long pollDropped(Drop drop) {
        return pollDropped.get(drop).sum();
    }

    /** The evaluation time of the latest step done, in epoch milliseconds; 0 before the first. */
    public long pollLastStepMs() {
        return pollLastStepMs.get();
    }

    private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
        EnumMap<E, LongAdder> map = new EnumMap<>(type);
        for (E value : type.getEnumConstants()) {
            map.put(value, new LongAdder());
        }
        return Collections.unmodifiableMap(map);
    }

    private static long sum(Map<?, LongAdder> adders) {
        long total = 0;
        for (LongAdder adder : adders.values()) {
            total += adder.sum();
        }
        return total;
    }
}

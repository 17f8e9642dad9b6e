package io.kubeskippy.job.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * Reads the job's inputs from raw records, the same way for Kafka and for replay files: samples,
 * pods and events become {@link PodInput}s, policy documents become {@link PolicyUpdate}s, and
 * anything unreadable becomes a dead letter naming the reason. Never throws.
 */
public final class RecordDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final RecordCodec<MetricSample> samples = RecordCodec.metricSamples();
    private final RecordCodec<WatchEvent> watchEvents = RecordCodec.watchEvents();
    private final RecordCodec<DeadLetter> deadLetters = RecordCodec.deadLetters();
    private final Clock clock;

    public RecordDecoder(Clock clock) {
        this.clock = clock;
    }

    public RecordDecoder() {
        this(Clock.systemUTC());
    }

    /**
     * @param role which kind of record it is (METRICS, PODS, EVENTS or POLICIES)
     * @param source the topic or file, named in a dead letter
     * @return the record, or null for one that carries nothing (a pod tombstone)
     */
    public SourceRecord decode(
            Topic role, String source, int partition, long offset, byte[] key, byte[] value) {
        return switch (role) {
            case METRICS -> metric(source, partition, offset, key, value);
            case PODS, EVENTS -> watch(role, source, partition, offset, key, value);
            case POLICIES -> policy(source, partition, offset, key, value);
            default -> throw new IllegalArgumentException("the job does not read " + role);
        };
    }

    private SourceRecord metric(
            String source, int partition, long offset, byte[] key, byte[] value) {
        Decoded<MetricSample> d = samples.decode(source, partition, offset, key, value);
        if (d instanceof Decoded.Value<MetricSample> v) {
            MetricSample s = v.value();
            return SourceRecord.of(
                    PodInput.sample(s.key(), s.name(), s.labels(), s.timestampMs(), s.value()));
        }
        if (d instanceof Decoded.Invalid<MetricSample> bad) {
            return dead(bad.deadLetter());
        }
        return dead(
                DeadLetter.of(
                        source,
                        partition,
                        offset,
                        key,
                        null,
                        "a sample cannot be null",
                        clock.instant()));
    }

    private SourceRecord watch(
            Topic role, String source, int partition, long offset, byte[] key, byte[] value) {
        Decoded<WatchEvent> d = watchEvents.decode(source, partition, offset, key, value);
        if (d instanceof Decoded.Tombstone<WatchEvent>) {
            return null;
        }
        if (d instanceof Decoded.Invalid<WatchEvent> bad) {
            return dead(bad.deadLetter());
        }
        WatchEvent e = ((Decoded.Value<WatchEvent>) d).value();
        if (role == Topic.PODS) {
            PodState pod = PodStates.from(e);
            if (pod == null) {
                return dead(
                        DeadLetter.of(
                                source,
                                partition,
                                offset,
                                key,
                                value,
                                "expected a Pod on " + source + ", got kind '" + e.kind() + "'",
                                clock.instant()));
            }
            return SourceRecord.of(PodInput.pod(pod, e.observedAt().toEpochMilli()));
        }
        if (!"Event".equals(e.kind())) {
            return dead(
                    DeadLetter.of(
                            source,
                            partition,
                            offset,
                            key,
                            value,
                            "expected an Event on " + source + ", got kind '" + e.kind() + "'",
                            clock.instant()));
        }
        if (e.type() == WatchEvent.Type.DELETED) {
            return null; // an expired event: nothing happened
        }
        JsonNode o = e.object();
        JsonNode involved = o.path("involvedObject");
        String namespace = involved.path("namespace").asText(e.namespace());
        return SourceRecord.of(
                PodInput.event(
                        namespace,
                        involved.path("kind").asText("Pod"),
                        involved.path("name").asText(e.name()),
                        o.path("reason").asText(""),
                        o.path("type").asText(""),
                        eventTime(o, e.observedAt())));
    }

    /** When an event happened: its latest occurrence, else when it was seen. */
    static long eventTime(JsonNode event, Instant observedAt) {
        for (String field : new String[] {"lastTimestamp", "eventTime", "firstTimestamp"}) {
            JsonNode t = event.path(field);
            if (t.isTextual()) {
                try {
                    return Instant.parse(t.asText()).toEpochMilli();
                } catch (RuntimeException e) {
                    // MicroTime with a different layout: try the next one
                }
            }
        }
        JsonNode series = event.path("series").path("lastObservedTime");
        if (series.isTextual()) {
            try {
                return Instant.parse(series.asText()).toEpochMilli();
            } catch (RuntimeException e) {
                // fall through
            }
        }
        return observedAt.toEpochMilli();
    }

    private SourceRecord policy(
            String source, int partition, long offset, byte[] key, byte[] value) {
        String name = key == null ? null : new String(key, StandardCharsets.UTF_8);
        long now = clock.millis();
        if (value == null) {
            return name == null
                    ? dead(
                            DeadLetter.of(
                                    source,
                                    partition,
                                    offset,
                                    null,
                                    null,
                                    "a policy removal needs the policy name as key",
                                    clock.instant()))
                    : SourceRecord.of(PolicyUpdate.removal(name, now));
        }
        try {
            JsonNode doc = Json.mapper().readTree(value);
            PolicyDocument read = PolicyReader.readJson(source, doc);
            if (read.policy() == null) {
                String reasons =
                        read.diagnostics().stream()
                                .filter(Diagnostic::isError)
                                .map(Diagnostic::format)
                                .collect(Collectors.joining("; "));
                return dead(
                        DeadLetter.of(
                                source,
                                partition,
                                offset,
                                key,
                                value,
                                reasons.isEmpty() ? "not a HealingPolicy document" : reasons,
                                clock.instant()));
            }
            if (name != null && !name.equals(read.policy().name())) {
                return dead(
                        DeadLetter.of(
                                source,
                                partition,
                                offset,
                                key,
                                value,
                                "key '"
                                        + name
                                        + "' is not the policy's name '"
                                        + read.policy().name()
                                        + "'",
                                clock.instant()));
            }
            return SourceRecord.of(
                    PolicyUpdate.of(
                            read.policy().name(),
                            read.policy().version(),
                            Json.mapper().writeValueAsString(doc),
                            now));
        } catch (Exception e) {
            return dead(
                    DeadLetter.of(
                            source,
                            partition,
                            offset,
                            key,
                            value,
                            "policy: malformed JSON: " + e.getMessage(),
                            clock.instant()));
        }
    }

    private SourceRecord dead(DeadLetter letter) {
        return SourceRecord.deadLetter(deadLetters.encodeToString(letter));
    }
}

package io.kubeskippy.demo.observe;

import io.kubeskippy.job.enrich.EnrichmentFunction;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.RecordCodec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the findings, actions and audit topics with a Kafka consumer (no group: it never disturbs
 * the actuator's offsets; read_committed: only actions the job committed) and keeps what happened
 * to each target: findings, actions, outcomes, time to heal, detection latency.
 *
 * <p>Time to heal of a target: from {@code detectedAt} of the first finding (not suppressed) on it
 * since its last Succeeded action, to {@code finishedAt} of its next Succeeded outcome. Detection
 * latency of an action: the action record's Kafka timestamp minus its {@code
 * spec.detection.detectedAt}; the demo sets the action topic's timestamps to the broker's append
 * time, so that is when the job's sink wrote the action.
 */
public final class LoopRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopRecorder.class);
    private static final RecordCodec<Finding> FINDINGS = RecordCodec.findings();
    private static final RecordCodec<HealingAction> ACTIONS = RecordCodec.healingActions();
    private static final RecordCodec<ActionOutcome> OUTCOMES = RecordCodec.actionOutcomes();
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int RECENT = 8;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final Thread thread;
    private volatile boolean running = true;

    // Guarded by this.
    private final Map<String, Target> targets = new TreeMap<>();
    private final Map<String, Integer> actionsByType = new TreeMap<>();
    private final Map<String, Integer> outcomesByPhase = new TreeMap<>();
    private final Map<String, Integer> blockedByReason = new TreeMap<>();
    private final List<Long> detectionLatenciesMs = new ArrayList<>();
    private final List<Double> healSeconds = new ArrayList<>();
    private final TreeSet<String> llmModels = new TreeSet<>();
    private final Deque<String> recent = new ArrayDeque<>();
    private int findings;
    private int suppressedFindings;
    private int actions;
    private int llmReplies;
    private int llmFallbacks;
    private int unreadable;

    /** Assigns every partition of the three topics from their beginning; call {@link #start()}. */
    public LoopRecorder(String bootstrapServers, Topics topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kubeskippy-demo-view");
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.findings(), topics.actions(), topics.audit())) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException(
                        "Kafka at " + bootstrapServers + " has no topic " + topic);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "demo-recorder");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (r.value() != null) {
                            record(r);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("the demo's view stopped reading Kafka: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void record(ConsumerRecord<byte[], byte[]> r) {
        if (r.topic().equals(topics.findings())) {
            if (FINDINGS.decode(r) instanceof Decoded.Value<Finding> v) {
                finding(v.value());
                return;
            }
        } else if (r.topic().equals(topics.actions())) {
            if (ACTIONS.decode(r) instanceof Decoded.Value<HealingAction> v) {
                action(v.value(), Instant.ofEpochMilli(r.timestamp()));
                return;
            }
        } else if (OUTCOMES.decode(r) instanceof Decoded.Value<ActionOutcome> v) {
            outcome(v.value(), Instant.ofEpochMilli(r.timestamp()));
            return;
        }
        unreadable++;
    }

    private void finding(Finding f) {
        Target t = target(f.target());
        findings++;
        if (f.suppressed() != null) {
            suppressedFindings++;
            t.suppressedFindings++;
            return;
        }
        t.findings++;
        boolean afterLastHeal = t.lastHealedAt == null || f.detectedAt().isAfter(t.lastHealedAt);
        if (t.openSince == null && afterLastHeal) {
            t.openSince = f.detectedAt();
        }
    }

    private void action(HealingAction a, Instant written) {
        HealingAction.Spec spec = a.spec();
        Target t = target(spec.targetResource());
        actions++;
        t.actions++;
        String type = spec.action().type().wireName();
        actionsByType.merge(type, 1, Integer::sum);
        if (spec.detection() != null) {
            detectionLatenciesMs.add(
                    Duration.between(spec.detection().detectedAt(), written).toMillis());
        }
        HealingAction.Enrichment e = spec.enrichment();
        if (e != null) {
            if (e.source() != HealingAction.Enrichment.Source.NONE && e.model() != null) {
                llmModels.add(e.model());
            }
            if (isReply(e)) {
                llmReplies++;
            } else if (isFallback(e.fallbackReason())) {
                llmFallbacks++;
            }
        }
        note(
                written,
                "action    "
                        + spec.action().name()
                        + (spec.dryRun() ? " (dry run)" : "")
                        + " on "
                        + describe(spec.targetResource())
                        + " by "
                        + spec.policyRef().name());
    }

    private void outcome(ActionOutcome o, Instant written) {
        Target t = target(o.target());
        String phase = o.phase().name();
        outcomesByPhase.merge(phase, 1, Integer::sum);
        t.outcomes.merge(phase, 1, Integer::sum);
        String extra = "";
        if (o.phase() == ActionOutcome.Phase.Blocked) {
            String reason = reasonLabel(o.reason());
            blockedByReason.merge(reason, 1, Integer::sum);
            extra = " (" + reason + ")";
        } else if (o.phase() == ActionOutcome.Phase.Succeeded) {
            Instant finished = o.finishedAt() != null ? o.finishedAt() : written;
            if (t.openSince != null) {
                double seconds = Duration.between(t.openSince, finished).toMillis() / 1000.0;
                t.healSeconds.add(seconds);
                healSeconds.add(seconds);
                extra = String.format(" (healed %.0fs after the first finding)", seconds);
            }
            t.openSince = null;
            t.lastHealedAt = finished;
        }
        note(
                written,
                String.format("%-9s %s on %s%s", phase, o.action(), describe(o.target()), extra));
    }

    /**
     * A rule-based action is a fallback when the LLM was to be asked but did not answer in time,
     * failed, or its breaker was open; not when no LLM is configured or the policy turns it off.
     */
    /**
     * Whether an action was enriched by a valid LLM reply (one reused from the cache included): a
     * valid reply has a confidence; a failed call or a dropped reply has none.
     */
    static boolean isReply(HealingAction.Enrichment e) {
        return e.source() != HealingAction.Enrichment.Source.NONE && e.confidence() != null;
    }

    static boolean isFallback(String reason) {
        return reason != null
                && !reason.isBlank()
                && !reason.equals(EnrichmentFunction.NO_LLM)
                && !reason.startsWith("ai.enabled is false");
    }

    /** The label of a Blocked outcome's reason: the gate writes {@code label: message}. */
    static String reasonLabel(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        int colon = reason.indexOf(':');
        String label = (colon < 0 ? reason : reason.substring(0, colon)).trim();
        return label.matches("[a-z_]+") ? label : "other";
    }

    private void note(Instant at, String line) {
        recent.addLast(CLOCK.format(at) + " " + line);
        while (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    private static String describe(ResourceRef ref) {
        return ref.kind() + " " + ref.key();
    }

    private Target target(ResourceRef ref) {
        return targets.computeIfAbsent(
                ref.id(), id -> new Target(ref.kind(), ref.namespace(), ref.name()));
    }

    /** What has been read so far; a copy. */
    public synchronized LoopSnapshot snapshot() {
        List<LoopSnapshot.TargetTally> tallies = new ArrayList<>();
        for (Target t : targets.values()) {
            tallies.add(
                    new LoopSnapshot.TargetTally(
                            t.kind,
                            t.namespace,
                            t.name,
                            t.findings,
                            t.suppressedFindings,
                            t.actions,
                            new LinkedHashMap<>(t.outcomes),
                            List.copyOf(t.healSeconds)));
        }
        return new LoopSnapshot(
                tallies,
                findings,
                suppressedFindings,
                actions,
                new TreeMap<>(actionsByType),
                new TreeMap<>(outcomesByPhase),
                new TreeMap<>(blockedByReason),
                List.copyOf(detectionLatenciesMs),
                List.copyOf(healSeconds),
                llmReplies,
                llmFallbacks,
                List.copyOf(llmModels),
                List.copyOf(recent),
                unreadable);
    }

    @Override
    public void close() {
        running = false;
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) {
                consumer.close(Duration.ofSeconds(5));
            }
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What happened to one target so far. */
    private static final class Target {
        final String kind;
        final String namespace;
        final String name;
        int findings;
        int suppressedFindings;
        int actions;
        final Map<String, Integer> outcomes = new TreeMap<>();
        final List<Double> healSeconds = new ArrayList<>();
        Instant openSince;
        Instant lastHealedAt;

        Target(String kind, String namespace, String name) {
            this.kind = kind;
            this.namespace = namespace;
            this.name = name;
        }
    }
}

package io.kubeskippy.actuator;

import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.RecordCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the action topic (read_committed: the job writes actions in transactions) and hands each
 * record to the lane of its target. An offset is committed only once the outcomes of it and of
 * every earlier record of its partition are recorded; auto-commit is off. While too many records
 * are in flight the partitions are paused, and polling goes on, so a long verification never costs
 * the group membership.
 */
final class ActionConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActionConsumer.class);
    private static final RecordCodec<HealingAction> CODEC = RecordCodec.healingActions();
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

    /** Handles a record; its future completes when the outcome is recorded. */
    interface RecordHandler {
        CompletableFuture<Void> handle(
                Decoded<HealingAction> decoded, Instant producedAt, Instant consumedAt, byte[] raw)
                throws Exception;
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Lanes lanes;
    private final RecordHandler handler;
    private final int maxInFlight;
    private final Consumer<Throwable> onFailure;
    private final Map<TopicPartition, TreeMap<Long, CompletableFuture<Void>>> inFlight =
            new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile boolean killed;
    private long lastCommitNanos;

    ActionConsumer(
            String bootstrapServers,
            String groupId,
            String topic,
            Lanes lanes,
            RecordHandler handler,
            int maxInFlight,
            Consumer<Throwable> onFailure) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "kubeskippy-actuator");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.lanes = lanes;
        this.handler = handler;
        this.maxInFlight = maxInFlight;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "actuator-consumer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Whether partitions are assigned (the group was joined). */
    boolean assigned() {
        return assigned;
    }

    boolean running() {
        return running && thread.isAlive();
    }

    private void run() {
        try {
            consumer.subscribe(
                    List.of(topic),
                    new ConsumerRebalanceListener() {
                        @Override
                        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                            drain(partitions, Duration.ofSeconds(30));
                            commit(true);
                            partitions.forEach(inFlight::remove);
                        }

                        @Override
                        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                            assigned = true;
                        }
                    });
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    dispatch(r);
                }
                checkFailures();
                flowControl();
                commit(false);
            }
        } catch (WakeupException e) {
            // close() or kill()
        } catch (RuntimeException e) {
            LOG.error("The action consumer stopped: {}", e.toString(), e);
            onFailure.accept(e);
        } finally {
            if (!killed) {
                try {
                    drain(consumer.assignment(), Duration.ofSeconds(30));
                    commit(true);
                } catch (RuntimeException e) {
                    LOG.warn("Cannot commit the last offsets: {}", e.toString());
                }
            }
            consumer.close(killed ? Duration.ZERO : Duration.ofSeconds(10));
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
        Decoded<HealingAction> decoded = CODEC.decode(r);
        String lane =
                decoded instanceof Decoded.Value<HealingAction> v
                        ? v.value().spec().targetResource().id()
                        : r.key() == null
                                ? ""
                                : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        Instant producedAt = Instant.ofEpochMilli(r.timestamp());
        Instant consumedAt = Instant.now();
        CompletableFuture<Void> done =
                lanes.submit(
                        lane, () -> handler.handle(decoded, producedAt, consumedAt, r.value()));
        inFlight.computeIfAbsent(
                        new TopicPartition(r.topic(), r.partition()), tp -> new TreeMap<>())
                .put(r.offset(), done);
    }

    /** A record whose outcome could not be recorded stops the consumer, uncommitted. */
    private void checkFailures() {
        for (TreeMap<Long, CompletableFuture<Void>> pending : inFlight.values()) {
            for (CompletableFuture<Void> f : pending.values()) {
                if (f.isCompletedExceptionally()) {
                    Throwable cause = f.handle((ok, error) -> error).join();
                    throw new IllegalStateException(
                            "an outcome could not be recorded: " + cause, cause);
                }
                if (!f.isDone()) {
                    break;
                }
            }
        }
    }

    private void flowControl() {
        int pending = inFlight.values().stream().mapToInt(TreeMap::size).sum();
        if (pending > maxInFlight) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    /** Commits, per partition, up to the first record whose outcome is not recorded yet. */
    private void commit(boolean sync) {
        long now = System.nanoTime();
        if (!sync && now - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, TreeMap<Long, CompletableFuture<Void>>> e :
                inFlight.entrySet()) {
            TreeMap<Long, CompletableFuture<Void>> pending = e.getValue();
            Long next = null;
            while (!pending.isEmpty()) {
                Map.Entry<Long, CompletableFuture<Void>> first = pending.firstEntry();
                CompletableFuture<Void> f = first.getValue();
                if (!f.isDone() || f.isCompletedExceptionally()) {
                    break;
                }
                next = first.getKey() + 1;
                pending.pollFirstEntry();
            }
            if (next != null) {
                offsets.put(e.getKey(), new OffsetAndMetadata(next));
            }
        }
        lastCommitNanos = now;
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(
                    offsets,
                    (committed, error) -> {
                        if (error != null) {
                            LOG.warn("Cannot commit offsets {}: {}", committed, error.toString());
                        }
                    });
        }
    }

    /** Waits at most {@code timeout} for the records in flight on {@code partitions}. */
    private void drain(Collection<TopicPartition> partitions, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopicPartition tp : partitions) {
            TreeMap<Long, CompletableFuture<Void>> pending = inFlight.get(tp);
            if (pending == null) {
                continue;
            }
            for (CompletableFuture<Void> f : pending.values()) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    return;
                }
            }
        }
    }

    /** Stops after the records in flight are recorded (at most 30 s), committing them. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        join();
    }

    /** Stops at once, committing nothing more: what a crash does. */
    void kill() {
        killed = true;
        running = false;
        consumer.wakeup();
        join();
    }

    private void join() {
        try {
            thread.join(Duration.ofSeconds(60).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

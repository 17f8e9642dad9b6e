package io.kubeskippy.ingest.kubernetes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubeskippy.ingest.RecordPublisher;
import io.kubeskippy.ingest.kubernetes.PublishedVersions.Version;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.RecordCodec;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an informer's notifications into {@link WatchEvent} records on one topic.
 *
 * <p>An add or update is published only when the object's (uid, resourceVersion) differs from the
 * one last published, so resyncs and relists publish nothing for unchanged objects. A delete
 * publishes DELETED with the last known state and, on a compacted topic, then a tombstone with the
 * same key. An object recreated under the same name (new uid) whose delete was missed is published
 * as DELETED of the old one, its tombstone, then ADDED of the new one.
 */
final class WatchEventHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

    private static final Logger LOG = LoggerFactory.getLogger(WatchEventHandler.class);
    private static final long LOG_INTERVAL_MS = 10_000;

    private final String topic;
    private final boolean tombstoneOnDelete;
    private final RecordPublisher publisher;
    private final KubernetesSerialization serialization;
    private final Clock clock;
    private final PublishedVersions versions;
    private final WatchCounters counters;
    private final RecordCodec<WatchEvent> codec = RecordCodec.watchEvents();
    private final AtomicLong lastErrorLogMs = new AtomicLong(Long.MIN_VALUE / 2);

    WatchEventHandler(
            String topic,
            boolean tombstoneOnDelete,
            RecordPublisher publisher,
            KubernetesSerialization serialization,
            Clock clock,
            PublishedVersions versions,
            WatchCounters counters) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.tombstoneOnDelete = tombstoneOnDelete;
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.serialization = Objects.requireNonNull(serialization, "serialization");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.versions = Objects.requireNonNull(versions, "versions");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    @Override
    public void onAdd(T object) {
        changed(null, object, WatchEvent.Type.ADDED);
    }

    @Override
    public void onUpdate(T oldObject, T newObject) {
        changed(oldObject, newObject, WatchEvent.Type.MODIFIED);
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
        // finalStateUnknown: the delete happened while the watch was down; the object is the
        // last state the informer saw, which is the best there is.
        versions.remove(id(object));
        deleted(object);
    }

    private void changed(T oldObject, T object, WatchEvent.Type reported) {
        String id = id(object);
        Version now = version(object);
        Version last = versions.get(id);
        if (now.equals(last)) {
            counters.countDuplicateSuppressed();
            return;
        }
        WatchEvent.Type type = reported;
        if (last != null && last.uid().equals(now.uid())) {
            // Seen before under this uid: a change, even if an informer restart calls it an add.
            type = WatchEvent.Type.MODIFIED;
        } else if (last != null) {
            // Same name, new uid: the old object was deleted while we were not looking.
            if (oldObject != null && last.uid().equals(version(oldObject).uid())) {
                deleted(oldObject);
            }
            type = WatchEvent.Type.ADDED;
        }
        WatchEvent event = convert(type, object);
        if (event == null) {
            return;
        }
        versions.put(id, now);
        send(event.key(), codec.encode(event))
                .whenComplete(
                        (ok, error) -> {
                            if (error != null) {
                                // Forget it, so the next resync publishes it again.
                                versions.forget(id, now);
                            }
                        });
    }

    private void deleted(T object) {
        WatchEvent event = convert(WatchEvent.Type.DELETED, object);
        if (event == null) {
            return;
        }
        String key = event.key();
        send(key, codec.encode(event));
        if (tombstoneOnDelete) {
            counters.countTombstone();
            send(key, null);
        }
    }

    private java.util.concurrent.CompletableFuture<Void> send(String key, byte[] value) {
        counters.countPublished(topic);
        return publisher
                .publish(topic, key, value)
                .whenComplete(
                        (ok, error) -> {
                            if (error != null) {
                                counters.countError();
                                logRarely(
                                        "cannot publish {} of {} to {}: {}",
                                        value == null ? "the tombstone" : "the record",
                                        key,
                                        topic,
                                        error.toString());
                            }
                        });
    }

    /** The record for {@code object}, or null (counted and logged) if it cannot be one. */
    private WatchEvent convert(WatchEvent.Type type, T object) {
        try {
            return toWatchEvent(type, object, serialization, clock.instant());
        } catch (RuntimeException e) {
            counters.countError();
            logRarely("cannot convert {} {}: {}", object.getKind(), id(object), e.getMessage());
            return null;
        }
    }

    /** The object as the API serves it, wrapped as a watch event; managedFields are dropped. */
    static WatchEvent toWatchEvent(
            WatchEvent.Type type,
            HasMetadata object,
            KubernetesSerialization serialization,
            Instant observedAt) {
        ObjectNode node = serialization.convertValue(object, ObjectNode.class);
        return new WatchEvent(type, observedAt, node);
    }

    static String id(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        String namespace = meta == null ? null : meta.getNamespace();
        String name = meta == null ? null : meta.getName();
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    static Version version(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return new Version(
                meta == null || meta.getUid() == null ? "" : meta.getUid(),
                meta == null || meta.getResourceVersion() == null ? "" : meta.getResourceVersion());
    }

    private void logRarely(String format, Object... args) {
        long now = System.currentTimeMillis();
        long last = lastErrorLogMs.get();
        if (now - last >= LOG_INTERVAL_MS && lastErrorLogMs.compareAndSet(last, now)) {
            LOG.warn(format + " (errors so far: {})", append(args, counters.errors()));
        }
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}

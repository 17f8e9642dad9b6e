package io.kubeskippy.demo.cluster;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core v1 Events through the API as the kubelet and controllers do: a repeat of the same
 * reason and message on the same object within ten minutes updates the existing Event (count + 1,
 * lastTimestamp), as the client-go event correlator does, so a watch sees MODIFIED. Not
 * thread-safe: used by the simulation's thread only.
 */
final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final long AGGREGATE_MS = 10 * 60 * 1000L;
    private static final DateTimeFormatter MICRO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Who reports an event. */
    record Source(String component, String host) {}

    private record Key(String uid, String reason, String message) {}

    private record Recorded(String name, String namespace, long lastMs) {}

    private final KubernetesClient client;
    private final Map<Key, Recorded> recent =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, Recorded> eldest) {
                    return size() > 4096;
                }
            };
    private long created;
    private long failed;

    EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Records an event on {@code object}; {@code fieldPath} may be null. Never throws. */
    void record(
            HasMetadata object,
            String fieldPath,
            String type,
            String reason,
            String message,
            Source source,
            Instant now) {
        String namespace = object.getMetadata().getNamespace();
        String uid = object.getMetadata().getUid();
        Key key = new Key(uid, reason, message);
        try {
            Recorded previous = recent.get(key);
            if (previous != null && now.toEpochMilli() - previous.lastMs() < AGGREGATE_MS) {
                Event updated =
                        client.v1()
                                .events()
                                .inNamespace(previous.namespace())
                                .withName(previous.name())
                                .edit(
                                        e -> {
                                            e.setCount(e.getCount() == null ? 2 : e.getCount() + 1);
                                            e.setLastTimestamp(timestamp(now));
                                            return e;
                                        });
                if (updated != null) {
                    recent.put(
                            key,
                            new Recorded(
                                    previous.name(), previous.namespace(), now.toEpochMilli()));
                    return;
                }
            }
            String name =
                    object.getMetadata().getName()
                            + "."
                            + Long.toHexString(
                                    now.toEpochMilli() * 1_000_000L + (created++ % 1_000_000L));
            Event event =
                    new EventBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace == null ? "default" : namespace)
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion(object.getApiVersion())
                            .withKind(object.getKind())
                            .withNamespace(namespace)
                            .withName(object.getMetadata().getName())
                            .withUid(uid)
                            .withResourceVersion(object.getMetadata().getResourceVersion())
                            .withFieldPath(fieldPath)
                            .endInvolvedObject()
                            .withType(type)
                            .withReason(reason)
                            .withMessage(message)
                            .withCount(1)
                            .withFirstTimestamp(timestamp(now))
                            .withLastTimestamp(timestamp(now))
                            .withEventTime(
                                    new MicroTime(MICRO.format(now.truncatedTo(ChronoUnit.MICROS))))
                            .withNewSource()
                            .withComponent(source.component())
                            .withHost(source.host())
                            .endSource()
                            .withReportingComponent(source.component())
                            .withReportingInstance(
                                    source.host() == null ? source.component() : source.host())
                            .withAction(reason)
                            .build();
            client.v1()
                    .events()
                    .inNamespace(event.getMetadata().getNamespace())
                    .resource(event)
                    .create();
            recent.put(
                    key,
                    new Recorded(name, event.getMetadata().getNamespace(), now.toEpochMilli()));
        } catch (KubernetesClientException e) {
            failed++;
            LOG.debug(
                    "cannot record event {} on {}: {}",
                    reason,
                    object.getMetadata().getName(),
                    e.getMessage());
        }
    }

    /** Events that could not be written. */
    long failed() {
        return failed;
    }

    static String timestamp(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}

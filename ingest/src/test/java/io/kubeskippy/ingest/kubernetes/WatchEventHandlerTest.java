package io.kubeskippy.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubeskippy.ingest.TestingRecordPublisher;
import io.kubeskippy.ingest.TestingRecordPublisher.Sent;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conversion, keys, and the de-duplication of resyncs and relists. */
class WatchEventHandlerTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String PODS = "skippy.pods";
    private static final String EVENTS = "skippy.events";
    private static final RecordCodec<WatchEvent> CODEC = RecordCodec.watchEvents();

    private final TestingRecordPublisher publisher = new TestingRecordPublisher();
    private final WatchCounters counters = new WatchCounters();
    private final WatchEventHandler<Pod> pods = handler(PODS, true, 1000);

    private WatchEventHandler<Pod> handler(String topic, boolean tombstones, int maxTracked) {
        return new WatchEventHandler<>(
                topic,
                tombstones,
                publisher,
                new KubernetesSerialization(),
                Clock.fixed(T0, ZoneOffset.UTC),
                new PublishedVersions(maxTracked),
                counters);
    }

    private static Pod pod(String namespace, String name, String uid, String resourceVersion) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withUid(uid)
                .withResourceVersion(resourceVersion)
                .addToLabels("app", "cart")
                .withManagedFields(
                        new ManagedFieldsEntryBuilder()
                                .withManager("kubectl")
                                .withOperation("Update")
                                .build())
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("shop/cart:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build();
    }

    private static WatchEvent decode(Sent sent) {
        return CODEC.decodeOrThrow(sent.value().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void publishesAddedPodKeyedByNamespaceAndNameWithoutManagedFields() {
        pods.onAdd(pod("shop", "cart-1", "u1", "10"));

        List<Sent> sent = publisher.sent();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).topic()).isEqualTo(PODS);
        assertThat(sent.get(0).key()).isEqualTo("shop/cart-1");
        WatchEvent event = decode(sent.get(0));
        assertThat(event.type()).isEqualTo(WatchEvent.Type.ADDED);
        assertThat(event.observedAt()).isEqualTo(T0);
        assertThat(event.kind()).isEqualTo("Pod");
        assertThat(event.object().path("apiVersion").asText()).isEqualTo("v1");
        assertThat(event.object().path("metadata").has("managedFields")).isFalse();
        assertThat(sent.get(0).value()).doesNotContain("managedFields");
        assertThat(event.object().at("/metadata/labels/app").asText()).isEqualTo("cart");
        assertThat(event.object().at("/status/phase").asText()).isEqualTo("Running");
        assertThat(event.object().at("/spec/containers/0/image").asText()).isEqualTo("shop/cart:1");
        assertThat(counters.published(PODS)).isEqualTo(1);
    }

    @Test
    void keysAnEventByItsInvolvedObject() {
        WatchEventHandler<Event> events =
                new WatchEventHandler<>(
                        EVENTS,
                        false,
                        publisher,
                        new KubernetesSerialization(),
                        Clock.fixed(T0, ZoneOffset.UTC),
                        new PublishedVersions(10),
                        counters);
        Event event =
                new EventBuilder()
                        .withNewMetadata()
                        .withNamespace("shop")
                        .withName("cart-1.17a2b")
                        .withUid("e1")
                        .withResourceVersion("5")
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withKind("Pod")
                        .withNamespace("shop")
                        .withName("cart-1")
                        .endInvolvedObject()
                        .withReason("BackOff")
                        .withType("Warning")
                        .build();

        events.onAdd(event);
        events.onDelete(event, false);

        List<Sent> sent = publisher.sent();
        assertThat(sent).extracting(Sent::key).containsExactly("shop/cart-1", "shop/cart-1");
        assertThat(decode(sent.get(0)).kind()).isEqualTo("Event");
        assertThat(decode(sent.get(0)).object().path("reason").asText()).isEqualTo("BackOff");
        // skippy.events is not compacted and keyed by the pod: a DELETED, never a tombstone.
        assertThat(decode(sent.get(1)).type()).isEqualTo(WatchEvent.Type.DELETED);
        assertThat(sent).noneMatch(Sent::isTombstone);
    }

    @Test
    void resyncWithAnUnchangedResourceVersionPublishesNothing() {
        Pod pod = pod("shop", "cart-1", "u1", "10");
        pods.onAdd(pod);
        pods.onUpdate(pod, pod);
        pods.onUpdate(pod, pod("shop", "cart-1", "u1", "10"));

        assertThat(publisher.sent()).hasSize(1);
        assertThat(counters.duplicatesSuppressed()).isEqualTo(2);
    }

    @Test
    void changedResourceVersionPublishesModified() {
        Pod v10 = pod("shop", "cart-1", "u1", "10");
        Pod v11 = pod("shop", "cart-1", "u1", "11");
        pods.onAdd(v10);
        pods.onUpdate(v10, v11);

        assertThat(publisher.sent())
                .extracting(s -> decode(s).type())
                .containsExactly(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED);
        assertThat(decode(publisher.sent().get(1)).resourceVersion()).isEqualTo("11");
    }

    @Test
    void relistAfterReconnectOrGonePublishesOnlyWhatChanged() {
        // An informer that relists (after a 410 Gone, or restarted) notifies every object again:
        // as updates from its cache, or as adds when the cache is new.
        pods.onAdd(pod("shop", "cart-1", "u1", "10"));
        pods.onAdd(pod("shop", "cart-2", "u2", "20"));
        publisher.clear();

        pods.onUpdate(pod("shop", "cart-1", "u1", "10"), pod("shop", "cart-1", "u1", "10"));
        pods.onAdd(pod("shop", "cart-2", "u2", "20"));
        pods.onAdd(pod("shop", "cart-2", "u2", "25"));

        assertThat(publisher.sent()).hasSize(1);
        WatchEvent changed = decode(publisher.sent().get(0));
        assertThat(changed.name()).isEqualTo("cart-2");
        // Seen before under this uid, so it is a change even though the informer says "add".
        assertThat(changed.type()).isEqualTo(WatchEvent.Type.MODIFIED);
        assertThat(counters.duplicatesSuppressed()).isEqualTo(2);
    }

    @Test
    void deletedPodGivesItsDeletedRecordThenATombstone() {
        Pod pod = pod("shop", "cart-1", "u1", "10");
        pods.onAdd(pod);
        pods.onDelete(pod("shop", "cart-1", "u1", "12"), false);

        List<Sent> sent = publisher.sent();
        assertThat(sent).extracting(Sent::key).containsOnly("shop/cart-1");
        assertThat(sent).hasSize(3);
        WatchEvent deleted = decode(sent.get(1));
        assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETED);
        assertThat(deleted.resourceVersion()).isEqualTo("12");
        assertThat(deleted.object().path("metadata").has("managedFields")).isFalse();
        assertThat(sent.get(2).isTombstone()).isTrue();
        assertThat(counters.tombstones()).isEqualTo(1);
        assertThat(counters.published(PODS)).isEqualTo(3);
    }

    @Test
    void deleteForgetsTheObjectSoARecreatedOneIsPublished() {
        pods.onAdd(pod("shop", "cart-1", "u1", "10"));
        pods.onDelete(pod("shop", "cart-1", "u1", "10"), false);
        pods.onAdd(pod("shop", "cart-1", "u1", "10"));

        assertThat(publisher.sent()).hasSize(4);
        assertThat(decode(publisher.sent().get(3)).type()).isEqualTo(WatchEvent.Type.ADDED);
    }

    @Test
    void podRecreatedUnderTheSameNameWhileUnwatchedGivesDeletedTombstoneAdded() {
        Pod old = pod("shop", "db-0", "u1", "10");
        Pod recreated = pod("shop", "db-0", "u2", "30");
        pods.onAdd(old);
        publisher.clear();

        pods.onUpdate(old, recreated);

        List<Sent> sent = publisher.sent();
        assertThat(sent).hasSize(3);
        assertThat(decode(sent.get(0)).type()).isEqualTo(WatchEvent.Type.DELETED);
        assertThat(decode(sent.get(0)).uid()).isEqualTo("u1");
        assertThat(sent.get(1).isTombstone()).isTrue();
        assertThat(decode(sent.get(2)).type()).isEqualTo(WatchEvent.Type.ADDED);
        assertThat(decode(sent.get(2)).uid()).isEqualTo("u2");
    }

    @Test
    void failedPublishIsRetriedByTheNextResync() {
        Pod pod = pod("shop", "cart-1", "u1", "10");
        publisher.failing(true);
        pods.onAdd(pod);
        assertThat(counters.errors()).isEqualTo(1);

        publisher.failing(false);
        pods.onUpdate(pod, pod);

        assertThat(publisher.sent()).hasSize(1);
        assertThat(decode(publisher.sent().get(0)).resourceVersion()).isEqualTo("10");
        // And once it is out, resyncs are quiet again.
        pods.onUpdate(pod, pod);
        assertThat(publisher.sent()).hasSize(1);
    }

    @Test
    void objectWithoutANameIsCountedAsAnErrorNotPublished() {
        Pod nameless = pod("shop", null, "u1", "10");
        pods.onAdd(nameless);

        assertThat(publisher.sent()).isEmpty();
        assertThat(counters.errors()).isEqualTo(1);
    }
}

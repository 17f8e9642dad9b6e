package io.kubeskippy.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeskippy.ingest.KubernetesKafkaTestBase;
import io.kubeskippy.ingest.TestingTopicReader;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Pods and Events created, changed and deleted through the real fabric8 client in fabric8's mock
 * API server (CRUD mode) arrive on a real Kafka broker with the right keys, and tombstones follow
 * pod deletes.
 */
class KubernetesWatchITCase extends KubernetesKafkaTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RecordCodec<WatchEvent> CODEC = RecordCodec.watchEvents();
    private static final AtomicInteger RUN = new AtomicInteger();

    /** Fresh topics per test, so one test's records never show up in another's. */
    private static Topics freshTopics() throws Exception {
        int run = RUN.incrementAndGet();
        Topics topics =
                Topics.defaults()
                        .with(Topic.PODS, "it.pods." + run)
                        .with(Topic.EVENTS, "it.events." + run);
        kafka.createTopics(topics, 2);
        return topics;
    }

    private static ClusterWatch watch(
            KubernetesClient via, Topics topics, ClusterWatchOptions options) throws Exception {
        ClusterWatch watch = new ClusterWatch(via, publisher, topics, options);
        watch.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return watch;
    }

    private static Pod pod(String namespace, String name, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(labels)
                .withManagedFields(
                        new ManagedFieldsEntryBuilder()
                                .withManager("kubectl-client-side-apply")
                                .withOperation("Update")
                                .withApiVersion("v1")
                                .build())
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("shop/cart:1")
                .endContainer()
                .endSpec()
                .build();
    }

    private static WatchEvent decode(ConsumerRecord<String, String> record) {
        return CODEC.decodeOrThrow(record.value().getBytes(StandardCharsets.UTF_8));
    }

    /** The record types of {@code records}, "tombstone" for a null value. */
    private static List<String> types(List<ConsumerRecord<String, String>> records) {
        return records.stream()
                .map(r -> r.value() == null ? "tombstone" : decode(r).type().name())
                .toList();
    }

    @Test
    void podsCreatedChangedAndDeletedArriveKeyedByNamespaceAndPodWithATombstoneAfterDelete()
            throws Exception {
        Topics topics = freshTopics();
        try (ClusterWatch watch =
                        watch(
                                client,
                                topics,
                                ClusterWatchOptions.defaults()
                                        .withNamespaces(List.of("shop"))
                                        .withResync(Duration.ofSeconds(1)));
                TestingTopicReader pods =
                        new TestingTopicReader(kafka.bootstrapServers(), topics.pods())) {
            client.pods().inNamespace("shop").resource(pod("shop", "cart-1", Map.of())).create();
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(types(pods.poll("shop/cart-1")))
                                            .containsExactly("ADDED"));

            client.pods()
                    .inNamespace("shop")
                    .withName("cart-1")
                    .edit(
                            p ->
                                    new PodBuilder(p)
                                            .editMetadata()
                                            .addToLabels("tier", "web")
                                            .endMetadata()
                                            .build());
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(types(pods.poll("shop/cart-1")))
                                            .containsExactly("ADDED", "MODIFIED"));

            // Resyncs every second replay the informer's cache: nothing new is published.
            await().atMost(WAIT).until(() -> watch.duplicatesSuppressed() >= 2);
            assertThat(types(pods.poll("shop/cart-1"))).containsExactly("ADDED", "MODIFIED");

            client.pods().inNamespace("shop").withName("cart-1").delete();
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(types(pods.poll("shop/cart-1")))
                                            .containsExactly(
                                                    "ADDED", "MODIFIED", "DELETED", "tombstone"));

            List<ConsumerRecord<String, String>> records = pods.poll("shop/cart-1");
            WatchEvent modified = decode(records.get(1));
            assertThat(modified.object().at("/metadata/labels/tier").asText()).isEqualTo("web");
            assertThat(modified.kind()).isEqualTo("Pod");
            // Compacted topic: one partition per key, so DELETED and its tombstone stay in order.
            assertThat(records)
                    .extracting(ConsumerRecord::partition)
                    .containsOnly(records.get(0).partition());
            for (ConsumerRecord<String, String> r : records.subList(0, 3)) {
                assertThat(r.value()).doesNotContain("managedFields");
                assertThat(decode(r).object().path("metadata").has("managedFields")).isFalse();
            }
            assertThat(watch.counters().tombstones()).isEqualTo(1);
            assertThat(watch.published(topics.pods())).isEqualTo(4);
            assertThat(watch.errors()).isZero();
        }
    }

    @Test
    void eventsArriveKeyedByNamespaceAndInvolvedObjectName() throws Exception {
        Topics topics = freshTopics();
        try (ClusterWatch watch =
                        watch(
                                client,
                                topics,
                                ClusterWatchOptions.defaults().withNamespaces(List.of("billing")));
                TestingTopicReader events =
                        new TestingTopicReader(kafka.bootstrapServers(), topics.events())) {
            client.v1()
                    .events()
                    .inNamespace("billing")
                    .resource(
                            new EventBuilder()
                                    .withNewMetadata()
                                    .withNamespace("billing")
                                    .withName("invoice-7f9c.1a2b3c")
                                    .endMetadata()
                                    .withNewInvolvedObject()
                                    .withApiVersion("v1")
                                    .withKind("Pod")
                                    .withNamespace("billing")
                                    .withName("invoice-7f9c")
                                    .endInvolvedObject()
                                    .withReason("BackOff")
                                    .withType("Warning")
                                    .withMessage("Back-off restarting failed container")
                                    .withCount(1)
                                    .build())
                    .create();
            client.v1()
                    .events()
                    .inNamespace("billing")
                    .withName("invoice-7f9c.1a2b3c")
                    .edit(e -> new EventBuilder(e).withCount(2).build());
            client.v1().events().inNamespace("billing").withName("invoice-7f9c.1a2b3c").delete();

            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(types(events.poll("billing/invoice-7f9c")))
                                            .containsExactly("ADDED", "MODIFIED", "DELETED"));
            List<ConsumerRecord<String, String>> records = events.poll();
            assertThat(records)
                    .extracting(ConsumerRecord::key)
                    .containsOnly("billing/invoice-7f9c");
            WatchEvent changed = decode(records.get(1));
            assertThat(changed.kind()).isEqualTo("Event");
            assertThat(changed.object().path("count").asInt()).isEqualTo(2);
            assertThat(changed.object().path("reason").asText()).isEqualTo("BackOff");
            assertThat(watch.counters().tombstones()).isZero();
        }
    }

    @Test
    void watchesOnlyTheConfiguredNamespacesAndLabels() throws Exception {
        Topics topics = freshTopics();
        try (ClusterWatch watch =
                        watch(
                                client,
                                topics,
                                ClusterWatchOptions.defaults()
                                        .withNamespaces(List.of("team-a", "team-b"))
                                        .withPodLabelSelector("app=cart"));
                TestingTopicReader pods =
                        new TestingTopicReader(kafka.bootstrapServers(), topics.pods())) {
            for (String ns : List.of("team-a", "team-b", "team-c")) {
                client.pods()
                        .inNamespace(ns)
                        .resource(pod(ns, "cart", Map.of("app", "cart")))
                        .create();
                client.pods().inNamespace(ns).resource(pod(ns, "db", Map.of("app", "db"))).create();
            }
            // A marker created last: once it is in, everything before it has been seen.
            client.pods()
                    .inNamespace("team-b")
                    .resource(pod("team-b", "marker", Map.of("app", "cart")))
                    .create();

            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(pods.poll())
                                            .extracting(ConsumerRecord::key)
                                            .contains("team-b/marker"));
            assertThat(pods.poll())
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder("team-a/cart", "team-b/cart", "team-b/marker");
            assertThat(watch.hasSynced()).isTrue();
        }
    }

    @Test
    void watchesAllNamespacesThroughAnExplicitKubeconfigFile() throws Exception {
        Topics topics = freshTopics();
        Path kubeconfig =
                cluster.writeKubeconfig(
                        Files.createTempDirectory(Path.of("target"), "kubeconfig-it-"));
        try (KubernetesClient viaFile = ClusterAccess.kubeconfig(kubeconfig).connect();
                ClusterWatch watch = watch(viaFile, topics, ClusterWatchOptions.defaults());
                TestingTopicReader pods =
                        new TestingTopicReader(kafka.bootstrapServers(), topics.pods())) {
            client.pods().inNamespace("north").resource(pod("north", "api-1", Map.of())).create();
            client.pods().inNamespace("south").resource(pod("south", "api-1", Map.of())).create();

            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(pods.poll())
                                            .extracting(ConsumerRecord::key)
                                            .contains("north/api-1", "south/api-1"));
            assertThat(watch.errors()).isZero();
        }
    }
}

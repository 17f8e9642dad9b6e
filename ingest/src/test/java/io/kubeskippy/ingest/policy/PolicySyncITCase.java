package io.kubeskippy.ingest.policy;

import static io.kubeskippy.ingest.policy.PolicyFixtures.invalid;
import static io.kubeskippy.ingest.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.kubeskippy.ingest.KubernetesKafkaTestBase;
import io.kubeskippy.ingest.TestingTopicReader;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.serde.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policy files and HealingPolicy resources reach a real broker's policy topic; invalid ones never
 * do, and the last good version stays what the compacted topic holds.
 */
class PolicySyncITCase extends KubernetesKafkaTestBase {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySyncITCase.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The bound: an edited file is republished within 2 s. */
    private static final Duration REPUBLISH = Duration.ofSeconds(2);

    private static final AtomicInteger RUN = new AtomicInteger();

    private static String freshTopic() throws Exception {
        Topics topics =
                Topics.defaults().with(Topic.POLICIES, "it.policies." + RUN.incrementAndGet());
        kafka.createTopics(topics, 2);
        return topics.policies();
    }

    private static Path freshDirectory() throws Exception {
        return Files.createTempDirectory(Path.of("target"), "policies-it-").toAbsolutePath();
    }

    private static PolicySync started(String topic, PolicySyncOptions options) throws Exception {
        PolicySync sync = new PolicySync(publisher, topic, options, client);
        sync.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return sync;
    }

    private static String horizonOf(String json) throws Exception {
        JsonNode document = Json.mapper().readTree(json);
        return document.at("/spec/triggers/0/trendTrigger/horizon").asText();
    }

    /** Writes {@code text} the way an editor saving in place does. */
    private static void write(Path file, String text) throws Exception {
        Files.writeString(file, text);
    }

    /** Waits for {@code horizon} on {@code key}, asserting the 2 s bound; returns the latency. */
    private static long awaitRepublished(TestingTopicReader reader, String key, String horizon) {
        long start = System.nanoTime();
        await().atMost(REPUBLISH)
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(
                        () -> {
                            String value = reader.latest().get(key);
                            assertThat(value).isNotNull();
                            assertThat(horizonOf(value)).isEqualTo(horizon);
                        });
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void publishesAPolicyFileAndRepublishesAnEditWithinTwoSeconds() throws Exception {
        String topic = freshTopic();
        Path dir = freshDirectory();
        Path file = dir.resolve("memory-leak.yaml");
        write(file, policy("memory-leak", "15m"));

        try (PolicySync sync = started(topic, PolicySyncOptions.directory(dir));
                TestingTopicReader reader =
                        new TestingTopicReader(kafka.bootstrapServers(), topic)) {
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(reader.latest()).containsOnlyKeys("memory-leak"));
            assertThat(sync.reloadSuccess()).isEqualTo(1);
            assertThat(sync.lastSuccessTimestampSeconds()).isPositive();
            assertThat(sync.activePolicies()).containsOnlyKeys("memory-leak");

            long[] latencies = new long[3];
            String[] horizons = {"20m", "25m", "30m"};
            for (int i = 0; i < horizons.length; i++) {
                write(file, policy("memory-leak", horizons[i]));
                latencies[i] = awaitRepublished(reader, "memory-leak", horizons[i]);
            }
            LOG.info(
                    "Edited policy file republished after {} ms (write to record read back)",
                    java.util.Arrays.toString(latencies));

            // Rewriting the same content (touch, or a layout-only edit) publishes nothing.
            write(file, "# same policy\n" + policy("memory-leak", "30m"));
            sync.reloadNow();
            Thread.sleep(300);
            assertThat(reader.poll("memory-leak")).hasSize(4);
            assertThat(sync.publishedCount()).isEqualTo(4);
        }
    }

    @Test
    void keepsLastGoodPolicyWhenFileIsInvalidAndRemovesADeletedOne() throws Exception {
        String topic = freshTopic();
        Path dir = freshDirectory();
        Path file = dir.resolve("memory-leak.yaml");
        write(file, policy("memory-leak", "15m"));
        write(dir.resolve("other.yml"), policy("other", "15m"));

        try (PolicySync sync = started(topic, PolicySyncOptions.directory(dir));
                TestingTopicReader reader =
                        new TestingTopicReader(kafka.bootstrapServers(), topic)) {
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(reader.latest())
                                            .containsOnlyKeys("memory-leak", "other"));
            double firstSuccess = sync.lastSuccessTimestampSeconds();

            write(file, invalid("memory-leak"));
            await().atMost(REPUBLISH).until(() -> sync.reloadSuccess() == 0);
            sync.reloadNow(); // and once more: nothing changes on a rescan either
            Thread.sleep(500);
            assertThat(reader.poll("memory-leak")).hasSize(1);
            assertThat(horizonOf(reader.latest().get("memory-leak"))).isEqualTo("15m");
            assertThat(sync.rejectedCount()).isEqualTo(1);
            assertThat(sync.activePolicies()).containsOnlyKeys("memory-leak", "other");
            assertThat(sync.lastSuccessTimestampSeconds()).isEqualTo(firstSuccess);

            write(file, policy("memory-leak", "45m"));
            awaitRepublished(reader, "memory-leak", "45m");
            await().atMost(REPUBLISH).until(() -> sync.reloadSuccess() == 1);
            assertThat(sync.lastSuccessTimestampSeconds()).isGreaterThan(firstSuccess);

            Files.delete(dir.resolve("other.yml"));
            await().atMost(REPUBLISH)
                    .untilAsserted(
                            () -> {
                                List<ConsumerRecord<String, String>> records = reader.poll("other");
                                assertThat(records).hasSize(2);
                                assertThat(records.get(1).value()).isNull();
                            });
            assertThat(reader.latest()).containsOnlyKeys("memory-leak");
            assertThat(sync.tombstoneCount()).isEqualTo(1);
        }
    }

    @Test
    void followsTheConfigMapSymlinkSwap() throws Exception {
        String topic = freshTopic();
        Path dir = freshDirectory();
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_22_10_00_00.100"));
        write(v1.resolve("memory-leak.yaml"), policy("memory-leak", "15m"));
        write(v1.resolve("crash-loop.yaml"), policy("crash-loop", "15m"));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        for (String name : List.of("memory-leak.yaml", "crash-loop.yaml")) {
            Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
        }

        try (PolicySync sync = started(topic, PolicySyncOptions.directory(dir));
                TestingTopicReader reader =
                        new TestingTopicReader(kafka.bootstrapServers(), topic)) {
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(reader.latest())
                                            .containsOnlyKeys("memory-leak", "crash-loop"));

            // The kubelet's update: write a new timestamped directory, swap ..data atomically,
            // then delete the old one. crash-loop.yaml is gone from the new ConfigMap.
            Path v2 = Files.createDirectory(dir.resolve("..2026_11_22_10_05_00.200"));
            write(v2.resolve("memory-leak.yaml"), policy("memory-leak", "30m"));
            Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(
                    dir.resolve("..data_tmp"),
                    dir.resolve("..data"),
                    StandardCopyOption.ATOMIC_MOVE);
            long latency = awaitRepublished(reader, "memory-leak", "30m");
            LOG.info("ConfigMap swap republished after {} ms", latency);
            Files.delete(dir.resolve("crash-loop.yaml"));
            Files.delete(v1.resolve("memory-leak.yaml"));
            Files.delete(v1.resolve("crash-loop.yaml"));
            Files.delete(v1);

            await().atMost(REPUBLISH)
                    .untilAsserted(
                            () -> assertThat(reader.latest()).containsOnlyKeys("memory-leak"));
            assertThat(reader.poll("crash-loop")).last().extracting(ConsumerRecord::value).isNull();
            assertThat(sync.reloadSuccess()).isEqualTo(1);
        }
    }

    @Test
    void restartPublishesOnlyWhatChangedAndRemovesWhatWentAwayMeanwhile() throws Exception {
        String topic = freshTopic();
        Path dir = freshDirectory();
        write(dir.resolve("a.yaml"), policy("kept", "15m"));
        write(dir.resolve("b.yaml"), policy("dropped", "15m"));
        try (PolicySync first = started(topic, PolicySyncOptions.directory(dir))) {
            await().atMost(WAIT).until(() -> first.publishedCount() == 2);
        }
        Files.delete(dir.resolve("b.yaml"));
        write(dir.resolve("c.yaml"), policy("added", "15m"));

        Map<String, JsonNode> onTopic =
                PolicyTopicSnapshot.read(kafka.bootstrapServers(), topic, Map.of(), WAIT);
        assertThat(onTopic).containsOnlyKeys("kept", "dropped");
        PolicySync second =
                new PolicySync(publisher, topic, PolicySyncOptions.directory(dir), client);
        second.seed(onTopic);
        try (second;
                TestingTopicReader reader =
                        new TestingTopicReader(kafka.bootstrapServers(), topic)) {
            second.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(reader.latest()).containsOnlyKeys("kept", "added"));
            assertThat(reader.poll("kept")).hasSize(1);
            assertThat(second.publishedCount()).isEqualTo(1);
            assertThat(second.tombstoneCount()).isEqualTo(1);
        }
    }

    private static GenericKubernetesResource healingPolicy(String namespace, String yaml) {
        GenericKubernetesResource resource =
                client.getKubernetesSerialization()
                        .unmarshal(yaml, GenericKubernetesResource.class);
        resource.getMetadata().setNamespace(namespace);
        return resource;
    }

    @Test
    void publishesHealingPolicyResourcesAndRejectsAnInvalidOneWithAnEvent() throws Exception {
        String topic = freshTopic();
        String ns = "shop";
        var policies =
                client.genericKubernetesResources(HealingPolicyResources.CONTEXT).inNamespace(ns);

        try (PolicySync sync = started(topic, PolicySyncOptions.customResources(List.of(ns)));
                TestingTopicReader reader =
                        new TestingTopicReader(kafka.bootstrapServers(), topic)) {
            policies.resource(healingPolicy(ns, policy("cr-memory-leak", "15m"))).create();
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> assertThat(reader.latest()).containsOnlyKeys("cr-memory-leak"));
            JsonNode published = Json.mapper().readTree(reader.latest().get("cr-memory-leak"));
            assertThat(published.path("metadata").has("resourceVersion")).isFalse();
            assertThat(published.path("metadata").has("uid")).isFalse();
            assertThat(published.at("/metadata/namespace").asText()).isEqualTo(ns);
            await().atMost(WAIT).until(() -> sync.reloadSuccess() == 1);

            policies.resource(healingPolicy(ns, invalid("cr-broken"))).create();
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(rejectionEvents(ns, "cr-broken"))
                                            .singleElement()
                                            .satisfies(
                                                    e -> {
                                                        assertThat(e.getType())
                                                                .isEqualTo("Warning");
                                                        assertThat(e.getInvolvedObject().getKind())
                                                                .isEqualTo("HealingPolicy");
                                                        assertThat(e.getMessage())
                                                                .startsWith("2 errors")
                                                                .contains("spec.colour")
                                                                .contains("window");
                                                    }));
            assertThat(sync.reloadSuccess()).isZero();

            // An invalid edit of the good one: an Event, and the last good version stays.
            policies.withName("cr-memory-leak")
                    .edit(
                            r -> {
                                Object badSpec =
                                        healingPolicy(ns, invalid("cr-memory-leak"))
                                                .getAdditionalProperties()
                                                .get("spec");
                                r.setAdditionalProperty("spec", badSpec);
                                return r;
                            });
            await().atMost(WAIT).until(() -> rejectionEvents(ns, "cr-memory-leak").size() == 1);
            Thread.sleep(300);
            assertThat(reader.latest()).containsOnlyKeys("cr-memory-leak");
            assertThat(reader.poll("cr-memory-leak")).hasSize(1);

            policies.withName("cr-memory-leak").delete();
            policies.withName("cr-broken").delete();
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> {
                                assertThat(reader.latest()).isEmpty();
                                assertThat(reader.poll("cr-memory-leak"))
                                        .last()
                                        .extracting(ConsumerRecord::value)
                                        .isNull();
                            });
            assertThat(reader.poll("cr-broken")).isEmpty();
            await().atMost(WAIT).until(() -> sync.reloadSuccess() == 1);
        }
    }

    private static List<Event> rejectionEvents(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "PolicyRejected".equals(e.getReason()))
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}

package io.kubeskippy.actuator;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.record.ActionId;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One broker, one mock API server and one testing controller per test class; per test, fresh topics
 * and a fresh namespace, a producer of action and policy records, a reader of outcomes, and the
 * actuator under test.
 */
abstract class ActuatorTestBase {

    static final RecordCodec<HealingAction> ACTIONS = RecordCodec.healingActions();
    static final RecordCodec<ActionOutcome> OUTCOMES = RecordCodec.actionOutcomes();
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUN = new AtomicInteger();

    static EmbeddedKafka kafka;
    static TestingCluster cluster;
    static TestingController controller;
    static KubernetesClient k8s;
    static KafkaProducer<String, byte[]> producer;

    Topics topics;
    String ns;
    String group;
    final List<ActuatorProcess> actuators = new ArrayList<>();
    private KafkaConsumer<byte[], byte[]> auditReader;
    private final List<ActionOutcome> outcomes = new ArrayList<>();

    @BeforeAll
    static void startInfrastructure() throws Exception {
        Files.createDirectories(Path.of("target"));
        kafka =
                EmbeddedKafka.builder(Files.createTempDirectory(Path.of("target"), "kafka-"))
                        .start();
        cluster = new TestingCluster();
        k8s = cluster.fixtures();
        controller = new TestingController(cluster.controllerClient());
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopInfrastructure() {
        closeQuietly(producer);
        closeQuietly(controller);
        closeQuietly(cluster);
        closeQuietly(kafka);
    }

    @BeforeEach
    void freshTopicsAndNamespace() throws Exception {
        int run = RUN.incrementAndGet();
        String suffix = "-" + getClass().getSimpleName().toLowerCase() + "-" + run;
        Map<Topic, String> names = new EnumMap<>(Topic.class);
        for (Topic t : Topic.values()) {
            names.put(t, t.defaultName() + suffix);
        }
        topics = Topics.of(names);
        kafka.createTopics(topics, 1);
        ns = "ns" + run;
        group = "actuator" + suffix;
        k8s.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        controller.resume();
        cluster.inPlaceResize(false);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        auditReader =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition audit = new TopicPartition(topics.audit(), 0);
        auditReader.assign(List.of(audit));
        auditReader.seekToBeginning(List.of(audit));
    }

    @AfterEach
    void stopActuators() {
        for (ActuatorProcess a : actuators) {
            closeQuietly(a);
        }
        actuators.clear();
        closeQuietly(auditReader);
    }

    // ---------------------------------------------------------------- the actuator

    /** Options for this test's topics and group, plus {@code extra} (by key). */
    ActuatorOptions options(Map<String, String> extra) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka", kafka.bootstrapServers());
        values.put("metrics-port", "0");
        values.put("listen-address", "127.0.0.1");
        values.put("group-id", group);
        values.put("topic-actions", topics.actions());
        values.put("topic-audit", topics.audit());
        values.put("topic-policies", topics.policies());
        values.put("topic-deadletter", topics.deadletter());
        values.put("verify-timeout", "20s");
        values.put("namespaces", ns);
        values.putAll(extra);
        return ActuatorOptions.from(values).withPollInterval(Duration.ofMillis(50));
    }

    ActuatorProcess startActuator(Map<String, String> extra) throws Exception {
        return startActuator(extra, ActuatorHooks.NONE);
    }

    ActuatorProcess startActuator(Map<String, String> extra, ActuatorHooks hooks) throws Exception {
        ActuatorProcess process =
                ActuatorProcess.start(
                        options(extra), cluster.actuatorClient(), Clock.systemUTC(), hooks);
        actuators.add(process);
        return process;
    }

    // ---------------------------------------------------------------- records

    /** Publishes a policy (YAML) to this test's policy topic; returns it, read. */
    HealingPolicy publishPolicy(String yaml) throws Exception {
        PolicyFile file = PolicyReader.readText("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        HealingPolicy policy = file.documents().get(0).policy();
        if (policy == null) {
            throw new IllegalArgumentException(
                    "invalid test policy: " + file.documents().get(0).diagnostics());
        }
        JsonNode json = YAML.readTree(yaml);
        producer.send(
                        new ProducerRecord<>(
                                topics.policies(), policy.name(), JSON.writeValueAsBytes(json)))
                .get();
        return policy;
    }

    /** An action of {@code policy}'s action {@code actionName} on {@code target}. */
    static HealingAction action(HealingPolicy policy, String actionName, ResourceRef target) {
        return action(policy, actionName, target, "finding-" + System.nanoTime());
    }

    static HealingAction action(
            HealingPolicy policy, String actionName, ResourceRef target, String findingId) {
        PolicyAction pa =
                policy.spec().actions().stream()
                        .filter(a -> a.name().equals(actionName))
                        .findFirst()
                        .orElseThrow();
        return withAction(policy.name(), pa, target, findingId);
    }

    static HealingAction withAction(
            String policy, PolicyAction pa, ResourceRef target, String findingId) {
        String name = ActionId.of(findingId, policy, target.name(), pa.name());
        return new HealingAction(
                HealingAction.Metadata.named(name, target.namespace()),
                new HealingAction.Spec(
                        new HealingAction.PolicyRef(policy, null, null),
                        target,
                        pa,
                        false,
                        false,
                        null,
                        null,
                        new HealingAction.Detection(
                                findingId, "trigger", "growth", null, Instant.now(), Map.of()),
                        HealingAction.Enrichment.none("test")));
    }

    void send(HealingAction action) throws Exception {
        send(action.spec().targetResource().id(), ACTIONS.encode(action));
    }

    void send(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topics.actions(), key, value)).get();
    }

    /** Every outcome read so far from this test's audit topic. */
    List<ActionOutcome> outcomes() {
        for (ConsumerRecord<byte[], byte[]> r : auditReader.poll(Duration.ofMillis(100))) {
            outcomes.add(OUTCOMES.decodeOrThrow(r.value()));
        }
        return List.copyOf(outcomes);
    }

    List<ActionOutcome> outcomesOf(String action) {
        return outcomes().stream().filter(o -> o.action().equals(action)).toList();
    }

    /** Waits for the {@code n}-th outcome of {@code action} and returns it. */
    ActionOutcome awaitOutcome(String action, int n) {
        await().atMost(WAIT).until(() -> outcomesOf(action).size() >= n);
        return outcomesOf(action).get(n - 1);
    }

    ActionOutcome awaitOutcome(String action) {
        return awaitOutcome(action, 1);
    }

    /** Sends {@code action} and waits for its outcome. */
    ActionOutcome sendAndAwait(HealingAction action) throws Exception {
        int before = outcomesOf(action.name()).size();
        send(action);
        return awaitOutcome(action.name(), before + 1);
    }

    // ---------------------------------------------------------------- the cluster

    static PodTemplateSpec template(String app, String memoryLimit) {
        var container = new ContainerBuilder().withName("app").withImage("registry/app:1");
        if (memoryLimit != null) {
            container
                    .withNewResources()
                    .addToLimits("memory", new Quantity(memoryLimit))
                    .addToLimits("cpu", new Quantity("500m"))
                    .addToRequests("memory", new Quantity("128Mi"))
                    .endResources();
        }
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .addToLabels("app", app)
                .endMetadata()
                .withNewSpec()
                .withContainers(container.build())
                .endSpec()
                .build();
    }

    /**
     * Sets one label or annotation ({@code field} {@code labels} or {@code annotations}) as {@code
     * kubectl label} and {@code kubectl annotate} do: a merge patch without a resourceVersion, so
     * it cannot conflict with the testing controller writing the object's status at the same time
     * (an {@code edit} sends the version it read and fails with 409 when it lost that race).
     */
    static void setMetadata(
            Resource<? extends HasMetadata> resource, String field, String key, String value) {
        var patch = JSON.createObjectNode();
        patch.putObject("metadata").putObject(field).put(key, value);
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
    }

    /** A Deployment with its ReplicaSet; waits until its pods run. Returns the Deployment. */
    Deployment deployment(
            String name, int replicas, String memoryLimit, Map<String, String> labels) {
        Deployment d =
                k8s.apps()
                        .deployments()
                        .inNamespace(ns)
                        .resource(
                                new DeploymentBuilder()
                                        .withNewMetadata()
                                        .withName(name)
                                        .withNamespace(ns)
                                        .withLabels(labels)
                                        .endMetadata()
                                        .withNewSpec()
                                        .withReplicas(replicas)
                                        .withNewSelector()
                                        .addToMatchLabels("app", name)
                                        .endSelector()
                                        .withTemplate(template(name, memoryLimit))
                                        .endSpec()
                                        .build())
                        .create();
        k8s.apps()
                .replicaSets()
                .inNamespace(ns)
                .resource(
                        new ReplicaSetBuilder()
                                .withNewMetadata()
                                .withName(name + "-5d8f7b")
                                .withNamespace(ns)
                                .withOwnerReferences(
                                        TestingController.owner(
                                                "apps/v1",
                                                "Deployment",
                                                name,
                                                d.getMetadata().getUid()))
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(replicas)
                                .withNewSelector()
                                .addToMatchLabels("app", name)
                                .endSelector()
                                .withTemplate(template(name, memoryLimit))
                                .endSpec()
                                .build())
                .create();
        awaitReady(name, replicas);
        return k8s.apps().deployments().inNamespace(ns).withName(name).get();
    }

    void statefulSet(String name, int replicas) {
        k8s.apps()
                .statefulSets()
                .inNamespace(ns)
                .resource(
                        new StatefulSetBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(ns)
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(replicas)
                                .withNewSelector()
                                .addToMatchLabels("app", name)
                                .endSelector()
                                .withTemplate(template(name, "256Mi"))
                                .endSpec()
                                .build())
                .create();
        awaitReady(name, replicas);
    }

    void daemonSet(String name) {
        k8s.apps()
                .daemonSets()
                .inNamespace(ns)
                .resource(
                        new DaemonSetBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(ns)
                                .endMetadata()
                                .withNewSpec()
                                .withNewSelector()
                                .addToMatchLabels("app", name)
                                .endSelector()
                                .withTemplate(template(name, "64Mi"))
                                .endSpec()
                                .build())
                .create();
        await().atMost(WAIT)
                .until(
                        () -> {
                            var ds = k8s.apps().daemonSets().inNamespace(ns).withName(name).get();
                            return ds.getStatus() != null
                                    && ds.getStatus().getNumberAvailable() != null;
                        });
    }

    /** A pod with no controller. */
    Pod barePod(String name, Map<String, String> labels) {
        return k8s.pods()
                .inNamespace(ns)
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(ns)
                                .withLabels(labels)
                                .endMetadata()
                                .withSpec(template(name, "256Mi").getSpec())
                                .build())
                .create();
    }

    void awaitReady(String app, int replicas) {
        await().atMost(WAIT).until(() -> pods(app).size() == replicas);
    }

    /** The live pods of app {@code app}, by name. */
    List<Pod> pods(String app) {
        return k8s.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
                .toList();
    }

    static ResourceRef ref(Pod pod) {
        return ResourceRef.pod(
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                pod.getMetadata().getUid());
    }

    ResourceRef workload(String kind, String name) {
        return new ResourceRef("apps/v1", kind, ns, name, null);
    }

    /** The HealingAction resource of {@code action} as the server has it. */
    HealingAction resource(String action) {
        return new io.kubeskippy.actuator.audit.HealingActionStore(k8s).get(ns, action);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // teardown goes on
        }
    }
}

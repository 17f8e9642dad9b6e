package io.kubeskippy.actuator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * The actuator's benchmark (not a test): a real broker, the mock API server with {@code PODS} pods
 * in Deployments, and the actuator in the global dry-run, so every action goes through the whole
 * gate and planning (its reads hit the mock server) and ends with an outcome on the audit topic.
 *
 * <ol>
 *   <li>throughput: {@code ACTIONS} actions are on the topic before the actuator starts; the time
 *       from its start to the last outcome gives actions/s;
 *   <li>latency: actions are sent at {@code RATE} per second for {@code SECONDS}; for each, the
 *       time from the consumer handing it over to its outcome (the outcome's finishedAt minus
 *       startedAt), and from the producer's send to the outcome on the audit topic.
 * </ol>
 *
 * Run by {@code actuator/bench/actuator-bench.sh}; knobs are environment variables.
 */
public final class ActuatorBench {

    private static final RecordCodec<HealingAction> ACTIONS = RecordCodec.healingActions();
    private static final RecordCodec<ActionOutcome> OUTCOMES = RecordCodec.actionOutcomes();

    /** Every action type; no policy rate limit, so that every action is planned. */
    private static final int POLICIES = 4;

    /**
     * Every action type, and the largest maxActionsPerHour a policy may have (10000): the actions
     * are spread over {@link #POLICIES} such policies, so that none of them hits its rate limit.
     */
    private static String benchPolicy(int n) {
        return TestPolicies.policy(
                "bench-" + n, "automatic", "  safetyRules: {maxActionsPerHour: 10000}", "");
    }

    public static void main(String[] args) throws Exception {
        int actions = env("ACTIONS", 20_000);
        int rate = env("RATE", 500);
        int seconds = env("SECONDS", 30);
        int deployments = env("DEPLOYMENTS", 50);
        int replicas = env("REPLICAS", 4);
        String workers = System.getenv().getOrDefault("WORKERS", "4");
        Path dir = Files.createDirectories(Path.of("target", "bench"));
        try (EmbeddedKafka kafka =
                        EmbeddedKafka.builder(Files.createTempDirectory(dir, "kafka-")).start();
                TestingCluster cluster = new TestingCluster()) {
            String ns = "bench";
            cluster.fixtures()
                    .namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
            List<Pod> pods = createPods(cluster, ns, deployments, replicas);
            List<HealingPolicy> policy = new ArrayList<>();
            for (int n = 0; n < POLICIES; n++) {
                policy.add(TestPolicies.read(benchPolicy(n)));
            }
            System.out.printf(
                    "cluster: mock API server (CRUD), %d pods in %d Deployments; actuator --dry-run, %s workers%n",
                    pods.size(), deployments, workers);

            Topics throughputTopics = topics("t");
            kafka.createTopics(throughputTopics, 2);
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                publishPolicy(producer, throughputTopics, policy);
                for (int i = 0; i < actions; i++) {
                    HealingAction a = action(policy, i, pods);
                    producer.send(
                            new ProducerRecord<>(
                                    throughputTopics.actions(),
                                    a.spec().targetResource().id(),
                                    ACTIONS.encode(a)));
                }
                producer.flush();
            }
            int requestsBefore = cluster.requestsBy(TestingCluster.ACTUATOR).size();
            long started = System.nanoTime();
            try (ActuatorProcess actuator =
                            start(kafka, cluster, throughputTopics, workers, "g-t");
                    AuditReader audit = new AuditReader(kafka, throughputTopics)) {
                long ready = System.nanoTime();
                while (audit.count() < actions) {
                    audit.poll();
                    if (System.nanoTime() - ready > Duration.ofMinutes(10).toNanos()) {
                        throw new IllegalStateException(
                                "only " + audit.count() + " outcomes in 10 minutes");
                    }
                }
                double secs = (System.nanoTime() - ready) / 1e9;
                System.out.printf(
                        "throughput: %d actions through the gate in %.1f s = %.0f actions/s (start-up %.1f s not counted); outcomes %s%n",
                        actions, secs, actions / secs, (ready - started) / 1e9, audit.phases());
                System.out.printf(
                        "  consume->outcome in the backlog: %s%n", audit.internal().summary());
                int requests = cluster.requestsBy(TestingCluster.ACTUATOR).size() - requestsBefore;
                System.out.printf(
                        "  API requests of the actuator: %d, %.2f per action, %d mutating%n",
                        requests,
                        requests / (double) actions,
                        cluster.requestsBy(TestingCluster.ACTUATOR).stream()
                                .filter(TestingCluster.Request::mutating)
                                .count());
            }

            Topics latencyTopics = topics("l");
            kafka.createTopics(latencyTopics, 2);
            try (KafkaProducer<String, byte[]> producer = producer(kafka);
                    ActuatorProcess actuator =
                            start(kafka, cluster, latencyTopics, workers, "g-l");
                    AuditReader audit = new AuditReader(kafka, latencyTopics)) {
                publishPolicy(producer, latencyTopics, policy);
                Thread.sleep(2_000); // the policy reaches the running actuator
                int total = rate * seconds;
                long begin = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    long due = begin + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    HealingAction a = action(policy, actions + i, pods);
                    audit.sent(a.name(), System.currentTimeMillis());
                    producer.send(
                            new ProducerRecord<>(
                                    latencyTopics.actions(),
                                    a.spec().targetResource().id(),
                                    ACTIONS.encode(a)));
                    if (i % 50 == 0) {
                        audit.poll();
                    }
                }
                double sendSecs = (System.nanoTime() - begin) / 1e9;
                while (audit.count() < total) {
                    audit.poll();
                }
                System.out.printf(
                        "latency: %d actions at %d/s (%.0f/s achieved) over %.1f s; outcomes %s%n",
                        total, rate, total / sendSecs, sendSecs, audit.phases());
                System.out.printf(
                        "  consume->outcome (outcome finishedAt - startedAt): %s%n",
                        audit.internal().summary());
                System.out.printf(
                        "  produce->outcome on the audit topic:               %s%n",
                        audit.endToEnd().summary());
            }
        }
        System.exit(0);
    }

    private static ActuatorProcess start(
            EmbeddedKafka kafka,
            TestingCluster cluster,
            Topics topics,
            String workers,
            String group)
            throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka", kafka.bootstrapServers());
        values.put("dry-run", "true");
        values.put("metrics-port", "0");
        values.put("listen-address", "127.0.0.1");
        values.put("group-id", group);
        values.put("workers", workers);
        values.put("cooldown", "0s");
        values.put("max-actions-per-hour", "1000000");
        values.put("storm-max-targets", "1000000");
        values.put("storm-workload-share", "100%");
        values.put("topic-actions", topics.actions());
        values.put("topic-audit", topics.audit());
        values.put("topic-policies", topics.policies());
        values.put("topic-deadletter", topics.deadletter());
        return ActuatorProcess.start(
                ActuatorOptions.from(values),
                cluster.actuatorClient(),
                Clock.systemUTC(),
                ActuatorHooks.NONE);
    }

    /** Restarts, scales and resource patches, over every pod and Deployment in turn. */
    private static HealingAction action(List<HealingPolicy> policies, int i, List<Pod> pods) {
        HealingPolicy policy = policies.get((i / 4) % policies.size());
        Pod pod = pods.get(i % pods.size());
        String finding = "bench-" + i;
        return switch (i % 4) {
            case 0, 1 ->
                    ActuatorTestBase.action(policy, "restart", ActuatorTestBase.ref(pod), finding);
            case 2 ->
                    ActuatorTestBase.action(
                            policy, "more-memory", ActuatorTestBase.ref(pod), finding);
            default -> {
                String app = pod.getMetadata().getLabels().get("app");
                yield ActuatorTestBase.action(
                        policy,
                        "scale-up",
                        new ResourceRef("apps/v1", "Deployment", "bench", app, null),
                        finding);
            }
        };
    }

    private static List<Pod> createPods(
            TestingCluster cluster, String ns, int deployments, int replicas) {
        var k8s = cluster.fixtures();
        List<Pod> pods = new ArrayList<>();
        for (int d = 0; d < deployments; d++) {
            String name = "app-" + d;
            var deployment =
                    k8s.apps()
                            .deployments()
                            .inNamespace(ns)
                            .resource(
                                    new DeploymentBuilder()
                                            .withNewMetadata()
                                            .withName(name)
                                            .withNamespace(ns)
                                            .endMetadata()
                                            .withNewSpec()
                                            .withReplicas(replicas)
                                            .withNewSelector()
                                            .addToMatchLabels("app", name)
                                            .endSelector()
                                            .withTemplate(ActuatorTestBase.template(name, "512Mi"))
                                            .endSpec()
                                            .build())
                            .create();
            var rs =
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
                                                            deployment.getMetadata().getUid()))
                                            .endMetadata()
                                            .withNewSpec()
                                            .withReplicas(replicas)
                                            .withNewSelector()
                                            .addToMatchLabels("app", name)
                                            .endSelector()
                                            .withTemplate(ActuatorTestBase.template(name, "512Mi"))
                                            .endSpec()
                                            .build())
                            .create();
            for (int r = 0; r < replicas; r++) {
                pods.add(
                        k8s.pods()
                                .inNamespace(ns)
                                .resource(
                                        new io.fabric8.kubernetes.api.model.PodBuilder()
                                                .withNewMetadata()
                                                .withName(name + "-5d8f7b-" + r)
                                                .withNamespace(ns)
                                                .addToLabels("app", name)
                                                .withOwnerReferences(
                                                        TestingController.owner(
                                                                "apps/v1",
                                                                "ReplicaSet",
                                                                rs.getMetadata().getName(),
                                                                rs.getMetadata().getUid()))
                                                .endMetadata()
                                                .withSpec(
                                                        ActuatorTestBase.template(name, "512Mi")
                                                                .getSpec())
                                                .build())
                                .create());
            }
        }
        return pods;
    }

    private static Topics topics(String suffix) {
        Map<io.kubeskippy.model.Topic, String> names = new HashMap<>();
        for (io.kubeskippy.model.Topic t : io.kubeskippy.model.Topic.values()) {
            names.put(t, t.defaultName() + "-bench-" + suffix);
        }
        return Topics.of(names);
    }

    private static void publishPolicy(
            KafkaProducer<String, byte[]> producer, Topics topics, List<HealingPolicy> policies)
            throws Exception {
        var yaml =
                new com.fasterxml.jackson.databind.ObjectMapper(
                        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        for (int n = 0; n < policies.size(); n++) {
            byte[] json =
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .writeValueAsBytes(yaml.readTree(benchPolicy(n)));
            producer.send(new ProducerRecord<>(topics.policies(), policies.get(n).name(), json))
                    .get();
        }
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static int env(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    /** Milliseconds, for percentiles. */
    static final class Latencies {
        private final List<Double> values = new ArrayList<>();

        synchronized void add(double ms) {
            values.add(ms);
        }

        synchronized String summary() {
            if (values.isEmpty()) {
                return "none";
            }
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(Double::compare);
            return String.format(
                    "n=%d p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                    sorted.size(),
                    at(sorted, 0.50),
                    at(sorted, 0.90),
                    at(sorted, 0.99),
                    sorted.get(sorted.size() - 1));
        }

        private static double at(List<Double> sorted, double q) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
        }
    }

    /** Reads the audit topic, keeping latencies and phases. */
    static final class AuditReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        private final Latencies internal = new Latencies();
        private final Latencies endToEnd = new Latencies();
        private final Map<String, Integer> phases = new TreeMap<>();
        private int count;

        AuditReader(EmbeddedKafka kafka, Topics topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer =
                    new KafkaConsumer<>(
                            p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts =
                    consumer.partitionsFor(topics.audit()).stream()
                            .map(i -> new TopicPartition(topics.audit(), i.partition()))
                            .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        void sent(String action, long millis) {
            sentAt.put(action, millis);
        }

        void poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                ActionOutcome o = OUTCOMES.decodeOrThrow(r.value());
                count++;
                phases.merge(o.phase().name(), 1, Integer::sum);
                internal.add(Duration.between(o.startedAt(), o.finishedAt()).toNanos() / 1e6);
                Long sent = sentAt.get(o.action());
                if (sent != null) {
                    endToEnd.add(r.timestamp() - sent);
                }
            }
        }

        int count() {
            return count;
        }

        Map<String, Integer> phases() {
            return phases;
        }

        Latencies internal() {
            return internal;
        }

        Latencies endToEnd() {
            return endToEnd;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

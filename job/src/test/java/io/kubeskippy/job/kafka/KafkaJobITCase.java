package io.kubeskippy.job.kafka;

import static io.kubeskippy.job.Recordings.MI;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.Recordings;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job against a real broker in a MiniCluster: policies from the policy topic, actions out
 * exactly once, findings and dead letters out, and a policy change taking effect while it runs.
 */
class KafkaJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(fastMetrics())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static org.apache.flink.configuration.Configuration fastMetrics() {
        org.apache.flink.configuration.Configuration c =
                new org.apache.flink.configuration.Configuration();
        c.setString("metrics.fetcher.update-interval", "500");
        return c;
    }

    /**
     * A gauge (or counter) of the running job's operator named so, read through Flink's REST API:
     * the largest value over its subtasks, -1 if none reported yet.
     */
    private static double gauge(
            org.apache.flink.runtime.minicluster.MiniCluster cluster,
            JobClient job,
            String operator,
            String metric)
            throws Exception {
        return gaugeValues(cluster, job, operator, metric).stream()
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(-1);
    }

    /** The value of a metric of the operator named so, one per subtask that reported it. */
    private static List<Double> gaugeValues(
            org.apache.flink.runtime.minicluster.MiniCluster cluster,
            JobClient job,
            String operator,
            String metric)
            throws Exception {
        java.net.URI rest = cluster.getRestAddress().get();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        com.fasterxml.jackson.databind.ObjectMapper json = io.kubeskippy.model.serde.Json.mapper();
        String jobPath = rest + "/jobs/" + job.getJobID();
        var vertices =
                json.readTree(
                                http.send(
                                                java.net.http.HttpRequest.newBuilder(
                                                                java.net.URI.create(jobPath))
                                                        .build(),
                                                java.net.http.HttpResponse.BodyHandlers.ofString())
                                        .body())
                        .path("vertices");
        List<Double> found = new ArrayList<>();
        for (var v : vertices) {
            String base = jobPath + "/vertices/" + v.path("id").asText() + "/metrics";
            var ids =
                    json.readTree(
                            http.send(
                                            java.net.http.HttpRequest.newBuilder(
                                                            java.net.URI.create(base))
                                                    .build(),
                                            java.net.http.HttpResponse.BodyHandlers.ofString())
                                    .body());
            for (var id : ids) {
                String name = id.path("id").asText();
                if (name.contains(operator) && name.endsWith("kubeskippy." + metric)) {
                    var values =
                            json.readTree(
                                    http.send(
                                                    java.net.http.HttpRequest.newBuilder(
                                                                    java.net.URI.create(
                                                                            base
                                                                                    + "?get="
                                                                                    + java.net
                                                                                            .URLEncoder
                                                                                            .encode(
                                                                                                    name,
                                                                                                    java
                                                                                                            .nio
                                                                                                            .charset
                                                                                                            .StandardCharsets
                                                                                                            .UTF_8)))
                                                            .build(),
                                                    java.net.http.HttpResponse.BodyHandlers
                                                            .ofString())
                                            .body());
                    for (var value : values) {
                        found.add(value.path("value").asDouble(-1));
                    }
                }
            }
        }
        return found;
    }

    private static final Duration WAIT = Duration.ofSeconds(90);

    /** Each test has its own topics, so one test's records are not another's input. */
    private static volatile Topics TOPICS = Topics.defaults();

    /**
     * The event time the heartbeat stamps, when a test runs its own clock (faster than the wall
     * clock); null: the wall clock.
     */
    private static volatile Instant simulatedNow;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, String> producer;
    private static ScheduledExecutorService heartbeat;

    @BeforeAll
    static void start() throws Exception {
        kafka =
                EmbeddedKafka.builder(Files.createTempDirectory(Path.of("target"), "kafka-job-"))
                        .start();
        kafka.createTopics(TOPICS, 2);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        // Live clusters stream samples all the time; that is what moves event time on.
        heartbeat = Executors.newSingleThreadScheduledExecutor();
        heartbeat.scheduleAtFixedRate(
                () -> {
                    for (String pod :
                            new String[] {"steady-1", "steady-2", "steady-3", "steady-4"}) {
                        Instant at = simulatedNow;
                        send(
                                TOPICS.metrics(),
                                "shop/" + pod,
                                sample(pod, at == null ? Instant.now() : at, 100 * MI));
                    }
                },
                0,
                200,
                TimeUnit.MILLISECONDS);
    }

    @org.junit.jupiter.api.BeforeEach
    void ownTopics(org.junit.jupiter.api.TestInfo test) throws Exception {
        String suffix = "." + test.getTestMethod().orElseThrow().getName();
        java.util.EnumMap<io.kubeskippy.model.Topic, String> names =
                new java.util.EnumMap<>(io.kubeskippy.model.Topic.class);
        for (io.kubeskippy.model.Topic t : io.kubeskippy.model.Topic.values()) {
            names.put(t, t.defaultName() + suffix);
        }
        Topics topics = Topics.of(names);
        kafka.createTopics(topics, 2);
        simulatedNow = null;
        TOPICS = topics;
    }

    @org.junit.jupiter.api.AfterEach
    void wallClock() {
        simulatedNow = null;
    }

    @AfterAll
    static void stop() {
        heartbeat.shutdownNow();
        producer.close();
        kafka.close();
    }

    private static String sample(String pod, Instant at, double value) {
        return new io.kubeskippy.model.serde.RecordCodec<>(
                        io.kubeskippy.model.record.MetricSample.class,
                        1 << 20,
                        java.time.Clock.systemUTC())
                .encodeToString(
                        new io.kubeskippy.model.record.MetricSample(
                                "container_memory_working_set_bytes",
                                Map.of("namespace", "shop", "pod", pod, "container", "app"),
                                at.toEpochMilli(),
                                value));
    }

    private static void send(String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private static String policy(String name, int count) {
        return policy(name, count, "BackOff");
    }

    private static String policy(String name, int count, String reason) {
        return """
                {"apiVersion":"kubeskippy.io/v1alpha1","kind":"HealingPolicy","metadata":{"name":"%s"},
                 "spec":{"selector":{"resources":[{"kind":"Pod"}]},
                  "triggers":[{"name":"back-off","type":"event","cooldownPeriod":"1m",
                    "eventTrigger":{"reason":"%s","type":"Warning","count":%d,"window":"5m"}}],
                  "actions":[{"name":"delete-pod","type":"delete"}],"mode":"automatic"}}
                """
                .formatted(name, reason, count);
    }

    /** Writes the pod and {@code backOffs} BackOff events at now, via the recordings builder. */
    private static void crashLoop(String pod, int backOffs) throws Exception {
        crashLoop(pod, backOffs, "BackOff");
    }

    private static void crashLoop(String pod, int backOffs, String reason) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "kafka-job-rec-");
        Instant now = Instant.now();
        Recordings r = new Recordings().pod("shop", pod, pod, 512 * MI, now.minusSeconds(600));
        for (int i = 0; i < backOffs; i++) {
            r.event("shop", pod, reason, "Warning", now.plusMillis(10L * i));
        }
        r.write(dir);
        Files.readAllLines(dir.resolve("pods.jsonl"))
                .forEach(l -> send(TOPICS.pods(), "shop/" + pod, l));
        Files.readAllLines(dir.resolve("events.jsonl"))
                .forEach(l -> send(TOPICS.events(), "shop/" + pod, l));
        producer.flush();
    }

    private static <T> List<T> readCommitted(
            String topic,
            RecordCodec<T> codec,
            List<T> into,
            KafkaConsumer<byte[], byte[]> consumer) {
        consumer.poll(Duration.ofMillis(200))
                .forEach(r -> into.add(codec.decodeOrThrow(r.value())));
        return into;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    @Test
    void detectsActsHotReloadsAndDeadLetters(
            @org.apache.flink.test.junit5.InjectMiniCluster
                    org.apache.flink.runtime.minicluster.MiniCluster cluster)
            throws Exception {
        send(TOPICS.policies(), "crash-loop", policy("crash-loop", 3));
        producer.flush();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSettings settings =
                JobSettings.from(
                        Map.of(
                                "kafka", kafka.bootstrapServers(),
                                "start-from", "earliest",
                                "checkpoint-interval", "1s",
                                "out-of-orderness", "500ms",
                                "source-idleness", "1s",
                                "parallelism", "2"),
                        TOPICS);
        KafkaJob.build(env, settings);
        JobClient job = env.executeAsync("kafka-job-it");
        try (KafkaConsumer<byte[], byte[]> actions = consumer(TOPICS.actions());
                KafkaConsumer<byte[], byte[]> findings = consumer(TOPICS.findings());
                KafkaConsumer<byte[], byte[]> dead = consumer(TOPICS.deadletter())) {
            List<HealingAction> seen = new ArrayList<>();
            List<Finding> found = new ArrayList<>();

            // v1: three BackOffs act, two do not
            crashLoop("cart-1", 3);
            crashLoop("web-1", 2);

            await().atMost(WAIT)
                    .pollInSameThread()
                    .until(
                            () ->
                                    readCommitted(
                                                            TOPICS.actions(),
                                                            RecordCodec.healingActions(),
                                                            seen,
                                                            actions)
                                                    .size()
                                            >= 1);
            assertThat(seen)
                    .extracting(a -> a.spec().targetResource().id())
                    .containsExactly("Pod/shop/cart-1");
            assertThat(seen.get(0).spec().action().name()).isEqualTo("delete-pod");
            await().atMost(WAIT)
                    .pollInSameThread()
                    .until(
                            () ->
                                    !readCommitted(
                                                    TOPICS.findings(),
                                                    RecordCodec.findings(),
                                                    found,
                                                    findings)
                                            .isEmpty());

            // v2 while running: two BackOffs are enough now
            send(TOPICS.policies(), "crash-loop", policy("crash-loop", 2));
            producer.flush();
            long changedAt = System.nanoTime();
            await().atMost(WAIT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                crashLoop("api-" + (System.nanoTime() % 100000), 2);
                                return readCommitted(
                                                TOPICS.actions(),
                                                RecordCodec.healingActions(),
                                                seen,
                                                actions)
                                        .stream()
                                        .anyMatch(
                                                a ->
                                                        a.spec()
                                                                .targetResource()
                                                                .name()
                                                                .startsWith("api-"));
                            });
            System.out.printf(
                    "policy change to first action under it: %d ms%n",
                    (System.nanoTime() - changedAt) / 1_000_000);

            // the change took effect in the pattern operator this long after it reached the topic
            double reloadMs = -1;
            long until = System.nanoTime() + WAIT.toNanos();
            while (reloadMs < 0 && System.nanoTime() < until) {
                reloadMs = gauge(cluster, job, "dynamic_CEP", "policyReloadLatencyMs");
                Thread.sleep(500);
            }
            System.out.printf(
                    "policy reload latency (topic to pattern operator): %.0f ms%n", reloadMs);
            assertThat(reloadMs).isBetween(0.0, 1000.0);

            // add a policy while running: measured like the change
            send(TOPICS.policies(), "unhealthy", policy("unhealthy", 1, "Unhealthy"));
            producer.flush();
            double addMs = reloadLatencyOnceActive(cluster, job, 2);
            System.out.printf("policy add latency (topic to pattern operator): %.0f ms%n", addMs);
            assertThat(addMs).isBetween(0.0, 1000.0);
            await().atMost(WAIT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                crashLoop("probe-" + (System.nanoTime() % 100000), 1, "Unhealthy");
                                return readCommitted(
                                                TOPICS.actions(),
                                                RecordCodec.healingActions(),
                                                seen,
                                                actions)
                                        .stream()
                                        .anyMatch(
                                                a ->
                                                        a.spec()
                                                                .policyRef()
                                                                .name()
                                                                .equals("unhealthy"));
                            });

            // remove one while running (a tombstone): measured too
            producer.send(new ProducerRecord<>(TOPICS.policies(), "crash-loop", null));
            producer.flush();
            double removeMs = reloadLatencyOnceActive(cluster, job, 1);
            System.out.printf(
                    "policy removal latency (topic to pattern operator): %.0f ms%n", removeMs);
            assertThat(removeMs).isBetween(0.0, 1000.0);
            crashLoop("gone-1", 3);
            crashLoop("probe-last", 1, "Unhealthy");
            await().atMost(WAIT)
                    .pollInSameThread()
                    .until(
                            () ->
                                    readCommitted(
                                                    TOPICS.actions(),
                                                    RecordCodec.healingActions(),
                                                    seen,
                                                    actions)
                                            .stream()
                                            .anyMatch(
                                                    a ->
                                                            a.spec()
                                                                    .targetResource()
                                                                    .name()
                                                                    .equals("probe-last")));
            assertThat(seen).noneMatch(a -> a.spec().targetResource().name().equals("gone-1"));

            // a record nobody can read goes to the dead-letter topic, and the job keeps running
            send(TOPICS.metrics(), "shop/broken", "{\"name\": 42");
            producer.flush();
            List<DeadLetter> letters = new ArrayList<>();
            await().atMost(WAIT)
                    .pollInSameThread()
                    .until(
                            () ->
                                    !readCommitted(
                                                    TOPICS.deadletter(),
                                                    RecordCodec.deadLetters(),
                                                    letters,
                                                    dead)
                                            .isEmpty());
            assertThat(letters.get(0).sourceTopic()).isEqualTo(TOPICS.metrics());
            assertThat(letters.get(0).reason())
                    .isEqualTo("MetricSample: name: expected a string, got 42 at line 1 column 10");
            assertThat(letters.get(0).value())
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("{\"name\": 42");

            // every action id is unique on the topic
            assertThat(seen).extracting(HealingAction::name).doesNotHaveDuplicates();
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** One policy per trigger type; each selects its own namespace and acts at most once. */
    private static final Map<String, String> EVERY_TRIGGER =
            Map.of(
                    "t-metric",
                    """
                    - name: high-memory
                      type: metric
                      cooldownPeriod: 1h
                      metricTrigger: {query: memory_usage_percent, threshold: 90, operator: ">", duration: 2m}
                    """,
                    "t-growth",
                    """
                    - name: memory-growth
                      type: trend
                      cooldownPeriod: 1h
                      trendTrigger: {metric: container_memory_working_set_bytes, pattern: growth, relativeTo: limit, horizon: 15m, window: 10m, step: 15s, minR2: 0.8, startupGrace: 2m}
                    """,
                    "t-oscillation",
                    """
                    - name: cpu-swings
                      type: trend
                      cooldownPeriod: 1h
                      trendTrigger: {metric: container_cpu_usage_seconds_total, counter: true, pattern: oscillation, window: 10m, step: 10s, minCycles: 3, minAmplitude: 200m, period: {min: 30s, max: 5m}}
                    """,
                    "t-event",
                    """
                    - name: back-off
                      type: event
                      cooldownPeriod: 1h
                      eventTrigger: {reason: BackOff, type: Warning, count: 3, window: 5m}
                    """,
                    "t-condition",
                    """
                    - name: unready
                      type: condition
                      cooldownPeriod: 1h
                      conditionTrigger: {type: Ready, status: "False", duration: 2m}
                    """,
                    "t-sequence",
                    """
                    - name: oom-again
                      type: sequence
                      cooldownPeriod: 1h
                      sequenceTrigger:
                        steps:
                          - {name: first-oom, event: {reason: OOMKilling, type: Warning}}
                          - {name: second-oom, event: {reason: OOMKilling, type: Warning}}
                        within: 30m
                    """,
                    "t-absent",
                    """
                    - name: never-ready
                      type: sequence
                      cooldownPeriod: 1h
                      sequenceTrigger:
                        steps:
                          - {name: killed, event: {reason: Killing}}
                          - {name: started, event: {reason: Started}}
                        within: 5m
                        absent: {condition: {type: Ready, status: "True"}}
                    """);

    /** The pod each policy of {@link #EVERY_TRIGGER} is about, in the policy's namespace. */
    private static final Map<String, String> EVERY_TRIGGER_POD =
            Map.of(
                    "t-metric", "hot-1",
                    "t-growth", "leak-1",
                    "t-oscillation", "swing-1",
                    "t-event", "crash-1",
                    "t-condition", "unready-1",
                    "t-sequence", "oom-1",
                    "t-absent", "stuck-1");

    /** A policy named as its namespace, selecting only that namespace's pods. */
    private static String namespacePolicy(String namespace, String triggersYaml) throws Exception {
        String yaml =
                """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: %s
                spec:
                  selector:
                    namespaces: [%s]
                    resources: [{kind: Pod}]
                  triggers:
                %s
                  actions:
                    - name: delete-pod
                      type: delete
                  mode: automatic
                """
                        .formatted(namespace, namespace, triggersYaml.indent(4).stripTrailing());
        io.kubeskippy.model.policy.PolicyFile file =
                io.kubeskippy.model.policy.PolicyReader.readText(
                        namespace + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(file.diagnostics()).isEmpty();
        return io.kubeskippy.model.serde.Json.mapper()
                .writeValueAsString(file.documents().get(0).document());
    }

    /** Sends what {@code story} recorded since the last call, pods first, and waits for acks. */
    private static void stream(Recordings story) {
        Recordings.Lines lines = story.newLines();
        for (String l : lines.pods()) {
            send(TOPICS.pods(), podKey(l), l);
        }
        for (String l : lines.events()) {
            send(TOPICS.events(), podKey(l), l);
        }
        for (String l : lines.metrics()) {
            send(TOPICS.metrics(), podKey(l), l);
        }
        producer.flush();
    }

    /** The {@code namespace/pod} key of a recorded line (a sample, a pod or an event about one). */
    private static String podKey(String line) {
        try {
            var n = io.kubeskippy.model.serde.Json.mapper().readTree(line);
            if (n.has("labels")) {
                return n.path("labels").path("namespace").asText()
                        + "/"
                        + n.path("labels").path("pod").asText();
            }
            var o = n.path("object");
            var about = o.has("involvedObject") ? o.path("involvedObject") : o.path("metadata");
            return about.path("namespace").asText() + "/" + about.path("name").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Every trigger type through the broker, on a simulated clock: 14 minutes of event time
     * (samples, pod updates, events) are streamed in order in a few seconds, the heartbeat follows
     * the same clock, so the watermark moves as fast as the story and nothing arrives late.
     */
    @Test
    void everyTriggerTypeActsOnceAndACooldownSuppressesTheRepeat(
            @org.apache.flink.test.junit5.InjectMiniCluster
                    org.apache.flink.runtime.minicluster.MiniCluster cluster)
            throws Exception {
        for (Map.Entry<String, String> p : EVERY_TRIGGER.entrySet()) {
            send(TOPICS.policies(), p.getKey(), namespacePolicy(p.getKey(), p.getValue()));
        }
        producer.flush();
        // ahead of the wall clock, so nothing the heartbeat wrote so far is ahead of the story
        Instant start =
                Instant.now().plusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        simulatedNow = start;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobSettings settings =
                JobSettings.from(
                        Map.of(
                                "kafka", kafka.bootstrapServers(),
                                "start-from", "earliest",
                                "checkpoint-interval", "1s",
                                "out-of-orderness", "500ms",
                                "source-idleness", "1s",
                                "parallelism", "2"),
                        TOPICS);
        KafkaJob.build(env, settings);
        JobClient job = env.executeAsync("kafka-every-trigger-it");
        try (KafkaConsumer<byte[], byte[]> actions = consumer(TOPICS.actions());
                KafkaConsumer<byte[], byte[]> findings = consumer(TOPICS.findings())) {
            Recordings story = new Recordings();
            for (Map.Entry<String, String> e : EVERY_TRIGGER_POD.entrySet()) {
                story.pod(
                        e.getKey(),
                        e.getValue().replace("-1", ""),
                        e.getValue(),
                        512 * MI,
                        start.minus(Duration.ofHours(1)),
                        start);
            }
            // the story starts once the job reads records (the heartbeat's, of pods it doesn't
            // know), so no source races ahead of another while it catches up
            await().atMost(WAIT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> gauge(cluster, job, "", "samplesWithoutPodState") > 0);
            stream(story);
            Thread.sleep(300); // the pods before their first samples
            double cpuSeconds = 0;
            int storySeconds = 14 * 60;
            for (int t = 0; t <= storySeconds; t += 5) {
                Instant at = start.plusSeconds(t);
                simulatedNow = at;
                if (t % 15 == 0) {
                    // 74% of the limit for 3m, then 93%: above 90% for 2m acts
                    story.sample(
                            "container_memory_working_set_bytes",
                            "t-metric",
                            "hot-1",
                            at,
                            t < 180 ? 400e6 : 500e6);
                    // a steady leak of 0.4 MB/s toward the 512Mi limit
                    story.sample(
                            "container_memory_working_set_bytes",
                            "t-growth",
                            "leak-1",
                            at,
                            150e6 + 0.4e6 * t);
                }
                if (t % 10 == 0) {
                    // 1 core for 1m, 0.2 cores for 1m, again and again (a counter, in seconds)
                    story.sample(
                            "container_cpu_usage_seconds_total",
                            "t-oscillation",
                            "swing-1",
                            at,
                            cpuSeconds);
                    cpuSeconds += (t % 120) < 60 ? 10 : 2;
                }
                switch (t) {
                    // three BackOffs act; three more within the 1h cooldown are suppressed
                    case 60, 70, 80, 360, 370, 380 ->
                            story.event("t-event", "crash-1", "BackOff", "Warning", at);
                    // not ready for 2m acts
                    case 120 -> {
                        story.condition("t-condition", "unready-1", "Ready", "False", at);
                        // killed and started, then never ready within 5m
                        story.event("t-absent", "stuck-1", "Killing", "Normal", at);
                        story.condition("t-absent", "stuck-1", "Ready", "False", at);
                    }
                    case 130 -> story.event("t-absent", "stuck-1", "Started", "Normal", at);
                    // OOM-killed twice within 30m
                    case 180, 300 ->
                            story.event("t-sequence", "oom-1", "OOMKilling", "Warning", at);
                    default -> {}
                }
                stream(story);
                Thread.sleep(25);
            }

            List<HealingAction> seen = new ArrayList<>();
            List<Finding> found = new ArrayList<>();
            long[] clock = {storySeconds};
            await().atMost(WAIT)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(200))
                    // on a timeout, say what was missing: which policies acted, what was found
                    .conditionEvaluationListener(
                            condition -> {
                                if (condition.getRemainingTimeInMS() <= 200) {
                                    System.out.println(
                                            "not yet: actions of "
                                                    + seen.stream()
                                                            .map(a -> a.spec().policyRef().name())
                                                            .distinct()
                                                            .sorted()
                                                            .toList()
                                                    + " of "
                                                    + new java.util.TreeSet<>(
                                                            EVERY_TRIGGER.keySet())
                                                    + "; findings "
                                                    + found.stream()
                                                            .map(
                                                                    f ->
                                                                            f.policy()
                                                                                    + "/"
                                                                                    + f
                                                                                            .suppressed())
                                                            .toList()
                                                    + "; simulated clock at "
                                                    + simulatedNow);
                                }
                            })
                    .until(
                            () -> {
                                // event time keeps moving (idle clusters still report samples)
                                clock[0] += 5;
                                simulatedNow = start.plusSeconds(clock[0]);
                                readCommitted(
                                        TOPICS.actions(),
                                        RecordCodec.healingActions(),
                                        seen,
                                        actions);
                                readCommitted(
                                        TOPICS.findings(), RecordCodec.findings(), found, findings);
                                return seen.stream()
                                                        .map(a -> a.spec().policyRef().name())
                                                        .distinct()
                                                        .count()
                                                == EVERY_TRIGGER.size()
                                        && found.stream()
                                                .anyMatch(
                                                        f ->
                                                                io.kubeskippy.job.pattern
                                                                        .FindingFunction.COOLDOWN
                                                                        .equals(f.suppressed()));
                            });
            // what a late duplicate would need to be committed
            Thread.sleep(2000);
            readCommitted(TOPICS.actions(), RecordCodec.healingActions(), seen, actions);
            readCommitted(TOPICS.findings(), RecordCodec.findings(), found, findings);

            assertThat(seen)
                    .extracting(
                            a -> a.spec().policyRef().name(),
                            a -> a.spec().targetResource().id(),
                            a -> a.spec().action().name())
                    .containsExactlyInAnyOrderElementsOf(
                            EVERY_TRIGGER_POD.entrySet().stream()
                                    .map(
                                            e ->
                                                    org.assertj.core.groups.Tuple.tuple(
                                                            e.getKey(),
                                                            "Pod/"
                                                                    + e.getKey()
                                                                    + "/"
                                                                    + e.getValue(),
                                                            "delete-pod"))
                                    .toList());
            // the second burst of BackOffs matched again, within the cooldown: a finding, no action
            List<Finding> crashLoop =
                    found.stream().filter(f -> f.policy().equals("t-event")).toList();
            assertThat(crashLoop)
                    .extracting(Finding::firstEvidenceAt, Finding::suppressed)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(start.plusSeconds(60), null),
                            org.assertj.core.groups.Tuple.tuple(
                                    start.plusSeconds(360),
                                    io.kubeskippy.job.pattern.FindingFunction.COOLDOWN));
        } finally {
            simulatedNow = null;
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The pattern operator's reload latency of the latest policy update, read once every subtask
     * reports {@code versions} active versions (so the value is that update's, not an older one's).
     */
    private static double reloadLatencyOnceActive(
            org.apache.flink.runtime.minicluster.MiniCluster cluster, JobClient job, int versions)
            throws Exception {
        await().atMost(WAIT)
                .pollInSameThread()
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            List<Double> active =
                                    gaugeValues(
                                            cluster, job, "dynamic_CEP", "activePolicyVersions");
                            return active.size() == 2
                                    && active.stream().allMatch(v -> v == versions);
                        });
        return gauge(cluster, job, "dynamic_CEP", "policyReloadLatencyMs");
    }

    @Test
    void restartFromACheckpointWritesNoActionTwice() throws Exception {
        String policy = "crash-loop-eo";
        send(TOPICS.policies(), policy, policy(policy, 3));
        producer.flush();
        Path checkpoints =
                Files.createTempDirectory(Path.of("target"), "checkpoints-").toAbsolutePath();
        org.apache.flink.configuration.Configuration conf =
                new org.apache.flink.configuration.Configuration();
        conf.set(
                org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpoints.toUri().toString());
        conf.set(
                org.apache.flink.configuration.CheckpointingOptions
                        .EXTERNALIZED_CHECKPOINT_RETENTION,
                org.apache.flink.configuration.ExternalizedCheckpointRetention
                        .RETAIN_ON_CANCELLATION);
        JobSettings settings =
                JobSettings.from(
                        Map.of(
                                "kafka", kafka.bootstrapServers(),
                                "start-from", "latest",
                                "group-id", "eo-it",
                                "checkpoint-interval", "1s",
                                "out-of-orderness", "500ms",
                                "source-idleness", "1s",
                                "parallelism", "2"),
                        TOPICS);
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pods.add("eo-" + i);
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        KafkaJob.build(env, settings);
        JobClient first = env.executeAsync("eo-first");
        List<HealingAction> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> actions = consumer(TOPICS.actions())) {
            Thread.sleep(3000); // the sources start at the latest offsets: let them start first
            for (String pod : pods.subList(0, 5)) {
                crashLoop(pod, 3);
            }
            await().atMost(WAIT)
                    .pollInSameThread()
                    .until(
                            () ->
                                    ours(
                                                            readCommitted(
                                                                    TOPICS.actions(),
                                                                    RecordCodec.healingActions(),
                                                                    seen,
                                                                    actions),
                                                            policy)
                                                    .size()
                                            >= 2);
            // stop abruptly, after at least one completed checkpoint; what happened since is
            // uncommitted
            first.cancel().get(60, TimeUnit.SECONDS);

            Path latest;
            try (var walk = Files.walk(checkpoints)) {
                latest =
                        walk.filter(p -> p.getFileName().toString().equals("_metadata"))
                                .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
                                .orElseThrow()
                                .getParent();
            }
            conf.set(
                    org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH,
                    latest.toUri().toString());
            StreamExecutionEnvironment again =
                    StreamExecutionEnvironment.getExecutionEnvironment(conf);
            KafkaJob.build(again, settings);
            JobClient second = again.executeAsync("eo-second");
            try {
                Thread.sleep(3000);
                for (String pod : pods.subList(5, 8)) {
                    crashLoop(pod, 3);
                }
                await().atMost(WAIT)
                        .pollInSameThread()
                        .until(
                                () ->
                                        ours(
                                                                readCommitted(
                                                                        TOPICS.actions(),
                                                                        RecordCodec
                                                                                .healingActions(),
                                                                        seen,
                                                                        actions),
                                                                policy)
                                                        .size()
                                                >= pods.size());
                Thread.sleep(3000); // a late duplicate would be committed by now
                readCommitted(TOPICS.actions(), RecordCodec.healingActions(), seen, actions);
                List<HealingAction> mine = ours(seen, policy);
                assertThat(mine).extracting(HealingAction::name).doesNotHaveDuplicates();
                assertThat(mine)
                        .extracting(a -> a.spec().targetResource().name())
                        .containsExactlyInAnyOrderElementsOf(pods);
            } finally {
                second.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<HealingAction> ours(List<HealingAction> actions, String policy) {
        return actions.stream().filter(a -> a.spec().policyRef().name().equals(policy)).toList();
    }
}

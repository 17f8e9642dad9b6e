package io.kubeskippy.ingest;

import static io.kubeskippy.ingest.policy.PolicyFixtures.metricPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.embedded.PrometheusProcess;
import io.kubeskippy.ingest.TestingTopicReader.Received;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.MetricSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole ingest process against a real broker, a real Prometheus (polled, and remote-writing
 * into it) and fabric8's mock API server in CRUD mode, with a policies directory: every part
 * starts, every input arrives on its topic, and /metrics and /healthz say so.
 */
class IngestProcessITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Topics TOPICS = Topics.defaults();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A PromQL trigger whose result carries a pod: Prometheus' own up, relabelled. */
    private static final String POD_UP =
            "max by (namespace, pod) (label_replace(label_replace(up{job=\"prometheus\"},"
                    + " \"namespace\", \"monitoring\", \"\", \"\"), \"pod\", \"prometheus-0\", \"\","
                    + " \"\"))";

    private static Path dir;
    private static EmbeddedKafka kafka;
    private static PrometheusProcess prometheus;
    private static TestingCluster cluster;
    private static IngestProcess ingest;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "ingest-it-").toAbsolutePath();
        kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
        kafka.createTopics(TOPICS, 2);
        int remoteWritePort = freePort();
        // Started first: it retries remote_write until the receiver listens.
        prometheus =
                PrometheusProcess.builder(dir.resolve("prometheus"))
                        .externalLabel("namespace", "monitoring")
                        .externalLabel("pod", "prometheus-0")
                        .remoteWrite("http://127.0.0.1:" + remoteWritePort + "/api/v1/write")
                        .start();
        cluster = new TestingCluster();
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(
                policies.resolve("pod-up.yaml"), metricPolicy("pod-up", "pod-up-trigger", POD_UP));
        Path queries =
                Files.writeString(
                        dir.resolve("queries.yaml"),
                        "queries:\n  - name: prom_up\n    query: up{job=\"prometheus\"}\n");

        Map<String, String> options = new HashMap<>();
        options.put("kafka", kafka.bootstrapServers());
        options.put("prometheus", prometheus.baseUrl().toString());
        options.put("queries", queries.toString());
        options.put("step", "1s");
        options.put("remote-write-port", Integer.toString(remoteWritePort));
        options.put("metrics-port", "0");
        options.put("listen-address", "127.0.0.1");
        options.put("kubeconfig", cluster.writeKubeconfig(dir).toString());
        options.put("policies", policies.toString());
        options.put("policy-crs", "true");
        ingest = IngestProcess.start(IngestOptions.from(options));
    }

    @AfterAll
    static void stop() {
        Resources.closeAll(ingest, prometheus, cluster, kafka);
    }

    @Test
    void everyPartStartsEveryInputArrivesAndMetricsAndHealthSaySo() throws Exception {
        assertThat(get(ingest.healthUrl()).statusCode()).isEqualTo(200);
        assertThat(ingest.summary())
                .anyMatch(l -> l.startsWith("remote_write: http://127.0.0.1:"))
                .anyMatch(l -> l.startsWith("prometheus: " + prometheus.baseUrl()))
                .anyMatch(l -> l.startsWith("kubernetes: "))
                .anyMatch(l -> l.startsWith("policies: "));

        cluster.client()
                .pods()
                .inNamespace("shop")
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withNamespace("shop")
                                .withName("cart-1")
                                .endMetadata()
                                .build())
                .create();
        cluster.createHealingPolicy(
                "shop", metricPolicy("cr-policy", "high-memory", "memory_usage_percent"));

        try (TestingTopicReader metrics =
                        new TestingTopicReader(kafka.bootstrapServers(), TOPICS.metrics());
                TestingTopicReader pods =
                        new TestingTopicReader(kafka.bootstrapServers(), TOPICS.pods());
                TestingTopicReader policies =
                        new TestingTopicReader(kafka.bootstrapServers(), TOPICS.policies())) {
            await().atMost(WAIT)
                    .until(
                            () ->
                                    // remote_write: Prometheus' own series, with its external
                                    // labels
                                    metrics.anyMatch(s -> s.name().equals("prometheus_build_info"))
                                            // polled from the queries file
                                            && metrics.anyMatch(s -> s.name().equals("prom_up"))
                                            // polled because a policy's trigger is PromQL
                                            && metrics.anyMatch(
                                                    s ->
                                                            s.name()
                                                                    .equals(
                                                                            "kubeskippy:pod-up:pod-up-trigger")));
            Received polledForPolicy =
                    metrics.samples().stream()
                            .filter(
                                    r ->
                                            r.sample()
                                                    .name()
                                                    .equals("kubeskippy:pod-up:pod-up-trigger"))
                            .findFirst()
                            .orElseThrow();
            assertThat(polledForPolicy.key()).isEqualTo("monitoring/prometheus-0");
            assertThat(polledForPolicy.sample().value()).isEqualTo(1.0);
            MetricSample pushed =
                    metrics.samples().stream()
                            .map(Received::sample)
                            .filter(s -> s.name().equals("prometheus_build_info"))
                            .findFirst()
                            .orElseThrow();
            assertThat(pushed.labels()).containsEntry("pod", "prometheus-0");

            await().atMost(WAIT).until(() -> !pods.poll("shop/cart-1").isEmpty());
            await().atMost(WAIT)
                    .untilAsserted(
                            () ->
                                    assertThat(policies.latest())
                                            .containsOnlyKeys("pod-up", "cr-policy"));
        }

        Map<String, Double> scraped = scrape();
        assertThat(scraped)
                .hasEntrySatisfying(
                        "kubeskippy_ingest_records_sent_total{topic=\"skippy.metrics\"}",
                        v -> assertThat(v).isPositive())
                .hasEntrySatisfying(
                        "kubeskippy_ingest_records_sent_total{topic=\"skippy.pods\"}",
                        v -> assertThat(v).isPositive())
                .hasEntrySatisfying(
                        "kubeskippy_ingest_records_sent_total{topic=\"skippy.policies\"}",
                        v -> assertThat(v).isEqualTo(2))
                .hasEntrySatisfying(
                        "kubeskippy_ingest_remote_write_requests_total{outcome=\"accepted\"}",
                        v -> assertThat(v).isPositive())
                .hasEntrySatisfying(
                        "kubeskippy_ingest_remote_write_received_bytes_total",
                        v -> assertThat(v).isPositive())
                .hasEntrySatisfying(
                        "kubeskippy_ingest_remote_write_samples_total{outcome=\"written\"}",
                        v -> assertThat(v).isPositive())
                .hasEntrySatisfying(
                        "kubeskippy_ingest_poll_evaluations_total", v -> assertThat(v).isPositive())
                .hasEntrySatisfying(
                        "kubeskippy_ingest_poll_samples_total{outcome=\"written\"}",
                        v -> assertThat(v).isPositive())
                .containsEntry("kubeskippy_ingest_poll_queries", 2.0)
                .hasEntrySatisfying(
                        "kubeskippy_ingest_poll_lag_seconds", v -> assertThat(v).isLessThan(30))
                .containsEntry("kubeskippy_ingest_watch_synced", 1.0)
                .containsEntry("kubeskippy_policy_reload_success", 1.0)
                .hasEntrySatisfying(
                        "kubeskippy_policy_last_success_timestamp_seconds",
                        v -> assertThat(v).isPositive())
                .containsEntry("kubeskippy_ingest_policy_reloads_total{outcome=\"published\"}", 2.0)
                .containsEntry("kubeskippy_ingest_policies_active", 2.0)
                .containsEntry("kubeskippy_ingest_errors_total{component=\"kafka\"}", 0.0);
        assertThat(scraped.keySet())
                .allSatisfy(
                        name ->
                                assertThat(name)
                                        .matches("kubeskippy_(ingest|policy)_[a-z_]+(\\{.*\\})?"));

        HttpResponse<String> health = get(ingest.healthUrl());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body())
                .startsWith("ok\n")
                .contains("kubernetes: pods and events listed and watched")
                .contains("policies: 2 active, last reload ok");
    }

    @Test
    void aMissingTopicIsAClearStartError() {
        Map<String, String> options = new HashMap<>();
        options.put("kafka", kafka.bootstrapServers());
        options.put("no-kubernetes", "true");
        options.put("remote-write-port", "0");
        options.put("metrics-port", "0");
        options.put("topic-metrics", "no.such.topic");

        assertThatThrownBy(() -> IngestProcess.start(IngestOptions.from(options)))
                .isInstanceOf(IngestStartException.class)
                .hasMessage(
                        "Kafka at "
                                + kafka.bootstrapServers()
                                + " has no topic no.such.topic; create it (skippy kafka creates"
                                + " every KubeSkippy topic) or name existing ones with"
                                + " --topic-<role>");
    }

    @Test
    void aTakenPortIsAClearStartError() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Map<String, String> options = new HashMap<>();
            options.put("kafka", kafka.bootstrapServers());
            options.put("no-kubernetes", "true");
            options.put("remote-write-port", "0");
            options.put("listen-address", "127.0.0.1");
            options.put("metrics-port", Integer.toString(taken.getLocalPort()));

            assertThatThrownBy(() -> IngestProcess.start(IngestOptions.from(options)))
                    .isInstanceOf(IngestStartException.class)
                    .hasMessageStartingWith(
                            "cannot listen on 127.0.0.1:"
                                    + taken.getLocalPort()
                                    + " (--metrics-port): ")
                    .hasMessageContaining("in use");
        }
    }

    /** The samples of /metrics: {@code name{labels}} to value, comments left out. */
    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response =
                get(URI.create("http://127.0.0.1:" + ingest.metricsPort() + "/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

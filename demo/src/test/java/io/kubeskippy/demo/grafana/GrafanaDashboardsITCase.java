package io.kubeskippy.demo.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.demo.Demo;
import io.kubeskippy.demo.DemoOptions;
import io.kubeskippy.demo.grafana.Dashboards.Query;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the demo with a real Prometheus scraping every part (Flink's reporter, ingest, the actuator,
 * the simulated kubelet) and a testing LLM server, then sends every query of every dashboard panel
 * to Prometheus' query API, as Grafana would with the variables at "All": each must be valid PromQL
 * at once, and each must return data (at least one series with a value that is a number) within a
 * few minutes of demo time. Every metric of the inventory must be served too, so no panel passes on
 * one part of its query alone.
 */
class GrafanaDashboardsITCase {

    /** How long the demo may take until every panel has data. */
    private static final Duration DATA_DEADLINE = Duration.ofMinutes(9);

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What Prometheus answered to one instant query. */
    record Answer(String status, String error, int series, int numbers) {
        boolean hasData() {
            return "success".equals(status) && numbers > 0;
        }

        @Override
        public String toString() {
            return "success".equals(status)
                    ? series + " series, " + numbers + " with a number"
                    : status + ": " + error;
        }
    }

    @Test
    void everyPanelQueryIsValidPromQlAndReturnsData() throws Exception {
        Dashboards grafana = Dashboards.find();
        List<Query> panels = grafana.queries();
        assertThat(panels).hasSizeGreaterThan(40);
        List<Query> queries = new ArrayList<>(panels);
        for (String metric : grafana.inventory().keySet()) {
            queries.add(new Query("inventory", metric, "served", "count(" + metric + ")", true));
        }
        Path work = Path.of("target", "grafana-it").toAbsolutePath();
        // A fresh Prometheus TSDB: an instant query looks back 5 minutes, so the samples of an
        // earlier run would answer for this one.
        deleteRecursively(work);
        try (TestingLlm llm = TestingLlm.start();
                Demo demo =
                        Demo.start(
                                DemoOptions.builder(work)
                                        .ephemeralPorts()
                                        .prometheus(DemoOptions.PrometheusMode.REQUIRED)
                                        .jobArgs(
                                                List.of(
                                                        "--llm-url", llm.url(),
                                                        "--llm-model", "testing",
                                                        "--llm-backoff", "100ms"))
                                        .build())) {
            URI prometheus = demo.prometheusUrl().orElseThrow();
            // stdout: the test's output file shows the progress
            System.out.printf(
                    "demo up in %s; Prometheus %s; %d panel queries, %d metrics%n",
                    demo.loopUp(), prometheus, panels.size(), queries.size() - panels.size());

            // Valid PromQL: Prometheus parses and evaluates every query, data or not.
            List<String> invalid = new ArrayList<>();
            for (Query q : panels) {
                Answer a = ask(prometheus, q);
                if (!"success".equals(a.status())) {
                    invalid.add(q + " -> " + a);
                }
            }
            assertThat(invalid).as("queries Prometheus refuses").isEmpty();

            // Data: every query returns a number once the loop has run for a while.
            Map<Query, Answer> answers = new LinkedHashMap<>();
            long start = System.nanoTime();
            await().atMost(DATA_DEADLINE)
                    .pollInterval(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> {
                                List<String> empty = new ArrayList<>();
                                for (Query q : queries) {
                                    Answer a = ask(prometheus, q);
                                    answers.put(q, a);
                                    if (!a.hasData()) {
                                        empty.add(q + " -> " + a);
                                    }
                                }
                                System.out.printf(
                                        "after %d s: %d of %d queries without data%s%n",
                                        (System.nanoTime() - start) / 1_000_000_000L,
                                        empty.size(),
                                        queries.size(),
                                        empty.isEmpty() ? "" : "\n  " + String.join("\n  ", empty));
                                assertThat(empty).as("queries without data").isEmpty();
                            });
            answers.forEach((q, a) -> System.out.println(q + " -> " + a));
            System.out.println("summary: " + demo.summary().toJson());
            assertThat(llm.requests()).isPositive();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** An instant query at the current time, as POST /api/v1/query with a form body. */
    static Answer ask(URI prometheus, Query q) throws Exception {
        String form = "query=" + URLEncoder.encode(q.resolved(), StandardCharsets.UTF_8);
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(prometheus.resolve("/api/v1/query"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode body = Dashboards.JSON.readTree(response.body());
        String status = body.path("status").asText("http " + response.statusCode());
        if (!"success".equals(status)) {
            return new Answer(status, body.path("error").asText(response.body()), 0, 0);
        }
        JsonNode data = body.path("data");
        int series = 0;
        int numbers = 0;
        switch (data.path("resultType").asText()) {
            case "vector" -> {
                for (JsonNode s : data.path("result")) {
                    series++;
                    numbers += isNumber(s.path("value").path(1).asText()) ? 1 : 0;
                }
            }
            case "matrix" -> {
                for (JsonNode s : data.path("result")) {
                    series++;
                    for (JsonNode v : s.path("values")) {
                        if (isNumber(v.path(1).asText())) {
                            numbers++;
                            break;
                        }
                    }
                }
            }
            case "scalar" -> {
                series = 1;
                numbers = isNumber(data.path("result").path(1).asText()) ? 1 : 0;
            }
            default -> {}
        }
        return new Answer(status, null, series, numbers);
    }

    private static boolean isNumber(String value) {
        try {
            return Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package io.kubeskippy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeskippy.demo.cluster.SimulationSettings;
import io.kubeskippy.demo.observe.DemoSummary;
import io.kubeskippy.demo.view.TerminalView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole demo through its API, as {@code skippy demo --duration} runs it, at the shortest
 * settings: leaking apps that reach their limit three minutes after they start. It must prevent an
 * OOM kill, never execute an action on a control or the protected app, and Flink's REST API must
 * list the job as RUNNING while it runs.
 */
class DemoITCase {

    private static final Duration LEAST_RUN = Duration.ofSeconds(150);
    private static final Duration MOST_RUN = Duration.ofSeconds(200);

    @Test
    void preventsOomKillsAndNeverActsOnControlsOrTheProtectedApp() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "demo-it-");
        DemoOptions options =
                DemoOptions.builder(work)
                        .ephemeralPorts()
                        .prometheus(DemoOptions.PrometheusMode.OFF)
                        .simulation(
                                SimulationSettings.defaults(work.resolve("cluster"))
                                        .withTimeToOom(Duration.ofMinutes(3)))
                        .build();
        DemoSummary summary;
        try (Demo demo = Demo.start(options)) {
            assertThat(demo.loopUp()).isLessThan(Duration.ofSeconds(90));

            JsonNode overview = getJson(demo.flinkRestUrl().resolve("/jobs/overview"));
            assertThat(overview.path("jobs")).hasSize(1);
            assertThat(overview.path("jobs").get(0).path("state").asText()).isEqualTo("RUNNING");
            assertThat(overview.path("jobs").get(0).path("name").asText()).isEqualTo("kubeskippy");

            await().atMost(MOST_RUN)
                    .pollInterval(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    demo.running().compareTo(LEAST_RUN) >= 0
                                            && demo.summary().oomKillsPrevented() > 0);

            JsonNode stillRunning = getJson(demo.flinkRestUrl().resolve("/jobs/overview"));
            assertThat(stillRunning.path("jobs").get(0).path("state").asText())
                    .isEqualTo("RUNNING");
            List<String> view = TerminalView.render(demo.status(null));
            assertThat(String.join("\n", view))
                    .contains("memory-leak-app", "chaos-monkey-component", "rule-only");
            demo.close();
            summary = demo.summary();
        }

        assertThat(summary.oomKillsPrevented()).isPositive();
        assertThat(summary.actionsOnControls()).isZero();
        assertThat(summary.actionsOnProtected()).isZero();
        assertThat(summary.actionsByType()).containsKey("restart");
        assertThat(summary.outcomesByPhase()).containsKey("Succeeded");
        assertThat(summary.meanTimeToHealSec()).isPositive();
        assertThat(summary.p99DetectionLatencyMs()).isNotNull().isNotNegative();

        JsonNode json = new ObjectMapper().readTree(summary.toJson());
        for (String field :
                List.of(
                        "oomKills",
                        "oomKillsPrevented",
                        "actionsByType",
                        "blockedByReason",
                        "actionsOnControls",
                        "actionsOnProtected",
                        "meanTimeToHealSec",
                        "p99DetectionLatencyMs")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(summary.toJson()).doesNotContain("\n");
    }

    private static JsonNode getJson(URI uri) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}

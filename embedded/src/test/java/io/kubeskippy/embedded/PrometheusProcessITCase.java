package io.kubeskippy.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The real prometheus binary: generated config, self-scrape, stop by PID, restart on its dir. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusProcessITCase {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path dir;
    private static PrometheusProcess prometheus;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "prometheus-it-");
        prometheus =
                PrometheusProcess.builder(dir)
                        .externalLabel("cluster", "it")
                        .remoteWrite("http://127.0.0.1:9/api/v1/write")
                        .start();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    @Order(1)
    void scrapesItselfWithTheGeneratedConfig() throws Exception {
        assertThat(Files.readString(dir.resolve("prometheus.yml")))
                .contains("scrape_interval: 1000ms")
                .contains("cluster: \"it\"")
                .contains("url: \"http://127.0.0.1:9/api/v1/write\"")
                .contains("batch_send_deadline: 1000ms");
        assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();

        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () ->
                                assertThat(query("up{job=\"prometheus\"}"))
                                        .contains("\"instance\":\"" + prometheus.hostPort() + "\"")
                                        .contains("\"1\"]"));
    }

    @Test
    @Order(2)
    void closeStopsTheProcessByPidAndARestartReusesPortAndData() throws Exception {
        long pid = prometheus.pid();
        int port = prometheus.port();
        prometheus.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(prometheus.isAlive()).isFalse();

        prometheus = PrometheusProcess.builder(dir).port(port).start();

        assertThat(prometheus.pid()).isNotEqualTo(pid);
        assertThat(prometheus.port()).isEqualTo(port);
        // Data from before the restart is still there.
        assertThat(query("count_over_time(up[10m])")).contains("\"result\":[{");
    }

    @Test
    @Order(3)
    void aBadConfigFailsTheStartWithTheLogAndLeavesNoProcess() throws Exception {
        Path badDir = Files.createTempDirectory(Path.of("target"), "prometheus-bad-");
        long before = ProcessHandle.current().children().count();

        assertThatThrownBy(
                        () ->
                                PrometheusProcess.builder(badDir)
                                        .configFragment("no_such_section: {}\n")
                                        .start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no_such_section");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count())
                .isLessThanOrEqualTo(before);
    }

    private static String query(String promql) throws Exception {
        URI uri =
                prometheus
                        .baseUrl()
                        .resolve(
                                "/api/v1/query?query="
                                        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return HTTP.send(
                        HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}

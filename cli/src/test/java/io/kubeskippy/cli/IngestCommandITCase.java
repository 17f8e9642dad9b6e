package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.ingest.remotewrite.proto.Label;
import io.kubeskippy.ingest.remotewrite.proto.Sample;
import io.kubeskippy.ingest.remotewrite.proto.TimeSeries;
import io.kubeskippy.ingest.remotewrite.proto.WriteRequest;
import io.kubeskippy.model.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * {@code skippy ingest} as a user runs it: a separate process that prints what it serves, takes
 * remote_write requests, answers /healthz, and stops cleanly on SIGTERM.
 */
class IngestCommandITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern REMOTE_WRITE = Pattern.compile("^remote_write: (\\S+) -> .*$");
    private static final Pattern METRICS = Pattern.compile("^metrics: (\\S+)/metrics, .*$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmbeddedKafka kafka;
    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void servesRemoteWriteAndHealthUntilSigterm() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "ingest-cmd-");
        kafka = EmbeddedKafka.builder(dir.resolve("kafka")).start();
        kafka.createTopics(Topics.defaults(), 2);
        Path out = dir.resolve("ingest.out");
        Path err = dir.resolve("ingest.err");
        String classpath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        process =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath(),
                                "-Dlog4j2.configurationFile=log4j2.xml",
                                "-cp",
                                classpath,
                                Skippy.class.getName(),
                                "ingest",
                                "--kafka",
                                kafka.bootstrapServers(),
                                "--no-kubernetes",
                                "--remote-write-port",
                                "0",
                                "--metrics-port",
                                "0",
                                "--listen-address",
                                "127.0.0.1")
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        await().atMost(WAIT)
                .failFast("skippy ingest exited early", () -> !process.isAlive())
                .until(() -> lines(out).stream().anyMatch(l -> l.startsWith("Ctrl-C")));
        List<String> printed = lines(out);
        assertThat(printed.get(0)).isEqualTo("ingest ready");
        URI remoteWrite = URI.create(group(printed, REMOTE_WRITE));
        URI metrics = URI.create(group(printed, METRICS));

        HttpResponse<String> written =
                HTTP.send(
                        HttpRequest.newBuilder(remoteWrite)
                                .header("Content-Encoding", "snappy")
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).isEqualTo(204);
        HttpResponse<String> health = get(metrics.resolve("/healthz"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("ok\n");
        assertThat(get(metrics.resolve("/metrics")).body())
                .contains("kubeskippy_ingest_remote_write_samples_total{outcome=\"written\"} 1.0");

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("ingest exits within 60 s of SIGTERM")
                .isTrue();
        assertThat(lines(err))
                .anyMatch(l -> l.contains("ingest stopped") && l.contains("skippy.metrics=1"))
                .noneMatch(l -> l.contains("Exception"));
    }

    private static byte[] body() throws Exception {
        TimeSeries series =
                TimeSeries.newBuilder()
                        .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                        .addLabels(Label.newBuilder().setName("namespace").setValue("shop"))
                        .addLabels(Label.newBuilder().setName("pod").setValue("cart-1"))
                        .addSamples(
                                Sample.newBuilder()
                                        .setTimestamp(System.currentTimeMillis())
                                        .setValue(1))
                        .build();
        return Snappy.compress(
                WriteRequest.newBuilder().addTimeseries(series).build().toByteArray());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String group(List<String> lines, Pattern pattern) {
        return lines.stream()
                .map(pattern::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line matches " + pattern + ": " + lines));
    }

    private static List<String> lines(Path file) throws java.io.IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}

package io.kubeskippy.ingest.remotewrite;

import static io.kubeskippy.ingest.remotewrite.WriteRequests.T0;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.body;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.request;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.series;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.snappy;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.TestingSampleSink;
import io.kubeskippy.ingest.TestingSampleSink.Mode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The receiver over real HTTP on loopback, with a fake sink in place of Kafka. */
class RemoteWriteReceiverTest {

    private static final int MAX_COMPRESSED = 64 * 1024;
    private static final int MAX_DECODED = 256 * 1024;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TestingSampleSink sink = new TestingSampleSink();
    private final IngestCounters counters = new IngestCounters();
    private RemoteWriteReceiver receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver =
                RemoteWriteReceiver.start(
                        RemoteWriteOptions.defaults()
                                .withAddress("127.0.0.1", 0)
                                .withLimits(MAX_COMPRESSED, MAX_DECODED)
                                .withAckTimeout(Duration.ofMillis(500)),
                        sink,
                        counters);
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void answers204AfterTheSinkAcknowledgedEverySample() throws Exception {
        byte[] body =
                body(
                        request(
                                series("up", Map.of("job", "a"), T0, 1, T0 + 1000, 1),
                                series("x", Map.of("pod", "p", "namespace", "n"), T0, 2)));

        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(sink.acknowledged()).hasSize(3);
        assertThat(counters.remoteWriteAccepted()).isEqualTo(1);
        assertThat(counters.remoteWriteSamples()).isEqualTo(3);
        assertThat(counters.remoteWriteBytes()).isEqualTo(body.length);
        assertThat(counters.remoteWriteDecodedBytes()).isGreaterThan(0);
    }

    @Test
    void countsDroppedSamplesAndStillAnswers204() throws Exception {
        HttpResponse<String> response =
                post(body(request(series("up", Map.of(), T0, Double.NaN, T0 + 1, 1))));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(sink.acknowledged()).hasSize(1);
        assertThat(counters.remoteWriteDropped(Drop.NAN)).isEqualTo(1);
    }

    @Test
    void answers400WithAOneLineReasonForMalformedBodiesAndWritesNothing() throws Exception {
        byte[] valid = body(request(series("up", Map.of("job", "a", "instance", "b"), T0, 1)));
        byte[][] malformed = {
            "garbage, not snappy".getBytes(StandardCharsets.UTF_8),
            Arrays.copyOf(valid, valid.length - 4),
            snappy(
                    "not a protobuf: bytes 'n' and 'o' are bad tags"
                            .getBytes(StandardCharsets.UTF_8)),
            new byte[0]
        };

        for (byte[] body : malformed) {
            HttpResponse<String> response = post(body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).endsWith("\n").doesNotContain("Exception");
            assertThat(response.body().strip()).doesNotContain("\n").isNotEmpty();
        }

        assertThat(sink.acknowledged()).isEmpty();
        assertThat(counters.remoteWriteRejected(Rejection.MALFORMED)).isEqualTo(4);
        // Still serving.
        assertThat(post(valid).statusCode()).isEqualTo(204);
    }

    @Test
    void answers413ForABodyOverTheLimitWithOrWithoutContentLength() throws Exception {
        byte[] tooLarge = new byte[MAX_COMPRESSED + 1];

        assertThat(post(tooLarge).statusCode()).isEqualTo(413);
        HttpResponse<String> chunked =
                http.send(
                        HttpRequest.newBuilder(receiver.url())
                                .POST(
                                        HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new java.io.ByteArrayInputStream(tooLarge)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("limit");
        assertThat(counters.remoteWriteRejected(Rejection.TOO_LARGE)).isEqualTo(2);
    }

    @Test
    void answers413ForASmallBodyThatDecompressesOverTheLimit() throws Exception {
        HttpResponse<String> response = post(snappy(new byte[MAX_DECODED + 1]));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("uncompressed");
    }

    @Test
    void answers405ForOtherMethodsAnd404ForOtherPaths() throws Exception {
        HttpResponse<String> get =
                http.send(
                        HttpRequest.newBuilder(receiver.url()).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> elsewhere =
                http.send(
                        HttpRequest.newBuilder(receiver.url().resolve("/api/v1/writes"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1]))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    @Test
    void answers415ForAnotherEncodingOrRemoteWrite2() throws Exception {
        byte[] body = body(request(series("up", Map.of(), T0, 1)));

        HttpResponse<String> gzip = post(body, "Content-Encoding", "gzip");
        HttpResponse<String> v2 =
                post(
                        body,
                        "Content-Type",
                        "application/x-protobuf;proto=io.prometheus.write.v2.Request");

        assertThat(gzip.statusCode()).isEqualTo(415);
        assertThat(v2.statusCode()).isEqualTo(415);
        assertThat(sink.acknowledged()).isEmpty();
    }

    @Test
    void answers503WhenKafkaFailsSoThatPrometheusRetries() throws Exception {
        sink.mode(Mode.FAIL);

        HttpResponse<String> response = post(body(request(series("up", Map.of(), T0, 1))));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("Kafka unavailable");
        assertThat(counters.remoteWriteRejected(Rejection.KAFKA_UNAVAILABLE)).isEqualTo(1);
        assertThat(counters.remoteWriteAccepted()).isZero();
    }

    @Test
    void answers503WhenKafkaDoesNotAcknowledgeInTime() throws Exception {
        sink.mode(Mode.NEVER_ANSWER);

        long start = System.nanoTime();
        HttpResponse<String> response = post(body(request(series("up", Map.of(), T0, 1))));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("did not acknowledge");
        assertThat(tookMs).isBetween(450L, 5_000L);

        sink.mode(Mode.ACKNOWLEDGE);
        assertThat(post(body(request(series("up", Map.of(), T0, 1)))).statusCode()).isEqualTo(204);
    }

    private HttpResponse<String> post(byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(receiver.url())
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(
                request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package io.kubeskippy.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.TestingSampleSink;
import io.kubeskippy.model.record.MetricSample;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The poller against a fake query API, with a fast step. */
class PrometheusPollerTest {

    private static final Duration STEP = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestingSampleSink sink = new TestingSampleSink();
    private final IngestCounters counters = new IngestCounters();
    private TestingPrometheus prometheus;
    private PrometheusPoller poller;

    @BeforeEach
    void startPrometheus() throws Exception {
        prometheus = new TestingPrometheus();
    }

    @AfterEach
    void stop() {
        if (poller != null) {
            poller.close();
        }
        prometheus.close();
    }

    @Test
    void evaluatesEveryQueryEachStepAtAlignedTimesNamedByTheQuery() {
        poller =
                start(
                        prometheus.baseUrl(),
                        new PrometheusQuery("up_named", "up"),
                        new PrometheusQuery(null, "up"));

        await().atMost(WAIT).until(() -> counters.pollEvaluations() >= 6);

        List<MetricSample> samples = sink.acknowledged();
        assertThat(samples).extracting(MetricSample::name).contains("up_named", "up");
        assertThat(samples).allSatisfy(s -> assertThat(s.timestampMs() % STEP.toMillis()).isZero());
        assertThat(samples)
                .allSatisfy(s -> assertThat(s.labels()).isEqualTo(Map.of("job", "fake")));
        assertThat(prometheus.requests())
                .allSatisfy(r -> assertThat(r.time()).matches("\\d+\\.\\d{3}"))
                .extracting(TestingPrometheus.Request::query)
                .containsOnly("up");
        assertThat(counters.pollOutages()).isZero();
    }

    @Test
    void backsOffWhilePrometheusIsDownCountsTheGapAndRecovers() {
        poller = start(prometheus.baseUrl(), new PrometheusQuery("up_named", "up"));
        await().atMost(WAIT).until(() -> counters.pollEvaluations() >= 2);

        prometheus.unavailable(true);
        await().atMost(WAIT)
                .until(() -> poller.inOutage() && counters.pollMissedEvaluations() >= 5);
        int requestsBefore = prometheus.requests().size();
        long errorsBefore = counters.pollErrors();
        prometheus.unavailable(false);
        await().atMost(WAIT).until(() -> !poller.inOutage());
        long evaluationsAtRecovery = counters.pollEvaluations();
        await().atMost(WAIT).until(() -> counters.pollEvaluations() >= evaluationsAtRecovery + 3);

        assertThat(poller.isRunning()).isTrue();
        assertThat(counters.pollOutages()).isEqualTo(1);
        assertThat(errorsBefore).isGreaterThan(0);
        // Backoff: fewer attempts than steps while down (the cap is 800ms = 4 steps).
        assertThat(errorsBefore).isLessThan(counters.pollMissedEvaluations() + 2);
        assertThat(requestsBefore).isGreaterThan(0);
        // Every step is either evaluated or counted as missed: no silent holes.
        TreeSet<Long> evaluated = new TreeSet<>();
        sink.acknowledged().forEach(s -> evaluated.add(s.timestampMs()));
        long lastCounted = evaluated.last();
        long steps = (lastCounted - evaluated.first()) / STEP.toMillis() + 1;
        assertThat(evaluated.size() + counters.pollMissedEvaluations()).isBetween(steps, steps + 1);
    }

    @Test
    void aRefusedQueryIsCountedWithoutHoldingUpTheOthers() {
        poller =
                start(
                        prometheus.baseUrl(),
                        new PrometheusQuery("broken", "bad("),
                        new PrometheusQuery("up_named", "up"));

        await().atMost(WAIT).until(() -> counters.pollEvaluations() >= 3);

        assertThat(counters.pollQueryErrors()).isGreaterThanOrEqualTo(3);
        assertThat(counters.pollOutages()).isZero();
        assertThat(sink.acknowledged()).extracting(MetricSample::name).containsOnly("up_named");
    }

    @Test
    void keepsRetryingWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            port = socket.getLocalPort();
        }
        poller = start(URI.create("http://127.0.0.1:" + port), new PrometheusQuery(null, "up"));

        await().atMost(WAIT).until(() -> counters.pollMissedEvaluations() >= 5);

        assertThat(poller.inOutage()).isTrue();
        assertThat(poller.isRunning()).isTrue();
        assertThat(counters.pollOutages()).isEqualTo(1);
        assertThat(counters.pollEvaluations()).isZero();
    }

    private PrometheusPoller start(URI url, PrometheusQuery... queries) {
        PrometheusPoller started =
                new PrometheusPoller(
                        PrometheusPollerOptions.of(url)
                                .withStep(STEP)
                                .withRequestTimeout(Duration.ofSeconds(2))
                                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(800)),
                        List.of(queries),
                        sink,
                        counters);
        started.start();
        return started;
    }
}

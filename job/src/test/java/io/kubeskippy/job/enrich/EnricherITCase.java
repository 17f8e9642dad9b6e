package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoop;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopAi;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.policy;
import static io.kubeskippy.job.enrich.TestingLlmServer.good;
import static io.kubeskippy.job.enrich.TestingLlmServer.slow;
import static io.kubeskippy.job.enrich.TestingLlmServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction.Enrichment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The enricher against a real HTTP server ({@link TestingLlmServer}) with okhttp: request shapes of
 * both APIs, retries, timeouts, the deadline, the breaker, the cache and the capacity; and the
 * metrics each of them moves, registered as the job registers them.
 */
class EnricherITCase {

    private static final HealingPolicy POLICY = policy(CRASH_LOOP_AI);
    private static final HealingPolicy AI_OFF =
            policy(crashLoopAi("    enabled: true\n", "    enabled: false\n"));
    private static TestingLlmServer server;
    private final List<Enricher> enrichers = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        server = TestingLlmServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void reset() {
        enrichers.forEach(Enricher::close);
        server.reset();
    }

    private Enricher enricher(LlmProvider provider, String... options) {
        return enricher(
                provider,
                Duration.ofSeconds(5),
                10,
                ApiKey.read(settings(provider), n -> null),
                options);
    }

    private Enricher enricher(
            LlmProvider provider, Duration deadline, int capacity, ApiKey key, String... options) {
        Enricher e =
                new Enricher(
                        settings(provider, options),
                        deadline,
                        capacity,
                        key,
                        SharedHttp.acquire(),
                        System::nanoTime);
        enrichers.add(e);
        return e;
    }

    /** An enricher with one call slot, against the server answering after 500 ms. */
    private Enricher oneSlotSlowLlm(String... options) {
        server.otherwise(slow(Duration.ofMillis(500), good(0.9, "delete-pod")));
        return enricher(
                LlmProvider.OLLAMA,
                Duration.ofSeconds(5),
                1,
                ApiKey.read(settings(LlmProvider.OLLAMA), n -> null),
                options);
    }

    /** Test settings: short timeouts, no cache unless asked; options as key, value pairs. */
    private static LlmSettings settings(LlmProvider provider, String... options) {
        java.util.Map<String, String> o = new java.util.HashMap<>();
        o.put("llm-url", server.url());
        o.put("llm-provider", provider.wireName());
        o.put("llm-model", "qwen2.5:1.5b-instruct");
        o.put("llm-timeout", "1s");
        o.put("llm-retries", "2");
        o.put("llm-backoff", "50ms");
        o.put("llm-cache-ttl", "0");
        for (int i = 0; i + 1 < options.length; i += 2) {
            o.put(options[i], options[i + 1]);
        }
        return io.kubeskippy.job.JobSettings.from(o, io.kubeskippy.model.Topics.defaults()).llm();
    }

    private static Enrichment get(CompletableFuture<Enrichment> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The enricher's metrics, as the job registers them, into a group the test can read. */
    private static MetricListener metered(Enricher e) {
        MetricListener listener = new MetricListener();
        e.withMetrics(
                EnrichmentMetrics.flink(
                        listener.getMetricGroup(),
                        e::inFlight,
                        () -> e.breaker().state() != CircuitBreaker.State.CLOSED));
        return listener;
    }

    /** A counter's count, 0 if it was never registered (a reason not seen yet). */
    private static long count(MetricListener m, String... identifier) {
        return m.getCounter(identifier).map(Counter::getCount).orElse(0L);
    }

    private static long failures(MetricListener m, String reason) {
        return count(m, "reason", reason, "llmFailures");
    }

    private static long fallbacks(MetricListener m, String reason) {
        return count(m, "reason", reason, "enrichmentFallbacks");
    }

    private static Histogram histogram(MetricListener m, String name) {
        return m.getHistogram(name).orElseThrow();
    }

    private static Object gauge(MetricListener m, String name) {
        return m.getGauge(name).orElseThrow().getValue();
    }

    @Test
    void ollamaGetsTheSchemaAsFormatAndTheTemperatureInOptions() throws Exception {
        server.then(good(0.9, "rollout-restart", "delete-pod"));

        Enrichment e =
                get(
                        enricher(LlmProvider.OLLAMA, "llm-temperature", "0.3")
                                .enrich(crashLoop("shop", "cart-1"), POLICY, null));

        assertThat(e.source()).isEqualTo(Enrichment.Source.OLLAMA);
        assertThat(e.confidence()).isEqualTo(0.9);
        assertThat(e.rankedActions()).containsExactly("rollout-restart", "delete-pod");
        assertThat(e.fallbackReason()).isNull();
        TestingLlmServer.Recorded r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/api/chat");
        JsonNode body = r.body();
        assertThat(body.path("model").asText()).isEqualTo("qwen2.5:1.5b-instruct");
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(
                        body.path("format")
                                .path("properties")
                                .path("rankedActions")
                                .path("items")
                                .path("enum"))
                .hasSize(3);
        assertThat(body.path("options").path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.has("temperature")).as("no top-level temperature").isFalse();
        assertThat(r.header("Authorization")).isNull();
    }

    @Test
    void openAiGetsAJsonSchemaResponseFormatAndTheKeyAsBearer() throws Exception {
        server.then(good(0.75, "delete-pod"));
        ApiKey key =
                ApiKey.read(
                        settings(LlmProvider.OPENAI, "llm-key-env", "K"), n -> "sk-test-secret");

        Enrichment e =
                get(
                        enricher(LlmProvider.OPENAI, Duration.ofSeconds(5), 10, key)
                                .enrich(crashLoop("shop", "cart-1"), POLICY, null));

        assertThat(e.source()).isEqualTo(Enrichment.Source.OPENAI);
        assertThat(e.model()).isEqualTo("qwen2.5:1.5b-instruct");
        assertThat(e.toString()).doesNotContain("sk-test-secret");
        TestingLlmServer.Recorded r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        JsonNode format = r.body().path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
        assertThat(format.path("json_schema").path("schema").path("required")).isNotEmpty();
        assertThat(r.body().path("temperature").isNumber()).isTrue();
        assertThat(r.header("Authorization")).isEqualTo("Bearer sk-test-secret");
    }

    @Test
    void retriesA500AndA429ThenSucceeds() throws Exception {
        server.then(
                status(500, "{\"error\":\"overloaded\"}"),
                TestingLlmServer.tooManyRequests(0),
                good(0.8, "delete-pod"));

        Enricher enricher = enricher(LlmProvider.OLLAMA);
        MetricListener metrics = metered(enricher);

        Enrichment e = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));

        assertThat(server.requests()).hasSize(3);
        assertThat(e.confidence()).isEqualTo(0.8);
        assertThat(e.fallbackReason()).isNull();
        // one enrichment is one call (its retries inside), timed once; a success is no failure
        assertThat(count(metrics, "llmCalls")).isEqualTo(1);
        assertThat(histogram(metrics, "llmLatencyMs").getCount()).isEqualTo(1);
        assertThat(histogram(metrics, "llmLatencyMs").getStatistics().getMax())
                .isEqualTo(e.latencyMs());
        assertThat(failures(metrics, "http_5xx")).isZero();
        assertThat(failures(metrics, "http_429")).isZero();
        assertThat(histogram(metrics, "llmConfidencePercent").getStatistics().getValues())
                .containsExactly(80);
    }

    @Test
    void doesNotRetryOtherClientErrors() throws Exception {
        server.then(status(404, "{\"error\":\"model 'nope' not found\"}"), good(0.8, "delete-pod"));

        Enricher enricher = enricher(LlmProvider.OLLAMA);
        MetricListener metrics = metered(enricher);

        Enrichment e = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));

        assertThat(server.requests()).hasSize(1);
        assertThat(e.source()).isEqualTo(Enrichment.Source.OLLAMA);
        assertThat(e.confidence()).isNull();
        assertThat(count(metrics, "llmCalls")).isEqualTo(1);
        assertThat(failures(metrics, "http_4xx")).isEqualTo(1);
        assertThat(fallbacks(metrics, "http_4xx")).isEqualTo(1);
        assertThat(histogram(metrics, "llmConfidencePercent").getCount()).isZero();
        assertThat(e.fallbackReason())
                .isEqualTo("HTTP 404 from the LLM server: {\"error\":\"model 'nope' not found\"}");
    }

    @Test
    void retriesATimedOutCallAndGivesUpWithTheReasonAfterTheLastRetry() throws Exception {
        server.otherwise(slow(Duration.ofMillis(800), good(0.9, "delete-pod")));

        Enrichment e =
                get(
                        enricher(LlmProvider.OPENAI, "llm-timeout", "200ms", "llm-retries", "1")
                                .enrich(crashLoop("shop", "cart-1"), POLICY, null));

        assertThat(server.requests()).hasSize(2);
        assertThat(e.confidence()).isNull();
        assertThat(e.fallbackReason())
                .isEqualTo("no reply within 200 ms (llm-timeout) (2 attempts)");
        assertThat(e.latencyMs()).isBetween(400L, 2000L);
    }

    @Test
    void theDeadlineCutsTheAttemptsShort() throws Exception {
        server.otherwise(slow(Duration.ofSeconds(3), good(0.9, "delete-pod")));
        Enricher enricher =
                enricher(
                        LlmProvider.OLLAMA,
                        Duration.ofMillis(700),
                        10,
                        ApiKey.read(settings(LlmProvider.OLLAMA), n -> null),
                        "llm-timeout",
                        "5s");

        Enrichment e = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));

        assertThat(e.fallbackReason())
                .matches("no reply within the enrichment deadline \\(\\d+ ms, 1 attempt\\)");
        assertThat(e.latencyMs()).isBetween(600L, 1500L);
        assertThat(enricher.inFlight()).isZero();
    }

    @Test
    void garbageIsDroppedWithTheReason() throws Exception {
        server.then(
                TestingLlmServer.content("{\"summary\": \"oops"),
                TestingLlmServer.rawBody("<html>502 Bad Gateway</html>"));
        Enricher enricher = enricher(LlmProvider.OLLAMA);
        MetricListener metrics = metered(enricher);

        Enrichment notJson = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));
        Enrichment notApi = get(enricher.enrich(crashLoop("shop", "cart-2"), POLICY, null));

        assertThat(failures(metrics, "rejected")).isEqualTo(1);
        assertThat(fallbacks(metrics, "rejected")).isEqualTo(1);
        assertThat(failures(metrics, "bad_response")).isEqualTo(1);
        assertThat(fallbacks(metrics, "bad_response")).isEqualTo(1);
        assertThat(count(metrics, "llmCalls")).isEqualTo(2);

        assertThat(notJson.fallbackReason()).startsWith("reply dropped: the reply is not JSON");
        assertThat(notJson.model()).isEqualTo("qwen2.5:1.5b-instruct");
        assertThat(notJson.summary()).isNull();
        assertThat(notApi.fallbackReason())
                .startsWith("the LLM server's reply is not JSON: <html>");
    }

    @Test
    void theBreakerOpensAfterConsecutiveFailuresAndClosesAfterASuccessfulTrial() throws Exception {
        server.then(status(500, "down"), status(500, "down")).otherwise(good(0.9, "delete-pod"));
        Enricher enricher =
                enricher(
                        LlmProvider.OPENAI,
                        "llm-retries",
                        "0",
                        "llm-breaker-failures",
                        "2",
                        "llm-breaker-cool-off",
                        "500ms");
        MetricListener metrics = metered(enricher);
        assertThat(gauge(metrics, "llmBreakerOpen")).isEqualTo(0);

        get(enricher.enrich(crashLoop("shop", "a"), POLICY, null));
        get(enricher.enrich(crashLoop("shop", "b"), POLICY, null));
        Enrichment skipped = get(enricher.enrich(crashLoop("shop", "c"), POLICY, null));

        assertThat(gauge(metrics, "llmBreakerOpen")).isEqualTo(1);
        assertThat(failures(metrics, "http_5xx")).isEqualTo(2);
        assertThat(fallbacks(metrics, "http_5xx")).isEqualTo(2);
        assertThat(fallbacks(metrics, "breaker_open")).isEqualTo(1);
        assertThat(count(metrics, "llmCalls")).as("the skipped one is not a call").isEqualTo(2);

        assertThat(skipped.source()).isEqualTo(Enrichment.Source.NONE);
        assertThat(skipped.fallbackReason())
                .startsWith(
                        "LLM skipped: circuit breaker open after 2 consecutive failures (last: HTTP 500 from the LLM server: down)");
        assertThat(server.requests()).hasSize(2);

        Thread.sleep(600);
        Enrichment trial = get(enricher.enrich(crashLoop("shop", "d"), POLICY, null));
        Enrichment after = get(enricher.enrich(crashLoop("shop", "e"), POLICY, null));

        assertThat(trial.confidence()).isEqualTo(0.9);
        assertThat(after.confidence()).isEqualTo(0.9);
        assertThat(enricher.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(server.requests()).hasSize(4);
        assertThat(gauge(metrics, "llmBreakerOpen")).isEqualTo(0);
        assertThat(count(metrics, "llmCalls")).isEqualTo(4);
        assertThat(histogram(metrics, "llmLatencyMs").getCount()).isEqualTo(4);
        assertThat(histogram(metrics, "llmConfidencePercent").getStatistics().getValues())
                .containsExactly(90, 90);
        assertThat(failures(metrics, "http_5xx")).isEqualTo(2);
    }

    @Test
    void aFlappingTargetIsAnsweredFromTheCache() throws Exception {
        server.otherwise(good(0.9, "delete-pod"));
        Enricher enricher = enricher(LlmProvider.OLLAMA, "llm-cache-ttl", "10m");
        MetricListener metrics = metered(enricher);

        Enrichment first = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));
        Enrichment second = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));
        get(enricher.enrich(crashLoop("shop", "cart-2"), POLICY, null));

        assertThat(server.requests()).hasSize(2);
        assertThat(second.summary()).isEqualTo(first.summary());
        assertThat(second.confidence()).isEqualTo(first.confidence());
        assertThat(count(metrics, "llmCacheHits")).isEqualTo(1);
        assertThat(count(metrics, "llmCalls")).isEqualTo(2);
        assertThat(histogram(metrics, "llmLatencyMs").getCount())
                .as("a cache hit is not timed as a call")
                .isEqualTo(2);
    }

    @Test
    void thePodThatReplacedACrashLoopingOneReusesItsReplyAndSaysSo() throws Exception {
        server.otherwise(good(0.9, "delete-pod"));
        Enricher enricher = enricher(LlmProvider.OLLAMA, "llm-cache-ttl", "10m");
        Finding first = crashLoop("shop", "cart-7f9c-aaaaa");
        Finding replacement = crashLoop("shop", "cart-7f9c-bbbbb");

        Enrichment asked =
                get(
                        enricher.enrich(
                                first,
                                POLICY,
                                ReplyCacheTest.owned("cart-7f9c-aaaaa", "Deployment/cart")));
        Enrichment reused =
                get(
                        enricher.enrich(
                                replacement,
                                POLICY,
                                ReplyCacheTest.owned("cart-7f9c-bbbbb", "Deployment/cart")));
        Enrichment unknownOwner = get(enricher.enrich(replacement, POLICY, null));

        assertThat(server.requests()).as("the replacement pod cost no call").hasSize(2);
        assertThat(asked.reusedFrom()).isNull();
        assertThat(reused.reusedFrom()).isEqualTo(first.id());
        assertThat(reused.summary()).isEqualTo(asked.summary());
        assertThat(reused.rankedActions()).isEqualTo(asked.rankedActions());
        assertThat(unknownOwner.reusedFrom())
                .as("without its owner a pod is its own workload: asked again")
                .isNull();
    }

    @Test
    void beyondCapacityAFindingGoesOnWithoutWaiting() throws Exception {
        Enricher enricher = oneSlotSlowLlm();
        MetricListener metrics = metered(enricher);

        CompletableFuture<Enrichment> first = enricher.enrich(crashLoop("shop", "a"), POLICY, null);
        Enrichment second = get(enricher.enrich(crashLoop("shop", "b"), POLICY, null));

        assertThat(first).isNotDone();
        assertThat(gauge(metrics, "llmInFlight")).isEqualTo(1);
        assertThat(fallbacks(metrics, "busy")).isEqualTo(1);
        assertThat(second.source()).isEqualTo(Enrichment.Source.NONE);
        assertThat(second.fallbackReason()).startsWith("LLM skipped: 1 enrichments in flight");
        assertThat(get(first).confidence()).isEqualTo(0.9);
        assertThat(gauge(metrics, "llmInFlight")).isEqualTo(0);
    }

    @Test
    void withEveryCallSlotTakenAndNothingCachedTheFindingIsNotEvenRead() throws Exception {
        Enricher enricher = oneSlotSlowLlm();
        MetricListener metrics = metered(enricher);
        assertThat(enricher.busyBeforeReading(POLICY)).as("a slot is free").isNull();

        CompletableFuture<Enrichment> first = enricher.enrich(crashLoop("shop", "a"), POLICY, null);
        Enrichment busy = enricher.busyBeforeReading(POLICY);

        assertThat(busy.source()).isEqualTo(Enrichment.Source.NONE);
        assertThat(busy.fallbackReason()).startsWith("LLM skipped: 1 enrichments in flight");
        assertThat(fallbacks(metrics, "busy")).isEqualTo(1);
        assertThat(enricher.busyBeforeReading(AI_OFF))
                .as("a policy without ai is not the LLM's to skip")
                .isNull();
        assertThat(get(first).confidence()).isEqualTo(0.9);
    }

    @Test
    void withACachedReplyAFindingBeyondCapacityIsStillLookedUp() throws Exception {
        Enricher enricher = oneSlotSlowLlm("llm-cache-ttl", "10m");
        get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));
        CompletableFuture<Enrichment> inFlight =
                enricher.enrich(crashLoop("shop", "other"), POLICY, null);

        assertThat(enricher.busyBeforeReading(POLICY))
                .as("the cache may hold this finding's reply: it has to be read")
                .isNull();
        Enrichment flapped = get(enricher.enrich(crashLoop("shop", "cart-1"), POLICY, null));
        assertThat(flapped.confidence()).as("answered from the cache while busy").isEqualTo(0.9);
        assertThat(get(inFlight).confidence()).isEqualTo(0.9);
    }

    @Test
    void lowConfidenceIsKeptButSaysWhatItMeansForThePolicy() throws Exception {
        server.otherwise(good(0.3, "scale-up"));
        HealingPolicy approval =
                policy(
                        crashLoopAi(
                                "    mayRank: true\n",
                                "    mayRank: true\n    onLowConfidence: requireApproval\n"));

        Enricher enricher = enricher(LlmProvider.OLLAMA);
        MetricListener metrics = metered(enricher);

        Enrichment e = get(enricher.enrich(crashLoop("shop", "cart-1"), approval, null));

        assertThat(fallbacks(metrics, "low_confidence")).isEqualTo(1);
        assertThat(histogram(metrics, "llmConfidencePercent").getStatistics().getValues())
                .containsExactly(30);
        assertThat(e.confidence()).isEqualTo(0.3);
        assertThat(e.fallbackReason())
                .isEqualTo(
                        "confidence 0.30 is below the policy's minConfidence 0.60: the action needs approval");
    }

    @Test
    void aPolicyWithAiDisabledIsNeverSent() throws Exception {
        Enrichment e =
                get(enricher(LlmProvider.OLLAMA).enrich(crashLoop("shop", "cart-1"), AI_OFF, null));

        assertThat(e.source()).isEqualTo(Enrichment.Source.NONE);
        assertThat(e.fallbackReason()).isEqualTo("ai.enabled is false in policy crash-loop");
        assertThat(server.requests()).isEmpty();
    }
}

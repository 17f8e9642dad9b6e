package io.kubeskippy.job.enrich;

import io.kubeskippy.model.policy.AiOptions;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction.Enrichment;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Enriches one finding: from the cache, or by asking the LLM (unless the breaker is open or the
 * stage is at capacity), then validating the reply against the schema and the policy's bounds.
 * Every field of the result comes from the actual reply or the actual failure: a failed or dropped
 * reply names the provider and model that were asked, the time it took and why, and has no
 * confidence; {@code source: none} when nobody was asked. Never fails: the future always completes
 * with an enrichment. Thread-safe; not Flink-specific, so it is tested on its own.
 */
final class Enricher implements AutoCloseable {

    private final LlmSettings settings;
    private final Duration deadline;
    private final int maxInFlight;
    private final LlmClient client;
    private final SharedHttp.Lease http;
    private final CircuitBreaker breaker;
    private final ReplyCache cache;
    private final LongSupplier nanoTime;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile EnrichmentMetrics metrics = EnrichmentMetrics.NONE;

    /**
     * @param deadline what one enrichment may take, every attempt included
     * @param maxInFlight LLM calls at once; a finding beyond them goes on without the LLM
     */
    Enricher(
            LlmSettings settings,
            Duration deadline,
            int maxInFlight,
            ApiKey key,
            SharedHttp.Lease http,
            LongSupplier nanoTime) {
        this.settings = settings;
        this.deadline = deadline;
        this.maxInFlight = maxInFlight;
        this.http = http;
        this.nanoTime = nanoTime;
        this.client = new LlmClient(settings, key, http, nanoTime);
        this.breaker =
                new CircuitBreaker(settings.breakerFailures(), settings.breakerCoolOff(), nanoTime);
        this.cache = new ReplyCache(settings.cacheTtl(), nanoTime);
    }

    Enricher withMetrics(EnrichmentMetrics m) {
        this.metrics = m;
        return this;
    }

    int inFlight() {
        return inFlight.get();
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    CompletableFuture<Enrichment> enrich(
            Finding finding, HealingPolicy policy, TargetContext context) {
        long start = nanoTime.getAsLong();
        if (!policy.spec().ai().enabled()) {
            return CompletableFuture.completedFuture(aiDisabled(policy));
        }
        String key = ReplyCache.key(finding, policy, context);
        ReplyCache.Entry hit = cache.get(key);
        if (hit != null) {
            metrics.cacheHit();
            return CompletableFuture.completedFuture(
                    accepted(
                            hit.reply(), hit.model(), policy, millisSince(start), hit.findingId()));
        }
        if (atCapacity()) {
            return CompletableFuture.completedFuture(busy());
        }
        CircuitBreaker.Permit permit = breaker.tryAcquire();
        if (!permit.allowed()) {
            metrics.fallback("breaker_open");
            return CompletableFuture.completedFuture(Enrichment.none(permit.reason()));
        }
        Prompt prompt = PromptBuilder.build(finding, policy, context);
        inFlight.incrementAndGet();
        metrics.call();
        return client.chat(prompt, start + deadline.toNanos())
                .handle(
                        (response, error) -> {
                            inFlight.decrementAndGet();
                            long latency = millisSince(start);
                            metrics.latency(latency);
                            return error != null
                                    ? failed(unwrap(error), latency)
                                    : replied(response, finding, policy, key, latency);
                        });
    }

    /**
     * The answer for a finding of {@code policy} that is known before the finding or its context is
     * even read: every call slot is taken and no cached reply could be reused (the cache is off, or
     * holds no reply younger than its TTL), so it goes on rule-based. Null when the finding has to
     * be looked at. In a storm of findings most candidates end here, so this is the path that must
     * cost least. (A candidate whose finding would not decode, which only a bug in this job
     * produces, then also goes on as busy rather than as failed.)
     */
    Enrichment busyBeforeReading(HealingPolicy policy) {
        return policy.spec().ai().enabled() && atCapacity() && cache.isEmpty() ? busy() : null;
    }

    private boolean atCapacity() {
        return inFlight.get() >= maxInFlight;
    }

    private Enrichment busy() {
        metrics.fallback("busy");
        return Enrichment.none(
                "LLM skipped: "
                        + maxInFlight
                        + " enrichments in flight (enrichment-capacity); the rule-based choice"
                        + " stands");
    }

    private Enrichment replied(
            LlmClient.Response response,
            Finding finding,
            HealingPolicy policy,
            String key,
            long latency) {
        breaker.onSuccess();
        String model = response.model() != null ? response.model() : settings.model();
        ReplyValidator.Verdict verdict =
                ReplyValidator.validate(response.content(), finding, policy);
        if (!verdict.accepted()) {
            metrics.failure("rejected");
            metrics.fallback("rejected");
            return new Enrichment(
                    settings.provider().source(),
                    model,
                    null,
                    null,
                    null,
                    null,
                    null,
                    latency,
                    "reply dropped: " + verdict.rejection());
        }
        metrics.confidence(verdict.reply().confidence());
        cache.put(key, new ReplyCache.Entry(verdict.reply(), model, finding.id()));
        return accepted(verdict.reply(), model, policy, latency, null);
    }

    /**
     * @param reusedFrom the finding a cached reply was given for; null for a reply to this one
     */
    private Enrichment accepted(
            ReplyValidator.Reply reply,
            String model,
            HealingPolicy policy,
            long latency,
            String reusedFrom) {
        AiOptions ai = policy.spec().ai();
        String fallback = null;
        if (reply.confidence() < ai.minConfidence()) {
            metrics.fallback("low_confidence");
            fallback =
                    String.format(
                            Locale.ROOT,
                            "confidence %.2f is below the policy's minConfidence %.2f: %s",
                            reply.confidence(),
                            ai.minConfidence(),
                            ai.onLowConfidence() == AiOptions.LowConfidence.REQUIRE_APPROVAL
                                    ? "the action needs approval"
                                    : "the rule-based choice stands");
        }
        return new Enrichment(
                settings.provider().source(),
                model,
                reply.confidence(),
                reply.summary(),
                reply.rootCause(),
                reply.reasoning(),
                reply.rankedActions(),
                latency,
                fallback,
                reusedFrom);
    }

    private Enrichment failed(LlmFailure failure, long latency) {
        if (failure.kind() == LlmFailure.Kind.REFUSED) {
            breaker.onSuccess(); // the server works; the model declined
        } else {
            breaker.onFailure(failure.getMessage());
        }
        metrics.failure(failure.kind().label());
        metrics.fallback(failure.kind().label());
        return new Enrichment(
                settings.provider().source(),
                settings.model(),
                null,
                null,
                null,
                null,
                null,
                latency,
                failure.getMessage());
    }

    /** What the stage's own timeout (a backstop behind the deadline) says. */
    Enrichment stageTimeout(Duration timeout) {
        metrics.fallback("stage_timeout");
        return new Enrichment(
                settings.provider().source(),
                settings.model(),
                null,
                null,
                null,
                null,
                null,
                timeout.toMillis(),
                "no reply within enrichment-timeout " + timeout.toMillis() + " ms");
    }

    static Enrichment aiDisabled(HealingPolicy policy) {
        return Enrichment.none("ai.enabled is false in policy " + policy.name());
    }

    private static LlmFailure unwrap(Throwable error) {
        Throwable e =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        return e instanceof LlmFailure f
                ? f
                : new LlmFailure(
                        LlmFailure.Kind.IO, "LLM call failed: " + e.getClass().getSimpleName());
    }

    private long millisSince(long startNanos) {
        return (nanoTime.getAsLong() - startNanos) / 1_000_000;
    }

    @Override
    public void close() {
        http.close();
    }
}

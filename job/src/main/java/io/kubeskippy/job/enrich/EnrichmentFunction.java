package io.kubeskippy.job.enrich;

import io.kubeskippy.job.JobMetrics;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrichment stage: an LLM explains and ranks each candidate, asynchronously ({@link
 * Enricher}). With no LLM configured it passes every candidate through at once, marked {@code
 * source: none} with the reason, so decisions are visibly rule-only. The key is read when the
 * function opens, where it runs; the function itself holds only where to find it.
 */
public class EnrichmentFunction extends RichAsyncFunction<Candidate, Candidate> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentFunction.class);

    public static final String NO_LLM = "no LLM configured";

    /** The enricher's own deadline comes this much before the stage's timeout. */
    private static final Duration MARGIN = Duration.ofMillis(250);

    private final LlmSettings llm;
    private final Duration timeout;
    private final int capacity;

    private transient Enricher enricher;
    private transient PolicyVersions versions;
    private transient RecordCodec<Finding> findings;

    /**
     * @param llm the LLM to ask; null or not configured for none
     * @param timeout the stage's timeout ({@code --enrichment-timeout}); the enricher answers just
     *     before it
     * @param capacity LLM calls in flight at once ({@code --enrichment-capacity})
     */
    public EnrichmentFunction(LlmSettings llm, Duration timeout, int capacity) {
        this.llm = llm;
        this.timeout = timeout;
        this.capacity = capacity;
    }

    @Override
    public void open(OpenContext openContext) {
        versions = new PolicyVersions();
        findings = RecordCodec.findings();
        if (llm != null && llm.configured()) {
            ApiKey key = ApiKey.read(llm, System::getenv);
            Duration margin =
                    timeout.compareTo(MARGIN.multipliedBy(4)) > 0 ? MARGIN : timeout.dividedBy(4);
            Enricher e =
                    new Enricher(
                            llm,
                            timeout.minus(margin),
                            capacity,
                            key,
                            SharedHttp.acquire(),
                            System::nanoTime);
            enricher =
                    e.withMetrics(
                            EnrichmentMetrics.flink(
                                    JobMetrics.group(getRuntimeContext()),
                                    e::inFlight,
                                    () -> e.breaker().state() != CircuitBreaker.State.CLOSED));
        }
    }

    @Override
    public void close() {
        if (enricher != null) {
            enricher.close();
            enricher = null;
        }
    }

    @Override
    public void asyncInvoke(Candidate candidate, ResultFuture<Candidate> result) {
        if (enricher == null) {
            result.complete(
                    List.of(candidate.withEnrichment(json(HealingAction.Enrichment.none(NO_LLM)))));
            return;
        }
        HealingPolicy policy = versions.policy(candidate.policy);
        if (policy == null) {
            result.complete(
                    List.of(
                            candidate.withEnrichment(
                                    json(
                                            HealingAction.Enrichment.none(
                                                    "the policy version is not readable")))));
            return;
        }
        HealingAction.Enrichment busy = enricher.busyBeforeReading(policy);
        if (busy != null) {
            result.complete(List.of(candidate.withEnrichment(json(busy))));
            return;
        }
        try {
            Finding finding =
                    findings.decodeOrThrow(candidate.finding.getBytes(StandardCharsets.UTF_8));
            enricher.enrich(finding, policy, candidate.context())
                    .whenComplete(
                            (e, error) ->
                                    result.complete(
                                            List.of(
                                                    candidate.withEnrichment(
                                                            json(e != null ? e : failed(error))))));
        } catch (RuntimeException e) {
            // a bug here must not stop detection: the finding goes on, rule-based, saying why
            result.complete(List.of(candidate.withEnrichment(json(failed(e)))));
        }
    }

    private static HealingAction.Enrichment failed(Throwable error) {
        LOG.warn("enrichment failed; the finding goes on rule-based", error);
        return HealingAction.Enrichment.none(
                "enrichment failed: " + error.getClass().getSimpleName());
    }

    @Override
    public void timeout(Candidate candidate, ResultFuture<Candidate> result) {
        HealingAction.Enrichment e =
                enricher == null
                        ? HealingAction.Enrichment.none(NO_LLM)
                        : enricher.stageTimeout(timeout);
        result.complete(List.of(candidate.withEnrichment(json(e))));
    }

    private static String json(HealingAction.Enrichment e) {
        try {
            return Json.mapper().writeValueAsString(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

package io.kubeskippy.job.enrich;

import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import java.util.List;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The enrichment stage: where an LLM explains and ranks each candidate, asynchronously. With no LLM
 * configured it passes every candidate through at once, marked {@code source: none} with the
 * reason, so decisions are visibly rule-only.
 */
public class EnrichmentFunction extends RichAsyncFunction<Candidate, Candidate> {

    private static final long serialVersionUID = 1L;

    public static final String NO_LLM = "no LLM configured";

    @Override
    public void asyncInvoke(Candidate candidate, ResultFuture<Candidate> result) throws Exception {
        candidate.enrichment =
                Json.mapper().writeValueAsString(HealingAction.Enrichment.none(NO_LLM));
        result.complete(List.of(candidate));
    }

    @Override
    public void timeout(Candidate candidate, ResultFuture<Candidate> result) throws Exception {
        candidate.enrichment =
                Json.mapper()
                        .writeValueAsString(HealingAction.Enrichment.none("enrichment timed out"));
        result.complete(List.of(candidate));
    }
}

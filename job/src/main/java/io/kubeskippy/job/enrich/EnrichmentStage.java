package io.kubeskippy.job.enrich;

import io.kubeskippy.job.JobSettings;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The enrichment part of the job graph. Candidates of policies without {@code ai.enabled} (and all
 * of them when no LLM is configured) bypass the LLM and never queue behind its calls; the others
 * get their target's context (pods, recent events) and go through the async LLM stage, whose
 * capacity bounds the calls in flight: a candidate beyond it goes on at once, rule-based.
 */
public final class EnrichmentStage {

    private EnrichmentStage() {}

    /**
     * @param candidates unsuppressed findings with their policy versions
     * @param facts what the cluster says about the targets of policies with {@code ai.enabled}, for
     *     the context; only read when an LLM is configured
     * @return every candidate, with its enrichment set
     */
    public static DataStream<Candidate> apply(
            DataStream<Candidate> candidates, DataStream<ContextFact> facts, JobSettings settings) {
        LlmSettings llm = settings.llm();
        TypeInformation<Candidate> type = TypeInformation.of(Candidate.class);
        SingleOutputStreamOperator<Candidate> routed =
                candidates
                        .process(new AiRouteFunction(llm.configured()), type)
                        .name("enrichment: route by ai.enabled")
                        .uid("enrichment-route");
        DataStream<Candidate> toLlm = routed;
        if (llm.configured()) {
            toLlm =
                    routed.keyBy(c -> c.target, Types.STRING)
                            .connect(facts.keyBy(f -> f.target, Types.STRING))
                            .process(new TargetContextFunction(), type)
                            .name("enrichment: target context")
                            .uid("enrichment-context");
        }
        // Unordered async output is only unordered between watermarks: a watermark behind a slow
        // call holds back every later candidate, and then the stage backpressures detection. The
        // LLM branch therefore carries no event time (nothing downstream of it uses any).
        DataStream<Candidate> unordered =
                toLlm.assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
                        .name("enrichment: drop watermarks")
                        .uid("enrichment-no-watermarks");
        DataStream<Candidate> enriched =
                AsyncDataStream.unorderedWait(
                                unordered,
                                new EnrichmentFunction(
                                        llm,
                                        settings.enrichmentTimeout(),
                                        settings.enrichmentCapacity()),
                                settings.enrichmentTimeout().toMillis(),
                                TimeUnit.MILLISECONDS,
                                // one more than the calls allowed in flight: the candidate beyond
                                // them completes at once instead of blocking the stage
                                settings.enrichmentCapacity() + 1)
                        .name("enrichment")
                        .uid("enrichment");
        return enriched.union(routed.getSideOutput(AiRouteFunction.BYPASS));
    }
}

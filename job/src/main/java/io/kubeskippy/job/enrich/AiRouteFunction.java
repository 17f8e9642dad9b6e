package io.kubeskippy.job.enrich;

import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends only the candidates an LLM may enrich (an LLM is configured and the policy has {@code
 * ai.enabled}) on to the LLM; the others go straight to {@link #BYPASS}, marked {@code source:
 * none} with the reason, so they never queue behind LLM calls. Stateless.
 */
public class AiRouteFunction extends ProcessFunction<Candidate, Candidate> {

    private static final long serialVersionUID = 1L;

    /** Candidates that go on without the LLM, their enrichment set. */
    public static final OutputTag<Candidate> BYPASS =
            new OutputTag<>("enrichment-bypass", TypeInformation.of(Candidate.class));

    private final boolean llmConfigured;
    private transient PolicyVersions versions;

    public AiRouteFunction(boolean llmConfigured) {
        this.llmConfigured = llmConfigured;
    }

    @Override
    public void open(OpenContext openContext) {
        versions = new PolicyVersions();
    }

    @Override
    public void processElement(Candidate c, Context ctx, Collector<Candidate> out) {
        if (!llmConfigured) {
            ctx.output(BYPASS, bypass(c, EnrichmentFunction.NO_LLM));
            return;
        }
        HealingPolicy policy = versions.policy(c.policy);
        if (policy == null) {
            ctx.output(BYPASS, bypass(c, "the policy version is not readable"));
            return;
        }
        if (!policy.spec().ai().enabled()) {
            ctx.output(BYPASS, c.withEnrichment(json(Enricher.aiDisabled(policy))));
            return;
        }
        out.collect(c);
    }

    private static Candidate bypass(Candidate c, String reason) {
        return c.withEnrichment(json(HealingAction.Enrichment.none(reason)));
    }

    private static String json(HealingAction.Enrichment e) {
        try {
            return Json.mapper().writeValueAsString(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

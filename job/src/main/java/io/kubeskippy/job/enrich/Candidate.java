package io.kubeskippy.job.enrich;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.serde.RecordCodec;
import java.util.Arrays;

/**
 * A finding that will become an action, with the policy version that allows it: what the LLM is
 * asked about and what the action builder reads. The finding and enrichment travel as JSON, the
 * target's facts as a snapshot; what the stages route and wait by (target, detection time) travels
 * beside it, so that none of them reads the JSON for it. A Flink POJO.
 */
public class Candidate {

    private static final RecordCodec<Finding> FINDINGS = RecordCodec.findings();

    /** The Finding, as JSON. */
    public String finding;

    public PolicyUpdate policy;

    /** {@code Kind/namespace/name} of the finding's target. */
    public String target;

    /** The finding's detection time, epoch ms. */
    public long detectedAtMs;

    /**
     * What the job knew about the target when the candidate passed (its pods, its recent events):
     * untrusted; null when the job knows nothing or the candidate does not go to the LLM. Kept as
     * facts: the context ({@link #context()}) is only built for a candidate that gets a call.
     */
    public TargetContextFunction.TargetFacts facts;

    /** The HealingAction.Enrichment, as JSON; null until the enrichment stage ran. */
    public String enrichment;

    public Candidate() {}

    public static Candidate of(Finding finding, PolicyUpdate policy) {
        Candidate c = new Candidate();
        c.finding = FINDINGS.encodeToString(finding);
        c.policy = policy;
        c.target = finding.target().id();
        c.detectedAtMs = finding.detectedAt().toEpochMilli();
        return c;
    }

    /** The context at detection time, from {@link #facts}: null when nothing is known. */
    TargetContext context() {
        if (facts == null) {
            return null;
        }
        TargetContext context =
                TargetContextFunction.context(
                        Arrays.asList(facts.pods), Arrays.asList(facts.events), detectedAtMs);
        return context.isEmpty() ? null : context;
    }

    /**
     * A copy with the given enrichment: each answer gets its own, so a late one cannot race. The
     * facts stay behind: nothing after the enrichment reads them.
     */
    Candidate withEnrichment(String enrichmentJson) {
        Candidate c = copy();
        c.facts = null;
        c.enrichment = enrichmentJson;
        return c;
    }

    Candidate copy() {
        Candidate c = new Candidate();
        c.finding = finding;
        c.policy = policy;
        c.target = target;
        c.detectedAtMs = detectedAtMs;
        c.facts = facts;
        c.enrichment = enrichment;
        return c;
    }
}

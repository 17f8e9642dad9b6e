package io.kubeskippy.job.enrich;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.serde.RecordCodec;

/**
 * A finding that will become an action, with the policy version that allows it: what the LLM is
 * asked about and what the action builder reads. The finding, context and enrichment travel as
 * JSON; what the stages route and wait by (target, detection time) travels beside it, so that none
 * of them reads the JSON for it. A Flink POJO.
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
     * What the cluster says about the target ({@code TargetContext}, as JSON): untrusted; null when
     * the job knows nothing or the candidate does not go to the LLM.
     */
    public String context;

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

    /** A copy with the given enrichment: each answer gets its own, so a late one cannot race. */
    Candidate withEnrichment(String enrichmentJson) {
        Candidate c = copy();
        c.enrichment = enrichmentJson;
        return c;
    }

    Candidate copy() {
        Candidate c = new Candidate();
        c.finding = finding;
        c.policy = policy;
        c.target = target;
        c.detectedAtMs = detectedAtMs;
        c.context = context;
        c.enrichment = enrichment;
        return c;
    }
}

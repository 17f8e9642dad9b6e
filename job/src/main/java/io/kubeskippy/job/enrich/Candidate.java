package io.kubeskippy.job.enrich;

import io.kubeskippy.job.pattern.PolicyUpdate;

/**
 * A finding that will become an action, with the policy version that allows it: what the LLM is
 * asked about and what the action builder reads. The finding, context and enrichment travel as
 * JSON. A Flink POJO.
 */
public class Candidate {

    /** The Finding, as JSON. */
    public String finding;

    public PolicyUpdate policy;

    /** {@code Kind/namespace/name} of the finding's target; set on the way to the LLM. */
    public String target;

    /**
     * What the cluster says about the target ({@code TargetContext}, as JSON): untrusted; null when
     * the job knows nothing or the candidate does not go to the LLM.
     */
    public String context;

    /** The HealingAction.Enrichment, as JSON; null until the enrichment stage ran. */
    public String enrichment;

    public Candidate() {}

    public static Candidate of(String findingJson, PolicyUpdate policy) {
        Candidate c = new Candidate();
        c.finding = findingJson;
        c.policy = policy;
        return c;
    }

    /** A copy with the given enrichment: each answer gets its own, so a late one cannot race. */
    Candidate withEnrichment(String enrichmentJson) {
        Candidate c = copy();
        c.enrichment = enrichmentJson;
        return c;
    }

    Candidate copy() {
        Candidate c = of(finding, policy);
        c.target = target;
        c.context = context;
        c.enrichment = enrichment;
        return c;
    }
}

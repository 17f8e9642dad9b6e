package io.kubeskippy.job.enrich;

import io.kubeskippy.job.pattern.PolicyUpdate;

/**
 * A finding that will become an action, with the policy version that allows it: what the LLM is
 * asked about and what the action builder reads. The finding and enrichment travel as JSON. A Flink
 * POJO.
 */
public class Candidate {

    /** The Finding, as JSON. */
    public String finding;

    public PolicyUpdate policy;

    /** The HealingAction.Enrichment, as JSON; null until the enrichment stage ran. */
    public String enrichment;

    public Candidate() {}

    public static Candidate of(String findingJson, PolicyUpdate policy) {
        Candidate c = new Candidate();
        c.finding = findingJson;
        c.policy = policy;
        return c;
    }
}

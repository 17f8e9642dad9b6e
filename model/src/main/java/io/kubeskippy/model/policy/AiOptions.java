package io.kubeskippy.model.policy;

/**
 * What the LLM may do for this policy. It explains always (when enabled), reorders the policy's own
 * actions only with {@code mayRank}, and never adds an action, target or parameter.
 *
 * @param minConfidence replies below it do not change the rule-based choice
 * @param onLowConfidence what a reply below {@code minConfidence} does
 */
public record AiOptions(
        boolean enabled, double minConfidence, boolean mayRank, LowConfidence onLowConfidence) {

    public static final double DEFAULT_MIN_CONFIDENCE = 0.7;
    public static final AiOptions DEFAULTS =
            new AiOptions(true, DEFAULT_MIN_CONFIDENCE, false, LowConfidence.KEEP_RULE_CHOICE);

    public AiOptions {
        onLowConfidence =
                onLowConfidence == null ? LowConfidence.KEEP_RULE_CHOICE : onLowConfidence;
    }

    /** What a low-confidence reply does. */
    public enum LowConfidence {
        KEEP_RULE_CHOICE("keepRuleChoice"),
        REQUIRE_APPROVAL("requireApproval");

        private final String wireName;

        LowConfidence(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}

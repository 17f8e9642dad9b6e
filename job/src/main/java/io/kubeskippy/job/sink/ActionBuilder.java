package io.kubeskippy.job.sink;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.PolicySpec;
import io.kubeskippy.model.record.ActionId;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a finding into the HealingAction the actuator will execute: the policy's action chosen by
 * priority (higher first; the LLM may reorder the policy's own actions when the policy allows), the
 * policy's mode honoured, and a deterministic name. Pure.
 */
public final class ActionBuilder {

    public static final String POLICY_LABEL = "kubeskippy.io/policy";
    public static final String TRIGGER_LABEL = "kubeskippy.io/trigger";
    public static final String PATTERN_LABEL = "kubeskippy.io/pattern";

    private ActionBuilder() {}

    /**
     * The action for {@code finding}, or empty when the policy only monitors.
     *
     * @param enrichment what the LLM said, or {@link HealingAction.Enrichment#none} with the reason
     */
    public static Optional<HealingAction> build(
            Finding finding, HealingPolicy policy, HealingAction.Enrichment enrichment) {
        PolicySpec spec = policy.spec();
        if (spec.mode() == PolicySpec.Mode.MONITOR) {
            return Optional.empty();
        }
        PolicyAction action =
                choose(spec.actions(), enrichment, spec.ai().mayRank(), spec.ai().minConfidence());
        String name =
                ActionId.of(finding.id(), policy.name(), finding.target().name(), action.name());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(POLICY_LABEL, policy.name());
        labels.put(TRIGGER_LABEL, label(finding.trigger()));
        labels.put(PATTERN_LABEL, label(finding.pattern()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("kubeskippy.io/policy-version", policy.version());
        annotations.put("kubeskippy.io/finding", finding.id());
        HealingAction.Metadata metadata =
                new HealingAction.Metadata(
                        name, finding.target().namespace(), null, null, null, labels, annotations);
        boolean approval =
                spec.mode() == PolicySpec.Mode.MANUAL
                        || action.requiresApproval()
                        || lowConfidenceNeedsApproval(spec, enrichment);
        HealingAction.Spec actionSpec =
                new HealingAction.Spec(
                        new HealingAction.PolicyRef(
                                policy.name(), policy.metadata().namespace(), null),
                        finding.target(),
                        action,
                        approval,
                        spec.mode() == PolicySpec.Mode.DRYRUN,
                        null,
                        null,
                        HealingAction.Detection.of(finding),
                        enrichment);
        return Optional.of(new HealingAction(metadata, actionSpec));
    }

    /** Highest priority first; a confident LLM ranking reorders only when the policy allows it. */
    static PolicyAction choose(
            List<PolicyAction> actions,
            HealingAction.Enrichment enrichment,
            boolean mayRank,
            double minConfidence) {
        if (mayRank
                && enrichment != null
                && enrichment.confidence() != null
                && enrichment.confidence() >= minConfidence) {
            for (String ranked : enrichment.rankedActions()) {
                for (PolicyAction a : actions) {
                    if (a.name().equals(ranked)) {
                        return a;
                    }
                }
            }
        }
        return actions.stream()
                .max(Comparator.comparingInt(PolicyAction::priority))
                .orElseThrow(
                        () -> new IllegalArgumentException("a policy has at least one action"));
    }

    private static boolean lowConfidenceNeedsApproval(
            PolicySpec spec, HealingAction.Enrichment enrichment) {
        return enrichment != null
                && enrichment.confidence() != null
                && enrichment.confidence() < spec.ai().minConfidence()
                && spec.ai().onLowConfidence()
                        == io.kubeskippy.model.policy.AiOptions.LowConfidence.REQUIRE_APPROVAL;
    }

    private static final java.util.regex.Pattern NOT_IN_LABEL =
            java.util.regex.Pattern.compile("[^A-Za-z0-9._-]");
    private static final java.util.regex.Pattern LABEL_ENDS =
            java.util.regex.Pattern.compile("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$");

    /** A label value: at most 63 characters of [A-Za-z0-9._-]. */
    private static String label(String value) {
        String v = NOT_IN_LABEL.matcher(value).replaceAll("-");
        v = v.length() > 63 ? v.substring(0, 63) : v;
        return LABEL_ENDS.matcher(v).replaceAll("");
    }
}

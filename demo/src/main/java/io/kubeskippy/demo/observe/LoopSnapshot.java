package io.kubeskippy.demo.observe;

import java.util.List;
import java.util.Map;

/**
 * What the findings, actions and audit topics held at one moment, as {@link LoopRecorder} counted
 * it.
 *
 * @param targets per target (Kind/namespace/name), in the order of their ids
 * @param actionsByType HealingActions the job emitted, by action type (dry-run ones included)
 * @param outcomesByPhase the actuator's outcomes, by phase
 * @param blockedByReason Blocked outcomes, by the gate's reason label
 * @param detectionLatenciesMs per action: its Kafka timestamp minus spec.detection.detectedAt
 * @param healSeconds every heal: first finding to Succeeded outcome
 * @param llmReplies actions enriched by an actual LLM reply
 * @param llmFallbacks actions that went on rule-based because the LLM call failed or was skipped
 * @param recent the last few actions and outcomes, one line each, oldest first
 * @param unreadable records that could not be read (they are dead letters for the actuator too)
 */
public record LoopSnapshot(
        List<TargetTally> targets,
        int findings,
        int suppressedFindings,
        int actions,
        Map<String, Integer> actionsByType,
        Map<String, Integer> outcomesByPhase,
        Map<String, Integer> blockedByReason,
        List<Long> detectionLatenciesMs,
        List<Double> healSeconds,
        int llmReplies,
        int llmFallbacks,
        List<String> llmModels,
        List<String> recent,
        int unreadable) {

    /** What happened to one target. */
    public record TargetTally(
            String kind,
            String namespace,
            String name,
            int findings,
            int suppressedFindings,
            int actions,
            Map<String, Integer> outcomes,
            List<Double> healSeconds) {

        /** Outcomes that changed (or tried to change) the target: not Blocked, not DryRun. */
        public int executed() {
            int n = 0;
            for (var e : outcomes.entrySet()) {
                if (!e.getKey().equals("Blocked") && !e.getKey().equals("DryRun")) {
                    n += e.getValue();
                }
            }
            return n;
        }

        public int outcomes(String phase) {
            return outcomes.getOrDefault(phase, 0);
        }
    }
}

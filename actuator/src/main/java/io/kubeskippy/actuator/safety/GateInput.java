package io.kubeskippy.actuator.safety;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.HealingAction;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything the gate decides on, observed beforehand.
 *
 * @param policy the action's policy from the policy topic, or null when it is unknown
 * @param producedAt when the record was written to the action topic; null for an action taken up
 *     again after an approval (its age is then the approval's business)
 * @param live the live target; null before it was read, when only the rules about the record itself
 *     are applied (so that a hostile record is refused without touching the cluster)
 */
public record GateInput(
        HealingAction action,
        HealingPolicy policy,
        Instant now,
        Instant producedAt,
        LiveFacts live,
        ApprovalState approval,
        ActionHistory history,
        GateSettings settings) {

    public GateInput {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(now, "now");
        approval = approval == null ? ApprovalState.NONE : approval;
        history = history == null ? ActionHistory.NONE : history;
        Objects.requireNonNull(settings, "settings");
    }

    /** The first stage: the record, its policy and the settings only. */
    public static GateInput ofRecord(
            HealingAction action,
            HealingPolicy policy,
            Instant now,
            Instant producedAt,
            GateSettings settings) {
        return new GateInput(action, policy, now, producedAt, null, null, null, settings);
    }

    public GateInput withLive(LiveFacts facts, ApprovalState state, ActionHistory actions) {
        return new GateInput(action, policy, now, producedAt, facts, state, actions, settings);
    }

    public GateInput withHistory(ActionHistory actions) {
        return new GateInput(action, policy, now, producedAt, live, approval, actions, settings);
    }
}

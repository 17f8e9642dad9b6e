package io.kubeskippy.actuator.execute;

import io.kubeskippy.actuator.safety.BlockReason;

/** A plan, or why the executor refuses the action for this target. */
public sealed interface PlanResult {

    /** What to change. */
    record Planned(Plan plan) implements PlanResult {}

    /** Why not, e.g. an HPA governs the target, or the limit is already at the policy's max. */
    record Refused(BlockReason reason, String message) implements PlanResult {}

    static PlanResult refuse(BlockReason reason, String message) {
        return new Refused(reason, message);
    }
}

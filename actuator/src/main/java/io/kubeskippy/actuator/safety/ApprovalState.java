package io.kubeskippy.actuator.safety;

import java.time.Instant;

/**
 * Where an action stands with its approval: not asked yet, waiting since {@code requestedAt},
 * approved or rejected (by whom, why).
 *
 * @param requestedAt when the action started waiting; null when it never did
 */
public record ApprovalState(
        Decision decision, Instant requestedAt, String by, Instant at, String reason) {

    /** What a human decided. */
    public enum Decision {
        NONE,
        APPROVED,
        REJECTED
    }

    public static final ApprovalState NONE =
            new ApprovalState(Decision.NONE, null, null, null, null);

    public ApprovalState {
        decision = decision == null ? Decision.NONE : decision;
    }

    public static ApprovalState waitingSince(Instant requestedAt) {
        return new ApprovalState(Decision.NONE, requestedAt, null, null, null);
    }

    public boolean approved() {
        return decision == Decision.APPROVED;
    }

    public boolean rejected() {
        return decision == Decision.REJECTED;
    }
}

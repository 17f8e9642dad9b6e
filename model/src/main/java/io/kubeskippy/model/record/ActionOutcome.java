package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/** What the actuator did with one HealingAction, and why: the record of {@code skippy.audit}. */
@JsonPropertyOrder({"action", "target", "phase", "reason", "startedAt", "finishedAt", "changes"})
public record ActionOutcome(
        @JsonProperty(required = true) String action,
        @JsonProperty(required = true) ResourceRef target,
        @JsonProperty(required = true) Phase phase,
        String reason,
        Instant startedAt,
        Instant finishedAt,
        List<Change> changes) {

    /** How the handling of an action ended. */
    public enum Phase {
        Succeeded,
        Failed,
        Blocked,
        DryRun,
        AwaitingApproval,
        Duplicate
    }

    public ActionOutcome {
        ResourceRef.requireText(action, "action");
        if (target == null) {
            throw new IllegalArgumentException("target is required");
        }
        if (phase == null) {
            throw new IllegalArgumentException(
                    "phase is required (Succeeded, Failed, Blocked, DryRun, AwaitingApproval or"
                            + " Duplicate)");
        }
        if (startedAt != null && finishedAt != null && finishedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException(
                    "finishedAt " + finishedAt + " is before startedAt " + startedAt);
        }
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}

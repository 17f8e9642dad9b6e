package io.kubeskippy.model.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One action template of a HealingPolicy, as the seed's CRD defines it: a name, a type, a priority
 * (higher runs first, 50 by default) and the type's parameters.
 */
@JsonPropertyOrder({
    "name",
    "type",
    "description",
    "priority",
    "requiresApproval",
    "restartAction",
    "scaleAction",
    "patchAction",
    "deleteAction"
})
public record PolicyAction(
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) ActionType type,
        String description,
        Integer priority,
        Boolean requiresApproval,
        RestartAction restartAction,
        ScaleAction scaleAction,
        PatchAction patchAction,
        DeleteAction deleteAction) {

    public static final int DEFAULT_PRIORITY = 50;

    public PolicyAction {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (type == null) {
            throw new IllegalArgumentException(
                    "type is required (restart, scale, patch, delete or custom)");
        }
        priority = priority == null ? DEFAULT_PRIORITY : priority;
        requiresApproval = requiresApproval != null && requiresApproval;
        if (type == ActionType.RESTART && restartAction == null) {
            restartAction = RestartAction.DEFAULTS;
        }
        if (type == ActionType.DELETE && deleteAction == null) {
            deleteAction = new DeleteAction(null, null, null);
        }
    }

    public static PolicyAction restart(String name) {
        return new PolicyAction(name, ActionType.RESTART, null, null, null, null, null, null, null);
    }
}

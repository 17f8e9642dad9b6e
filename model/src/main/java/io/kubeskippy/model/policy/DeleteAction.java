package io.kubeskippy.model.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How to delete: 30 s grace by default, as in the seed. */
public record DeleteAction(
        Integer gracePeriodSeconds, Boolean force, PropagationPolicy propagationPolicy) {

    /** Kubernetes deletion propagation policies. */
    public enum PropagationPolicy {
        @JsonProperty("Orphan")
        ORPHAN,
        @JsonProperty("Background")
        BACKGROUND,
        @JsonProperty("Foreground")
        FOREGROUND
    }

    public DeleteAction {
        gracePeriodSeconds = gracePeriodSeconds == null ? 30 : gracePeriodSeconds;
        force = force != null && force;
    }
}

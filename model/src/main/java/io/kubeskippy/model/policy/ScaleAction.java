package io.kubeskippy.model.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How to scale: {@code up} or {@code down} by {@code replicas}, or to {@code absolute} replicas,
 * always clamped to {@code [minReplicas, maxReplicas]} (defaults 0 and 100, as in the seed).
 */
public record ScaleAction(
        Direction direction, Integer replicas, Integer minReplicas, Integer maxReplicas) {

    /** The seed's scale directions. */
    public enum Direction {
        @JsonProperty("up")
        UP,
        @JsonProperty("down")
        DOWN,
        @JsonProperty("absolute")
        ABSOLUTE
    }

    public ScaleAction {
        direction = direction == null ? Direction.UP : direction;
        replicas = replicas == null ? 1 : replicas;
        minReplicas = minReplicas == null ? 0 : minReplicas;
        maxReplicas = maxReplicas == null ? 100 : maxReplicas;
    }
}

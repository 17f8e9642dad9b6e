package io.kubeskippy.model.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A patch: a whole {@code patch} document or field-wise {@code patches} (the seed's forms), or
 * {@code resources}: raise container limits by a factor, within bounds (our addition, used to give
 * a repeatedly OOM-killed container more memory).
 */
public record PatchAction(
        PatchType type,
        String patch,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldPatch> patches,
        ResourcePatch resources) {

    /** Kubernetes patch types. */
    public enum PatchType {
        @JsonProperty("strategic")
        STRATEGIC,
        @JsonProperty("merge")
        MERGE,
        @JsonProperty("json")
        JSON
    }

    /** Sets the field at {@code path} (a list of keys) to {@code value}. */
    public record FieldPatch(List<String> path, String value) {
        public FieldPatch {
            path = path == null ? List.of() : List.copyOf(path);
        }
    }

    /** New limits for a container (all containers when {@code container} is null). */
    public record ResourcePatch(String container, ResourceBound memory, ResourceBound cpu) {}

    /**
     * Multiply the current limit by {@code factor} (1.5 by default), then clamp to {@code [min,
     * max]}; {@code max} is required so a patch can never grow without bound.
     */
    public record ResourceBound(String min, String max, Double factor) {
        public static final double DEFAULT_FACTOR = 1.5;

        public ResourceBound {
            factor = factor == null ? DEFAULT_FACTOR : factor;
        }
    }

    public PatchAction {
        type = type == null ? PatchType.STRATEGIC : type;
        patches = patches == null ? List.of() : List.copyOf(patches);
    }
}

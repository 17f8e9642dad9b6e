package io.kubeskippy.model.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a healing action does. {@code custom} loads but the actuator refuses it. */
public enum ActionType {
    @JsonProperty("restart")
    RESTART,
    @JsonProperty("scale")
    SCALE,
    @JsonProperty("patch")
    PATCH,
    @JsonProperty("delete")
    DELETE,
    @JsonProperty("custom")
    CUSTOM;

    /** The name as written in policies: {@code restart}, {@code scale}, ... */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** One change the actuator made (or, in dry-run, would make): a field's old and new value. */
@JsonPropertyOrder({"resourceRef", "changeType", "field", "oldValue", "newValue", "timestamp"})
public record Change(
        @JsonProperty(required = true) ResourceRef resourceRef,
        @JsonProperty(required = true) ChangeType changeType,
        String field,
        String oldValue,
        String newValue,
        Instant timestamp) {

    /** The seed's change types. */
    public enum ChangeType {
        @JsonProperty("create")
        CREATE,
        @JsonProperty("update")
        UPDATE,
        @JsonProperty("delete")
        DELETE,
        @JsonProperty("patch")
        PATCH,
        @JsonProperty("scale")
        SCALE
    }

    public Change {
        if (resourceRef == null) {
            throw new IllegalArgumentException("resourceRef is required");
        }
        if (changeType == null) {
            throw new IllegalArgumentException("changeType is required");
        }
    }
}

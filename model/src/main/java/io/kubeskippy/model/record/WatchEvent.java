package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kubernetes watch event: the API object as the API server served it, and when it was seen.
 *
 * <p>{@code metadata.managedFields} is dropped on construction; it is large and says nothing about
 * health. The object itself is kept whole, unknown fields included.
 */
@JsonPropertyOrder({"type", "observedAt", "object"})
public record WatchEvent(
        @JsonProperty(required = true) Type type,
        @JsonProperty(required = true) Instant observedAt,
        @JsonProperty(required = true) ObjectNode object,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    /** The watch event types of the Kubernetes API. */
    public enum Type {
        ADDED,
        MODIFIED,
        DELETED
    }

    public WatchEvent {
        if (type == null) {
            throw new IllegalArgumentException("type is required (ADDED, MODIFIED or DELETED)");
        }
        if (observedAt == null) {
            throw new IllegalArgumentException("observedAt is required");
        }
        if (object == null) {
            throw new IllegalArgumentException("object is required");
        }
        if (!object.path("metadata").isObject()) {
            throw new IllegalArgumentException("object.metadata is required");
        }
        if (object.path("metadata").path("name").asText("").isBlank()) {
            throw new IllegalArgumentException("object.metadata.name is required");
        }
        if (object.path("metadata").has("managedFields")) {
            object = object.deepCopy();
            ((ObjectNode) object.get("metadata")).remove("managedFields");
        }
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public WatchEvent(Type type, Instant observedAt, ObjectNode object) {
        this(type, observedAt, object, Map.of());
    }

    @JsonIgnore
    public String kind() {
        return object.path("kind").asText("");
    }

    @JsonIgnore
    public String namespace() {
        return metadata().path("namespace").asText("");
    }

    @JsonIgnore
    public String name() {
        return metadata().path("name").asText();
    }

    @JsonIgnore
    public String uid() {
        return metadata().path("uid").asText("");
    }

    @JsonIgnore
    public String resourceVersion() {
        return metadata().path("resourceVersion").asText("");
    }

    /**
     * The Kafka key: {@code namespace/name}, except for an Event, which is keyed by the object it
     * is about ({@code namespace/involvedObject.name}) so a pod's events stay in order.
     */
    @JsonIgnore
    public String key() {
        if ("Event".equals(kind())) {
            JsonNode involved = object.path("involvedObject");
            String name = involved.path("name").asText("");
            if (!name.isEmpty()) {
                String namespace = involved.path("namespace").asText(namespace());
                return namespace.isEmpty() ? name : namespace + "/" + name;
            }
        }
        String namespace = namespace();
        return namespace.isEmpty() ? name() : namespace + "/" + name();
    }

    private JsonNode metadata() {
        return object.path("metadata");
    }
}

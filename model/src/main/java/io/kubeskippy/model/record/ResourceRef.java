package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A reference to one Kubernetes object; {@code namespace} is null for cluster-scoped kinds. */
@JsonPropertyOrder({"apiVersion", "kind", "namespace", "name", "uid"})
public record ResourceRef(
        @JsonProperty(required = true) String apiVersion,
        @JsonProperty(required = true) String kind,
        String namespace,
        @JsonProperty(required = true) String name,
        String uid) {

    public ResourceRef {
        requireText(apiVersion, "apiVersion");
        requireText(kind, "kind");
        requireText(name, "name");
        if (namespace != null && namespace.isBlank()) {
            namespace = null;
        }
        if (uid != null && uid.isBlank()) {
            uid = null;
        }
    }

    public static ResourceRef pod(String namespace, String name, String uid) {
        return new ResourceRef("v1", "Pod", namespace, name, uid);
    }

    /** {@code namespace/name} (or {@code name}), the key records about this object carry. */
    @JsonIgnore
    public String key() {
        return namespace == null ? name : namespace + "/" + name;
    }

    /** {@code Kind/namespace/name}, unique within a cluster. */
    @JsonIgnore
    public String id() {
        return id(kind, namespace, name);
    }

    /**
     * The {@link #id()} of the object of that kind, namespace (null or blank for a cluster-scoped
     * one) and name, without building a reference: what the job keys a target's state by.
     */
    public static String id(String kind, String namespace, String name) {
        return namespace == null || namespace.isBlank()
                ? kind + "/" + name
                : kind + "/" + namespace + "/" + name;
    }

    static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}

package io.kubeskippy.model.policy;

import java.util.Map;
import java.util.Objects;

/**
 * A HealingPolicy ({@code kubeskippy.io/v1alpha1}), read and validated, with defaults applied.
 *
 * @param contentHash SHA-256 of the document's canonical JSON (sorted keys), without {@code status}
 *     and the metadata the API server sets: two documents with the same meaning and layout-only
 *     differences have the same hash
 * @param version the first 12 hex digits of the content hash; the job keeps state per version
 */
public record HealingPolicy(
        String apiVersion,
        String kind,
        Metadata metadata,
        PolicySpec spec,
        String contentHash,
        String version) {

    public static final String API_VERSION = "kubeskippy.io/v1alpha1";
    public static final String KIND = "HealingPolicy";

    public HealingPolicy {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(contentHash, "contentHash");
        version =
                version == null
                        ? contentHash.substring(0, Math.min(12, contentHash.length()))
                        : version;
    }

    public String name() {
        return metadata.name();
    }

    /** Object metadata of a policy. */
    public record Metadata(
            String name,
            String namespace,
            Map<String, String> labels,
            Map<String, String> annotations) {
        public Metadata {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }
}

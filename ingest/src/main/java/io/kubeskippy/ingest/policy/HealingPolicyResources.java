package io.kubeskippy.ingest.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.serde.Json;
import java.util.Map;

/**
 * HealingPolicy custom resources ({@code kubeskippy.io/v1alpha1}, plural {@code healingpolicies})
 * as policy documents.
 */
final class HealingPolicyResources {

    static final ResourceDefinitionContext CONTEXT =
            new ResourceDefinitionContext.Builder()
                    .withGroup("kubeskippy.io")
                    .withVersion("v1alpha1")
                    .withPlural("healingpolicies")
                    .withKind(HealingPolicy.KIND)
                    .withNamespaced(true)
                    .build();

    /** kubectl apply's copy of the whole object; large, and says nothing new. */
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private HealingPolicyResources() {}

    /** How diagnostics and logs name a resource: {@code HealingPolicy namespace/name}. */
    static String source(GenericKubernetesResource resource) {
        String namespace = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        return HealingPolicy.KIND
                + " "
                + (namespace == null || namespace.isEmpty() ? name : namespace + "/" + name);
    }

    /**
     * The policy document of a resource: what a file with the same policy would hold. Fields the
     * API server sets (uid, resourceVersion, managedFields, status, ...) are dropped, so that they
     * neither change the content hash nor reach the policy topic.
     */
    static ObjectNode document(
            GenericKubernetesResource resource, KubernetesSerialization serialization) {
        ObjectNode raw = serialization.convertValue(resource, ObjectNode.class);
        ObjectNode document = Json.mapper().createObjectNode();
        for (Map.Entry<String, JsonNode> field : raw.properties()) {
            switch (field.getKey()) {
                case "status":
                    break;
                case "metadata":
                    document.set("metadata", metadata(field.getValue()));
                    break;
                default:
                    document.set(field.getKey(), field.getValue());
            }
        }
        return document;
    }

    private static ObjectNode metadata(JsonNode raw) {
        ObjectNode metadata = Json.mapper().createObjectNode();
        for (String key : new String[] {"name", "namespace"}) {
            if (raw.hasNonNull(key)) {
                metadata.set(key, raw.get(key));
            }
        }
        JsonNode labels = raw.get("labels");
        if (labels != null && labels.isObject() && !labels.isEmpty()) {
            metadata.set("labels", labels);
        }
        JsonNode annotations = raw.get("annotations");
        if (annotations != null && annotations.isObject()) {
            ObjectNode kept = ((ObjectNode) annotations).deepCopy();
            kept.remove(LAST_APPLIED);
            if (!kept.isEmpty()) {
                metadata.set("annotations", kept);
            }
        }
        return metadata;
    }
}

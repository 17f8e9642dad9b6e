package io.kubeskippy.ingest.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyReader;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealingPolicyResourcesTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static GenericKubernetesResource resource(String yaml) {
        return SERIALIZATION.unmarshal(yaml, GenericKubernetesResource.class);
    }

    @Test
    void documentIsThePolicyWithoutWhatTheApiServerAdds() {
        String served =
                PolicyFixtures.policy("memory-leak", "15m")
                                .replace(
                                        "  name: memory-leak\n",
                                        """
                                  name: memory-leak
                                  namespace: shop
                                  uid: 6f1c
                                  resourceVersion: "4711"
                                  generation: 3
                                  creationTimestamp: "2026-11-22T10:00:00Z"
                                  labels: {team: shop}
                                  annotations:
                                    kubectl.kubernetes.io/last-applied-configuration: "{}"
                                  managedFields:
                                    - manager: kubectl
                                      operation: Update
                                """)
                        + "status:\n  actionsTaken: 2\n";

        ObjectNode document = HealingPolicyResources.document(resource(served), SERIALIZATION);

        assertThat(document.fieldNames())
                .toIterable()
                .containsExactly("apiVersion", "kind", "metadata", "spec");
        assertThat(document.path("metadata").toString())
                .isEqualTo(
                        "{\"name\":\"memory-leak\",\"namespace\":\"shop\",\"labels\":{\"team\":\"shop\"}}");
        PolicyDocument read = PolicyReader.readJson("HealingPolicy shop/memory-leak", document);
        assertThat(read.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();

        // Another resourceVersion of the same policy: same document, same hash.
        ObjectNode again =
                HealingPolicyResources.document(
                        resource(served.replace("\"4711\"", "\"4712\"")), SERIALIZATION);
        assertThat(PolicyReader.readJson("x", again).policy().contentHash())
                .isEqualTo(read.policy().contentHash());
        assertThat(HealingPolicyResources.source(resource(served)))
                .isEqualTo("HealingPolicy shop/memory-leak");
    }

    @Test
    void rejectionMessageNamesTheErrorsAndFitsAnEvent() {
        List<Diagnostic> errors =
                List.of(
                        new Diagnostic(
                                Diagnostic.Severity.ERROR, "x", 0, "spec.mode", "must be one of"),
                        new Diagnostic(Diagnostic.Severity.ERROR, "x", 0, "", "file is empty"));
        assertThat(PolicyEventRecorder.message(errors))
                .isEqualTo(
                        "2 errors; the last good version stays active: spec.mode: must be one of;"
                                + " file is empty");

        List<Diagnostic> many =
                Collections.nCopies(
                        100,
                        new Diagnostic(
                                Diagnostic.Severity.ERROR, "x", 0, "spec.triggers[0]", "bad"));
        assertThat(PolicyEventRecorder.message(many)).hasSize(1024).endsWith("...");
    }

    @Test
    void eventNameIsStablePerResourceVersion() {
        String first = PolicyEventRecorder.eventName("memory-leak", "uid-1", "10");
        assertThat(first).startsWith("memory-leak.").hasSize("memory-leak.".length() + 16);
        assertThat(PolicyEventRecorder.eventName("memory-leak", "uid-1", "10")).isEqualTo(first);
        assertThat(PolicyEventRecorder.eventName("memory-leak", "uid-1", "11")).isNotEqualTo(first);
    }
}

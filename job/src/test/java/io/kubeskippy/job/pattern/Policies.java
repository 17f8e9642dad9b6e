package io.kubeskippy.job.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.serde.Json;
import java.nio.charset.StandardCharsets;

/** Policy updates for harness tests, from a trigger list in YAML. */
public final class Policies {

    private Policies() {}

    public static PolicyUpdate update(String name, String triggersYaml, String extraSpecYaml) {
        String yaml =
                """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: %s
                spec:
                  selector:
                    resources: [{kind: Pod}]
                  triggers:
                %s
                  actions:
                    - name: restart
                      type: restart
                %s
                """
                        .formatted(
                                name,
                                triggersYaml.indent(4).stripTrailing(),
                                extraSpecYaml.indent(2).stripTrailing());
        PolicyFile file =
                PolicyReader.readText(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(file.diagnostics()).isEmpty();
        PolicyDocument doc = file.documents().get(0);
        try {
            return PolicyUpdate.of(
                    name,
                    doc.policy().version(),
                    Json.mapper().writeValueAsString(doc.document()),
                    0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

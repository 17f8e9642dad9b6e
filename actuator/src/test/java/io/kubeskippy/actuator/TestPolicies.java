package io.kubeskippy.actuator;

/** HealingPolicy documents for the tests, as files hold them. */
public final class TestPolicies {

    private TestPolicies() {}

    /** Every action type, over pods and workloads, in automatic mode. */
    static final String ACTIONS =
            """
              actions:
                - name: restart
                  type: restart
                  restartAction: {gracePeriodSeconds: 5}
                - name: recreate
                  type: restart
                  restartAction: {strategy: recreate, maxConcurrent: 1, gracePeriodSeconds: 1}
                - name: scale-up
                  type: scale
                  scaleAction: {direction: up, replicas: 2, minReplicas: 1, maxReplicas: 4}
                - name: scale-down
                  type: scale
                  scaleAction: {direction: down, replicas: 1, minReplicas: 1, maxReplicas: 4}
                - name: scale-to-3
                  type: scale
                  scaleAction: {direction: absolute, replicas: 3, minReplicas: 1, maxReplicas: 10}
                - name: more-memory
                  type: patch
                  patchAction:
                    resources:
                      container: app
                      memory: {min: 256Mi, max: 1Gi, factor: 1.5}
                - name: delete
                  type: delete
                  deleteAction: {gracePeriodSeconds: 2}
                - name: approved-restart
                  type: restart
                  requiresApproval: true
                - name: raw-patch
                  type: patch
                  patchAction:
                    type: merge
                    patch: '{"spec":{"replicas":0}}'
            """;

    public static String policy(
            String name, String mode, String safetyRules, String selectorExtra) {
        return """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: %s
                spec:
                  selector:
                    resources:
                      - kind: Pod
                        excludeNames: ["debug-*"]
                      - {apiVersion: apps/v1, kind: Deployment}
                      - {apiVersion: apps/v1, kind: StatefulSet}
                      - {apiVersion: apps/v1, kind: DaemonSet}
                %s
                  triggers:
                    - name: backoff
                      type: event
                      eventTrigger: {reason: BackOff, type: Warning, count: 1}
                %s
                  mode: %s
                %s
                """
                .formatted(name, indent(selectorExtra), ACTIONS, mode, safetyRules);
    }

    public static String automatic(String name) {
        return policy(name, "automatic", "", "");
    }

    /** The policy of {@code yaml}, read as the policy topic's reader reads it. */
    public static io.kubeskippy.model.policy.HealingPolicy read(String yaml) {
        var doc =
                io.kubeskippy.model.policy.PolicyReader.readText(
                                "test.yaml", yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .documents()
                        .get(0);
        if (doc.policy() == null) {
            throw new IllegalArgumentException("invalid test policy: " + doc.diagnostics());
        }
        return doc.policy();
    }

    private static String indent(String s) {
        return s.isEmpty() ? "" : s.indent(4).stripTrailing();
    }
}

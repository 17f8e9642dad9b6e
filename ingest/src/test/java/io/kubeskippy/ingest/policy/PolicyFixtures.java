package io.kubeskippy.ingest.policy;

import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import java.nio.charset.StandardCharsets;

/**
 * Policy documents for the tests: valid ones after policies/memory-leak.yaml or with a metric
 * trigger, and broken ones.
 */
public final class PolicyFixtures {

    private PolicyFixtures() {}

    /** A valid memory-growth policy; {@code horizon} (e.g. 15m) varies its content. */
    public static String policy(String name, String horizon) {
        return head(name)
                + """
                  groupBy: workload
                  triggers:
                    - name: memory-growth
                      type: trend
                      cooldownPeriod: 15m
                      trendTrigger:
                        metric: container_memory_working_set_bytes
                        pattern: growth
                        relativeTo: limit
                        horizon: %s
                        window: 10m
                        step: 15s
                        minR2: 0.8
                  actions:
                    - name: rollout-restart
                      type: restart
                      restartAction:
                        strategy: rolling
                  mode: automatic
                """
                        .formatted(horizon);
    }

    /** {@link #policy} with an unknown key and a zero window: two errors. */
    public static String invalid(String name) {
        return policy(name, "15m")
                .replace("window: 10m", "window: 0s")
                .replace("mode: automatic", "mode: automatic\n  colour: blue");
    }

    /**
     * A policy with a metric trigger named {@code trigger} on {@code query} (a built-in name or
     * PromQL), and an event trigger.
     */
    public static String metricPolicy(String name, String trigger, String query) {
        return head(name)
                + """
                  triggers:
                    - name: %s
                      type: metric
                      metricTrigger:
                        query: '%s'
                        threshold: 5
                        operator: ">"
                    - name: back-off
                      type: event
                      eventTrigger:
                        reason: BackOff
                        type: Warning
                  actions:
                    - name: restart
                      type: restart
                """
                        .formatted(trigger, query);
    }

    /** Everything before {@code groupBy} or {@code triggers}: every pod, named {@code name}. */
    private static String head(String name) {
        return """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: %s
                spec:
                  selector:
                    resources:
                      - kind: Pod
                """
                .formatted(name);
    }

    public static PolicyFile read(String source, String text) {
        return PolicyReader.readText(source, text.getBytes(StandardCharsets.UTF_8));
    }
}

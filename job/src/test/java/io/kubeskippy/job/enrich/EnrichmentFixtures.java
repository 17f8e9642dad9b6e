package io.kubeskippy.job.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.source.ContainerState;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Policies and findings for the enrichment tests. */
final class EnrichmentFixtures {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    /**
     * The shipped crash-loop policy with the LLM allowed to rank, and two more actions to rank: a
     * rollout restart and a bounded scale-up.
     */
    static final String CRASH_LOOP_AI =
            """
            apiVersion: kubeskippy.io/v1alpha1
            kind: HealingPolicy
            metadata:
              name: crash-loop
            spec:
              selector:
                resources:
                  - kind: Pod
              triggers:
                - name: back-off
                  type: event
                  cooldownPeriod: 10m
                  eventTrigger:
                    reason: BackOff
                    type: Warning
                    count: 3
                    window: 5m
              actions:
                - name: delete-pod
                  type: delete
                  deleteAction:
                    gracePeriodSeconds: 10
                - name: rollout-restart
                  type: restart
                  priority: 40
                - name: scale-up
                  type: scale
                  priority: 30
                  scaleAction: {direction: up, replicas: 1, minReplicas: 1, maxReplicas: 5}
              safetyRules:
                maxActionsPerHour: 10
              ai:
                enabled: true
                minConfidence: 0.6
                mayRank: true
              mode: automatic
            """;

    private EnrichmentFixtures() {}

    /** {@link #CRASH_LOOP_AI} with one line replaced, e.g. the ai block's options. */
    static String crashLoopAi(String replace, String with) {
        assertThat(CRASH_LOOP_AI).contains(replace);
        return CRASH_LOOP_AI.replace(replace, with);
    }

    static PolicyDocument document(String yaml) {
        PolicyFile file = PolicyReader.readText("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(file.diagnostics().stream().filter(Diagnostic::isError)).isEmpty();
        return file.documents().get(0);
    }

    static HealingPolicy policy(String yaml) {
        return document(yaml).policy();
    }

    static PolicyUpdate update(String yaml) {
        PolicyDocument doc = document(yaml);
        try {
            return PolicyUpdate.of(
                    doc.policy().name(),
                    doc.policy().version(),
                    Json.mapper().writeValueAsString(doc.document()),
                    0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Settings pointing at the benchmarks' LLM at {@code url} (OpenAI-compatible), with the reply
     * cache off, so every finding asks.
     */
    static JobSettings benchLlm(String url) {
        return JobSettings.from(
                Map.of("llm-url", url, "llm-provider", "openai", "llm-cache-ttl", "0"),
                Topics.defaults());
    }

    /**
     * A pod of Deployment {@code cart}, started at {@link #T0}, whose one container ({@code app},
     * 512Mi) waits in CrashLoopBackOff after {@code restarts} restarts.
     */
    static PodState crashLoopingPod(String namespace, String name, int restarts) {
        PodState p = new PodState();
        p.namespace = namespace;
        p.name = name;
        p.workloadKind = "Deployment";
        p.workloadName = "cart";
        p.phase = "Running";
        p.startTimeMs = T0.toEpochMilli();
        ContainerState c = new ContainerState();
        c.name = "app";
        c.memoryLimitBytes = 512L * 1024 * 1024;
        c.restartCount = restarts;
        c.waitingReason = "CrashLoopBackOff";
        p.containers.add(c);
        return p;
    }

    static Finding crashLoop(String namespace, String pod) {
        return new Finding(
                "f-" + pod,
                "crash-loop",
                "back-off",
                ResourceRef.pod(namespace, pod, null),
                "events",
                T0.plusSeconds(60),
                T0.plusSeconds(200),
                Map.of("count", 3, "signals", 3),
                null);
    }
}

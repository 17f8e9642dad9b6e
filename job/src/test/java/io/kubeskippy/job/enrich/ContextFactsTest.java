package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopAi;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.source.ContainerState;
import io.kubeskippy.job.source.FanOutFunction;
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.job.source.TriggerInput;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The context facts the fan-out sends: for the targets of policies with ai.enabled only. */
class ContextFactsTest {

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final String AI_PODS =
            crashLoopAi("  selector:\n", "  selector:\n    namespaces: [ai]\n");

    private static final String AI_WORKLOADS =
            crashLoopAi("  selector:\n", "  selector:\n    namespaces: [ai]\n")
                    .replace("name: crash-loop", "name: crash-loop-workloads")
                    .replace("  triggers:\n", "  groupBy: workload\n  triggers:\n");

    private static final String RULES_ONLY =
            crashLoopAi("  selector:\n", "  selector:\n    namespaces: [rules]\n")
                    .replace("name: crash-loop", "name: crash-loop-rules")
                    .replace("    enabled: true\n", "    enabled: false\n");

    private static PodState pod(String namespace, String name) {
        PodState p = new PodState();
        p.namespace = namespace;
        p.name = name;
        p.workloadKind = "Deployment";
        p.workloadName = "cart";
        p.phase = "Running";
        p.startTimeMs = T0.toEpochMilli();
        ContainerState c = new ContainerState();
        c.name = "app";
        c.restartCount = 2;
        p.containers.add(c);
        p.annotations.put(LAST_APPLIED, "{" + "x".repeat(5000) + "}");
        for (int i = 0; i < 15; i++) {
            p.labels.put("label-" + (char) ('a' + i), "v".repeat(i == 0 ? 300 : 3));
        }
        return p;
    }

    private static List<ContextFact> facts(boolean llm, String... policies) throws Exception {
        try (KeyedBroadcastOperatorTestHarness<String, PodInput, PolicyUpdate, TriggerInput> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new FanOutFunction(ActivePolicies.none(), llm),
                        in -> in.key,
                        Types.STRING,
                        ActivePolicies.DESCRIPTOR)) {
            for (String policy : policies) {
                h.processBroadcastElement(update(policy), 0);
            }
            for (String ns : List.of("ai", "rules")) {
                long at = T0.toEpochMilli();
                h.processElement(PodInput.pod(pod(ns, "cart-1"), at), at);
                h.processElement(
                        PodInput.event(ns, "Pod", "cart-1", "BackOff", "Warning", at + 60_000),
                        at + 60_000);
            }
            var out = h.getSideOutput(FanOutFunction.CONTEXT_FACTS);
            return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
        }
    }

    @Test
    void goToTheTargetsOfPoliciesWithAi() throws Exception {
        List<ContextFact> facts = facts(true, AI_PODS, AI_WORKLOADS, RULES_ONLY);

        assertThat(facts)
                .extracting(f -> f.kind + " " + f.target)
                .containsExactly(
                        "POD Pod/ai/cart-1",
                        "POD Deployment/ai/cart",
                        "EVENT Pod/ai/cart-1",
                        "EVENT Deployment/ai/cart");
        ContextFact event = facts.get(2);
        assertThat(event.object).isEqualTo("cart-1");
        assertThat(event.reason).isEqualTo("BackOff");
    }

    @Test
    void noneWithoutAnLlmOrWithoutAiPolicies() throws Exception {
        assertThat(facts(false, AI_PODS, AI_WORKLOADS)).isEmpty();
        assertThat(facts(true, RULES_ONLY)).isEmpty();
    }

    @Test
    void keepAPodBoundedAndSummariseItOnlyWhenAsked() throws Exception {
        PodState kept = facts(true, AI_PODS).get(0).pod;

        assertThat(kept.annotations).isEmpty();
        assertThat(kept.labels).hasSize(PromptBuilder.MAX_ENTRIES);
        assertThat(kept.labels.get("label-a")).hasSize(PromptBuilder.MAX_STRING);

        TargetContext.Pod summary = ContextFacts.summary(kept, T0.plusSeconds(90).toEpochMilli());
        assertThat(summary.owner()).isEqualTo("Deployment/cart");
        assertThat(summary.ageAtDetection()).isEqualTo("1m30s");
        assertThat(summary.restarts()).isEqualTo(2);
        assertThat(summary.labels().keySet()).first().isEqualTo("label-a");
    }

    @Test
    void aDeletedPodIsADeletion() throws Exception {
        PodState p = pod("ai", "cart-1");
        p.deleted = true;
        ContextFact f = ContextFacts.pod("Pod/ai/cart-1", p, T0.toEpochMilli());
        assertThat(f.kind).isEqualTo(ContextFact.Kind.POD_DELETED);
        assertThat(f.pod).isNull();
    }
}

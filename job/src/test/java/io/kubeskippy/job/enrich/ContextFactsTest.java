package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopAi;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopingPod;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
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
        PodState p = crashLoopingPod(namespace, name, 2);
        p.annotations.put(LAST_APPLIED, "{" + "x".repeat(5000) + "}");
        for (int i = 0; i < 15; i++) {
            p.labels.put("label-" + (char) ('a' + i), "v".repeat(i == 0 ? 300 : 3));
        }
        return p;
    }

    private static KeyedBroadcastOperatorTestHarness<String, PodInput, PolicyUpdate, TriggerInput>
            fanOut() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new FanOutFunction(ActivePolicies.none(), true),
                in -> in.key,
                Types.STRING,
                ActivePolicies.DESCRIPTOR);
    }

    private static List<String> sent(
            KeyedBroadcastOperatorTestHarness<String, PodInput, PolicyUpdate, TriggerInput> h) {
        var out = h.getSideOutput(FanOutFunction.CONTEXT_FACTS);
        return out == null
                ? List.of()
                : out.stream().map(r -> r.getValue().kind + " " + r.getValue().target).toList();
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
    void aTargetThatLosesThePodForgetsIt() throws Exception {
        try (var h = fanOut()) {
            h.processBroadcastElement(update(AI_WORKLOADS), 0);
            long at = T0.toEpochMilli();
            PodState p = pod("ai", "cart-1");
            h.processElement(PodInput.pod(p, at), at);
            PodState moved = pod("ai", "cart-1");
            moved.workloadName = "checkout"; // another owner
            h.processElement(PodInput.pod(moved, at + 1000), at + 1000);
            PodState deleted = pod("ai", "cart-1");
            deleted.workloadName = "checkout";
            deleted.deleted = true;
            h.processElement(PodInput.pod(deleted, at + 2000), at + 2000);

            assertThat(sent(h))
                    .containsExactly(
                            "POD Deployment/ai/cart",
                            "POD Deployment/ai/checkout",
                            "POD_DELETED Deployment/ai/cart",
                            "POD_DELETED Deployment/ai/checkout");
        }
    }

    @Test
    void aPolicyThatComesLaterLearnsOfThePodAtItsNextSample() throws Exception {
        try (var h = fanOut()) {
            long at = T0.toEpochMilli();
            h.processElement(PodInput.pod(pod("ai", "cart-1"), at), at);
            assertThat(sent(h)).isEmpty();

            h.processBroadcastElement(update(AI_PODS), at);
            h.processElement(
                    PodInput.sample(
                            "ai/cart-1",
                            "container_memory_working_set_bytes",
                            java.util.Map.of("container", "app"),
                            at + 15_000,
                            1e8),
                    at + 15_000);

            assertThat(sent(h)).containsExactly("POD Pod/ai/cart-1");
        }
    }

    @Test
    void aWorkloadsOwnEventsAreContextForItsTarget() throws Exception {
        try (var h = fanOut()) {
            h.processBroadcastElement(update(AI_PODS), 0);
            h.processBroadcastElement(update(AI_WORKLOADS), 0);
            long at = T0.toEpochMilli();
            h.processElement(
                    PodInput.event(
                            "ai", "Deployment", "cart", "ProgressDeadlineExceeded", "Warning", at),
                    at);
            h.processElement(
                    PodInput.event(
                            "rules",
                            "Deployment",
                            "cart",
                            "ProgressDeadlineExceeded",
                            "Warning",
                            at),
                    at);

            // the pod-grouped policy has no such target; the other namespace no ai policy
            assertThat(sent(h)).containsExactly("EVENT Deployment/ai/cart");
        }
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

package io.kubeskippy.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's mode and action choice, as the HealingAction carries them. */
class ActionBuilderTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Finding FINDING =
            new Finding(
                    "f-cart-1",
                    "crash-loop",
                    "back-off",
                    ResourceRef.pod("shop", "cart-1", null),
                    "events",
                    T0,
                    T0.plusSeconds(20),
                    Map.of("count", 3),
                    null);
    private static final HealingAction.Enrichment NO_LLM =
            HealingAction.Enrichment.none("ai disabled");

    /** A crash-loop policy with two actions (delete-pod has the higher priority). */
    private static HealingPolicy policy(String mode, String aiYaml) {
        return policy(mode, aiYaml, "");
    }

    private static HealingPolicy policy(String mode, String aiYaml, String deleteExtra) {
        String yaml =
                """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: crash-loop
                spec:
                  selector:
                    resources: [{kind: Pod}]
                  triggers:
                    - name: back-off
                      type: event
                      eventTrigger: {reason: BackOff, type: Warning, count: 3, window: 5m}
                  actions:
                    - {name: restart, type: restart, priority: 30}
                    - {name: delete-pod, type: delete, priority: 40%s}
                  mode: %s
                %s
                """
                        .formatted(deleteExtra, mode, aiYaml.indent(2).stripTrailing());
        PolicyFile file =
                PolicyReader.readText("crash-loop.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(file.diagnostics()).isEmpty();
        return file.documents().get(0).policy();
    }

    private static HealingAction build(String mode) {
        return ActionBuilder.build(FINDING, policy(mode, ""), NO_LLM).orElseThrow();
    }

    private static HealingAction.Enrichment llm(double confidence, String... ranked) {
        return new HealingAction.Enrichment(
                HealingAction.Enrichment.Source.OLLAMA,
                "qwen2.5:7b",
                confidence,
                "crash loop",
                "bad config",
                "restarting helps",
                List.of(ranked),
                120L,
                null);
    }

    @Test
    void automaticActsWithoutApprovalAndForReal() {
        HealingAction a = build("automatic");
        assertThat(a.spec().approvalRequired()).isFalse();
        assertThat(a.spec().dryRun()).isFalse();
        assertThat(a.spec().action().name()).isEqualTo("delete-pod");
        assertThat(a.spec().targetResource().id()).isEqualTo("Pod/shop/cart-1");
    }

    @Test
    void manualModeRequiresApproval() {
        HealingAction a = build("manual");
        assertThat(a.spec().approvalRequired()).isTrue();
        assertThat(a.spec().dryRun()).isFalse();
    }

    @Test
    void dryrunModeMarksTheActionDryRun() {
        HealingAction a = build("dryrun");
        assertThat(a.spec().dryRun()).isTrue();
        assertThat(a.spec().approvalRequired()).isFalse();
    }

    @Test
    void monitorModeBuildsNoAction() {
        assertThat(ActionBuilder.build(FINDING, policy("monitor", ""), NO_LLM)).isEmpty();
    }

    @Test
    void anActionThatRequiresApprovalNeedsItInAutomaticMode() {
        HealingPolicy p = policy("automatic", "", ", requiresApproval: true");
        assertThat(ActionBuilder.build(FINDING, p, NO_LLM).orElseThrow().spec().approvalRequired())
                .isTrue();
    }

    @Test
    void aConfidentRankingReordersOnlyWhenThePolicyAllowsIt() {
        HealingAction.Enrichment confident = llm(0.9, "restart", "delete-pod");
        assertThat(
                        ActionBuilder.build(FINDING, policy("automatic", ""), confident)
                                .orElseThrow()
                                .spec()
                                .action()
                                .name())
                .isEqualTo("delete-pod");
        assertThat(
                        ActionBuilder.build(
                                        FINDING,
                                        policy("automatic", "ai: {enabled: true, mayRank: true}"),
                                        confident)
                                .orElseThrow()
                                .spec()
                                .action()
                                .name())
                .isEqualTo("restart");
    }

    @Test
    void aLowConfidenceReplyKeepsTheRuleChoiceOrAsksForApproval() {
        HealingAction.Enrichment unsure = llm(0.4, "restart");
        HealingAction kept =
                ActionBuilder.build(
                                FINDING,
                                policy("automatic", "ai: {enabled: true, mayRank: true}"),
                                unsure)
                        .orElseThrow();
        assertThat(kept.spec().action().name()).isEqualTo("delete-pod");
        assertThat(kept.spec().approvalRequired()).isFalse();

        HealingAction asked =
                ActionBuilder.build(
                                FINDING,
                                policy(
                                        "automatic",
                                        "ai: {enabled: true, mayRank: true, onLowConfidence:"
                                                + " requireApproval}"),
                                unsure)
                        .orElseThrow();
        assertThat(asked.spec().action().name()).isEqualTo("delete-pod");
        assertThat(asked.spec().approvalRequired()).isTrue();
    }
}

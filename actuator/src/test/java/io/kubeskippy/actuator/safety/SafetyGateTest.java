package io.kubeskippy.actuator.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.actuator.safety.ActionLedger.Entry;
import io.kubeskippy.actuator.safety.ActionLedger.State;
import io.kubeskippy.actuator.safety.GateDecision.Verdict;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PatchAction;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.policy.ScaleAction;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the gate, one row each: the input, the verdict, the reason and its words. */
class SafetyGateTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final Duration ONE_MINUTE = Duration.ofMinutes(1);

    static final HealingPolicy POLICY = policy("heal", "automatic", "", "");
    static final ResourceRef POD = ResourceRef.pod("shop", "cart-1", "uid-1");
    static final ResourceRef WEB = new ResourceRef("apps/v1", "Deployment", "shop", "web", "uid-w");
    static final GateSettings SETTINGS = GateSettings.DEFAULTS;

    /** One row: the input, what the gate must say, and words its message must have. */
    record Row(GateInput input, Verdict verdict, BlockReason code, String words) {}

    static Stream<Arguments> rows() {
        List<Arguments> rows = new ArrayList<>();
        // --- allowed
        add(
                rows,
                "a valid action on a plain pod proceeds",
                live(action("restart", POD)),
                Verdict.PROCEED,
                null,
                "");
        add(
                rows,
                "the record stage alone passes a valid record",
                record(action("restart", POD)),
                Verdict.PROCEED,
                null,
                "");
        // --- the record alone
        add(
                rows,
                "a record older than --max-action-age is stale",
                input(
                        action("restart", POD),
                        POLICY,
                        T0.minus(Duration.ofMinutes(16)),
                        null,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.STALE,
                "is 16m old, older than --max-action-age 15m");
        add(
                rows,
                "kind Namespace is never a target",
                record(action("restart", new ResourceRef("v1", "Namespace", null, "shop", null))),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_KIND,
                "kind Namespace (v1) is never a target");
        add(
                rows,
                "kind Node is never a target",
                record(action("restart", new ResourceRef("v1", "Node", null, "node-1", null))),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_KIND,
                "never on a Namespace, Node or custom resource");
        add(
                rows,
                "a CRD is never a target",
                record(
                        action(
                                "delete",
                                new ResourceRef(
                                        "apiextensions.k8s.io/v1",
                                        "CustomResourceDefinition",
                                        null,
                                        "x.io",
                                        null))),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_KIND,
                "kind CustomResourceDefinition");
        add(
                rows,
                "a known kind of another apiVersion is not acted on",
                record(
                        action(
                                "restart",
                                new ResourceRef(
                                        "extensions/v1beta1", "Deployment", "shop", "web", null))),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_KIND,
                "has apiVersion extensions/v1beta1");
        add(
                rows,
                "kube-system is protected",
                record(action("restart", ResourceRef.pod("kube-system", "coredns-1", null))),
                Verdict.BLOCK,
                BlockReason.PROTECTED_NAMESPACE,
                "namespace kube-system is protected");
        add(
                rows,
                "a configured namespace is protected",
                input(
                        action("restart", POD),
                        POLICY,
                        T0,
                        null,
                        SETTINGS.withNamespaces(Set.of(), Set.of("shop"))),
                Verdict.BLOCK,
                BlockReason.PROTECTED_NAMESPACE,
                "namespace shop is protected");
        add(
                rows,
                "a namespace outside --namespaces is not managed",
                input(
                        action("restart", POD),
                        POLICY,
                        T0,
                        null,
                        SETTINGS.withNamespaces(Set.of("billing"), Set.of())),
                Verdict.BLOCK,
                BlockReason.UNMANAGED_NAMESPACE,
                "is not one of --namespaces billing");
        add(
                rows,
                "the HealingAction itself may not live in a protected namespace",
                record(home(action("restart", POD), "kube-public")),
                Verdict.BLOCK,
                BlockReason.PROTECTED_NAMESPACE,
                "would be created in kube-public");
        add(
                rows,
                "a custom action is never executed",
                record(
                        with(
                                action("restart", POD),
                                new PolicyAction(
                                        "restart",
                                        ActionType.CUSTOM,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null))),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_ACTION,
                "custom actions load but are never executed");
        add(
                rows,
                "only a Pod is deleted, never a workload",
                record(action("delete", WEB)),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_ACTION,
                "only a Pod is ever deleted");
        add(
                rows,
                "a raw patch from a record is never applied",
                record(action("raw-patch", POD)),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_ACTION,
                "a raw patch or patches from a record could change anything");
        add(
                rows,
                "a DaemonSet is not scaled",
                record(
                        action(
                                "scale-up",
                                new ResourceRef("apps/v1", "DaemonSet", "shop", "agent", null))),
                Verdict.BLOCK,
                BlockReason.UNSUPPORTED_ACTION,
                "has no replicas to scale");
        add(
                rows,
                "replicas 10^6 is out of bounds",
                record(
                        scale(
                                action("scale-up", WEB),
                                new ScaleAction(ScaleAction.Direction.ABSOLUTE, 1_000_000, 1, 4))),
                Verdict.BLOCK,
                BlockReason.OUT_OF_BOUNDS,
                "scaleAction.replicas must be within 0..10000, got 1000000");
        add(
                rows,
                "a patch factor of 50 is out of bounds",
                record(patch(action("more-memory", POD), "256Mi", "1Gi", 50.0)),
                Verdict.BLOCK,
                BlockReason.OUT_OF_BOUNDS,
                "memory.factor must be above 1 and at most 10, got 50.0");
        add(
                rows,
                "a patch without a max is out of bounds",
                record(patch(action("more-memory", POD), "256Mi", null, 1.5)),
                Verdict.BLOCK,
                BlockReason.OUT_OF_BOUNDS,
                "memory.max is required");
        add(
                rows,
                "an action of an unknown policy is not executed",
                input(action("restart", POD), null, T0, null, SETTINGS),
                Verdict.BLOCK,
                BlockReason.UNKNOWN_POLICY,
                "policy heal is not on the policy topic");
        add(
                rows,
                "a monitor policy does not act",
                input(
                        action("restart", POD),
                        policy("heal", "monitor", "", ""),
                        T0,
                        null,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.POLICY_MODE,
                "is in monitor mode");
        add(
                rows,
                "an action the policy does not have is not executed",
                record(with(action("restart", POD), PolicyAction.restart("reboot-everything"))),
                Verdict.BLOCK,
                BlockReason.POLICY_MISMATCH,
                "has no action 'reboot-everything'");
        add(
                rows,
                "a patch max above the policy's is outside the policy",
                record(patch(action("more-memory", POD), "256Mi", "64Gi", 1.5)),
                Verdict.BLOCK,
                BlockReason.POLICY_MISMATCH,
                "patchAction.resources.memory.max: the record has 64Gi, the policy 1Gi");
        add(
                rows,
                "replicas above the policy's are outside the policy",
                record(
                        scale(
                                action("scale-up", WEB),
                                new ScaleAction(ScaleAction.Direction.UP, 2, 1, 50))),
                Verdict.BLOCK,
                BlockReason.POLICY_MISMATCH,
                "scaleAction.maxReplicas: the record has 50, the policy 4");
        add(
                rows,
                "an approval the policy requires cannot be dropped by the record",
                record(
                        with(
                                action("approved-restart", POD),
                                PolicyAction.restart("approved-restart"))),
                Verdict.BLOCK,
                BlockReason.POLICY_MISMATCH,
                "requiresApproval: the record has false, the policy true");
        add(
                rows,
                "a namespace the policy does not select",
                input(
                        action("restart", POD),
                        policy("heal", "automatic", "", "namespaces: [billing]"),
                        T0,
                        null,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.POLICY_MISMATCH,
                "does not select namespace shop");
        add(
                rows,
                "excludeNames of the policy",
                record(action("restart", ResourceRef.pod("shop", "debug-7", null))),
                Verdict.BLOCK,
                BlockReason.EXCLUDED_BY_POLICY,
                "matches excludeNames [debug-*]");
        add(
                rows,
                "safetyRules.protectedResources of the policy",
                input(
                        action("restart", ResourceRef.pod("shop", "db-0", null)),
                        policy(
                                "heal",
                                "automatic",
                                "  safetyRules:\n    protectedResources: [{kind: Pod, excludeNames: [\"db-*\"]}]",
                                ""),
                        T0,
                        null,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.EXCLUDED_BY_POLICY,
                "protected by safetyRules.protectedResources");
        // --- the live object
        add(
                rows,
                "a protected label, read from the live object",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(SafetyGate.PROTECTED, "true"), Map.of()),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.PROTECTED_OBJECT,
                "has the label kubeskippy.io/protected=true");
        add(
                rows,
                "a healing-disabled annotation",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of(SafetyGate.HEALING_DISABLED, "")),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.PROTECTED_OBJECT,
                "has the annotation kubeskippy.io/healing-disabled");
        add(
                rows,
                "healing-disabled=false does not protect",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(SafetyGate.HEALING_DISABLED, "false"), Map.of()),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.PROCEED,
                null,
                "");
        add(
                rows,
                "a protected workload protects its pods",
                live(
                        action("restart", POD),
                        podOf(WEB, 4)
                                .withWorkload(
                                        WEB, 4, Map.of(), Map.of(SafetyGate.PROTECTED, "true")),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.PROTECTED_OBJECT,
                "Deployment shop/web is protected");
        add(
                rows,
                "the live labels must match the policy's selector",
                input(
                                action("restart", POD),
                                policy(
                                        "heal",
                                        "automatic",
                                        "",
                                        "labelSelector: {matchLabels: {tier: web}}"),
                                T0,
                                null,
                                SETTINGS)
                        .withLive(
                                LiveFacts.of(POD, Map.of("tier", "db"), Map.of()),
                                ApprovalState.NONE,
                                ActionHistory.NONE),
                Verdict.BLOCK,
                BlockReason.POLICY_MISMATCH,
                "does not match the label selector of policy heal");
        // --- limits
        add(
                rows,
                "a target acted on within the cooldown",
                live(action("restart", POD), history(acted("a1", POD, null, T0.minus(ONE_MINUTE)))),
                Verdict.BLOCK,
                BlockReason.COOLDOWN,
                "was acted on 1m ago; --cooldown is 5m");
        add(
                rows,
                "after the cooldown the target may be acted on again",
                live(
                        action("restart", POD),
                        history(acted("a1", POD, null, T0.minus(Duration.ofMinutes(6))))),
                Verdict.PROCEED,
                null,
                "");
        add(
                rows,
                "the policy's maxActionsPerHour",
                input(
                                action("restart", POD),
                                policy(
                                        "heal",
                                        "automatic",
                                        "  safetyRules: {maxActionsPerHour: 2}",
                                        ""),
                                T0,
                                null,
                                SETTINGS)
                        .withLive(
                                LiveFacts.of(POD, Map.of(), Map.of()),
                                ApprovalState.NONE,
                                history(
                                        acted(
                                                "a1",
                                                pod("a"),
                                                null,
                                                T0.minus(Duration.ofMinutes(50))),
                                        acted("a2", pod("b"), null, T0.minus(ONE_MINUTE)))),
                Verdict.BLOCK,
                BlockReason.POLICY_RATE_LIMIT,
                "acted 2 times within the last hour; its safetyRules.maxActionsPerHour is 2");
        add(
                rows,
                "an hour later the policy may act again",
                input(
                                action("restart", POD),
                                policy(
                                        "heal",
                                        "automatic",
                                        "  safetyRules: {maxActionsPerHour: 1}",
                                        ""),
                                T0,
                                null,
                                SETTINGS)
                        .withLive(
                                LiveFacts.of(POD, Map.of(), Map.of()),
                                ApprovalState.NONE,
                                history(
                                        acted(
                                                "a1",
                                                pod("a"),
                                                null,
                                                T0.minus(Duration.ofMinutes(61))))),
                Verdict.PROCEED,
                null,
                "");
        add(
                rows,
                "the global cap, all policies together",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        history(
                                acted("a1", pod("a"), null, T0.minus(ONE_MINUTE), "other"),
                                acted("a2", pod("b"), null, T0.minus(ONE_MINUTE), "third")),
                        ApprovalState.NONE,
                        SETTINGS.withLimits(2, 10, 0.5)),
                Verdict.BLOCK,
                BlockReason.GLOBAL_RATE_LIMIT,
                "2 actions within the last hour; --max-actions-per-hour is 2");
        add(
                rows,
                "the storm breaker opens at too many targets cluster-wide",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        history(
                                acted("a1", pod("a"), null, T0.minus(ONE_MINUTE), "p1"),
                                acted("a2", pod("b"), null, T0.minus(ONE_MINUTE), "p2"),
                                acted("a3", pod("c"), null, T0.minus(ONE_MINUTE), "p3")),
                        ApprovalState.NONE,
                        SETTINGS.withLimits(100, 3, 0.5)),
                Verdict.BLOCK,
                BlockReason.STORM_BREAKER,
                "storm breaker open: 3 targets acted on within 10m (--storm-max-targets 3)");
        add(
                rows,
                "the storm breaker opens past a share of one workload's pods",
                live(
                        action("restart", POD),
                        podOf(WEB, 4),
                        history(
                                acted("a1", pod("web-a"), WEB, T0.minus(ONE_MINUTE), "p1"),
                                acted("a2", pod("web-b"), WEB, T0.minus(ONE_MINUTE), "p2")),
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.STORM_BREAKER,
                "2 of its 4 pods were acted on within 10m, and at most 50% (2) may be");
        add(
                rows,
                "below the share a workload's pod may be acted on",
                live(
                        action("restart", POD),
                        podOf(WEB, 4),
                        history(acted("a1", pod("web-a"), WEB, T0.minus(ONE_MINUTE), "p1")),
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.PROCEED,
                null,
                "");
        add(
                rows,
                "one pod of a one-pod workload may always be acted on",
                live(
                        action("restart", POD),
                        podOf(WEB, 1),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.PROCEED,
                null,
                "");
        add(
                rows,
                "a workload restarted as a whole stops actions on its pods",
                live(
                        action("restart", POD),
                        podOf(WEB, 4),
                        history(acted("a1", WEB, WEB, T0.minus(ONE_MINUTE), "p1")),
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.STORM_BREAKER,
                "it was restarted as a whole");
        add(
                rows,
                "scaling takes no pod down: the workload share does not apply",
                live(
                        action("scale-up", POD),
                        podOf(WEB, 2),
                        history(acted("a1", pod("web-a"), WEB, T0.minus(ONE_MINUTE), "p1")),
                        ApprovalState.NONE,
                        SETTINGS),
                Verdict.PROCEED,
                null,
                "");
        // --- approval
        add(
                rows,
                "an action that requires approval waits",
                live(action("approved-restart", POD)),
                Verdict.AWAIT_APPROVAL,
                null,
                "waits for approval (the action's requiresApproval)");
        add(
                rows,
                "spec.approvalRequired waits",
                live(approvalRequired(action("restart", POD))),
                Verdict.AWAIT_APPROVAL,
                null,
                "waits for approval (spec.approvalRequired)");
        add(
                rows,
                "a manual policy waits",
                input(action("restart", POD), policy("heal", "manual", "", ""), T0, null, SETTINGS)
                        .withLive(
                                LiveFacts.of(POD, Map.of(), Map.of()),
                                ApprovalState.NONE,
                                ActionHistory.NONE),
                Verdict.AWAIT_APPROVAL,
                null,
                "the policy's manual mode");
        add(
                rows,
                "an approved action proceeds",
                live(
                        action("approved-restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        ActionHistory.NONE,
                        new ApprovalState(
                                ApprovalState.Decision.APPROVED,
                                T0.minus(ONE_MINUTE),
                                "alice",
                                T0,
                                "looks right"),
                        SETTINGS),
                Verdict.PROCEED,
                null,
                "approved by alice: looks right");
        add(
                rows,
                "a rejected action is blocked",
                live(
                        action("approved-restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        ActionHistory.NONE,
                        new ApprovalState(
                                ApprovalState.Decision.REJECTED,
                                T0.minus(ONE_MINUTE),
                                "bob",
                                T0,
                                "not now"),
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.APPROVAL_REJECTED,
                "rejected by bob: not now");
        add(
                rows,
                "an approval not given within the TTL expires",
                live(
                        action("approved-restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        ActionHistory.NONE,
                        ApprovalState.waitingSince(T0.minus(Duration.ofMinutes(61))),
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.APPROVAL_EXPIRED,
                "no approval within --approval-ttl 1h");
        add(
                rows,
                "an approval given after the TTL is too late",
                live(
                        action("approved-restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        ActionHistory.NONE,
                        new ApprovalState(
                                ApprovalState.Decision.APPROVED,
                                T0.minus(Duration.ofMinutes(90)),
                                "alice",
                                T0,
                                null),
                        SETTINGS),
                Verdict.BLOCK,
                BlockReason.APPROVAL_EXPIRED,
                "requested at 2026-11-22T08:30:00Z");
        // --- dry-run
        add(
                rows,
                "the global dry-run",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS.withDryRun(true)),
                Verdict.DRY_RUN,
                null,
                "dry run (--dry-run)");
        add(
                rows,
                "spec.dryRun",
                live(dryRun(action("restart", POD))),
                Verdict.DRY_RUN,
                null,
                "dry run (spec.dryRun)");
        add(
                rows,
                "a dryrun policy",
                input(action("restart", POD), policy("heal", "dryrun", "", ""), T0, null, SETTINGS)
                        .withLive(
                                LiveFacts.of(POD, Map.of(), Map.of()),
                                ApprovalState.NONE,
                                ActionHistory.NONE),
                Verdict.DRY_RUN,
                null,
                "the policy's dryrun mode");
        add(
                rows,
                "a dry run of an action that needs approval says it would wait",
                live(
                        action("approved-restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        ActionHistory.NONE,
                        ApprovalState.NONE,
                        SETTINGS.withDryRun(true)),
                Verdict.DRY_RUN,
                null,
                "would wait for approval");
        add(
                rows,
                "a dry run still reports the blocks it would meet",
                live(
                        action("restart", POD),
                        LiveFacts.of(POD, Map.of(), Map.of()),
                        history(acted("a1", POD, null, T0.minus(ONE_MINUTE))),
                        ApprovalState.NONE,
                        SETTINGS.withDryRun(true)),
                Verdict.BLOCK,
                BlockReason.COOLDOWN,
                "cooldown");
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        GateDecision decision = SafetyGate.decide(row.input());

        assertThat(decision.verdict()).as(decision.message()).isEqualTo(row.verdict());
        assertThat(decision.code()).as(decision.message()).isEqualTo(row.code());
        assertThat(decision.message()).contains(row.words());
        if (row.verdict() == Verdict.BLOCK) {
            assertThat(decision.reasons()).allSatisfy(r -> assertThat(r.message()).isNotBlank());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void isPure(Row row) {
        assertThat(SafetyGate.decide(row.input())).isEqualTo(SafetyGate.decide(row.input()));
    }

    @org.junit.jupiter.api.Test
    void reportsEveryReasonAtOnce() {
        GateDecision d =
                SafetyGate.decide(
                        record(
                                scale(
                                        action(
                                                "scale-up",
                                                new ResourceRef(
                                                        "apps/v1",
                                                        "Deployment",
                                                        "kube-system",
                                                        "dns",
                                                        null)),
                                        new ScaleAction(
                                                ScaleAction.Direction.ABSOLUTE, 1_000_000, 1, 4))));

        assertThat(d.reasons())
                .extracting(GateDecision.Reason::code)
                .containsExactly(
                        BlockReason.PROTECTED_NAMESPACE,
                        BlockReason.OUT_OF_BOUNDS,
                        BlockReason.POLICY_MISMATCH,
                        BlockReason.POLICY_MISMATCH);
    }

    // ---------------------------------------------------------------- fixtures

    private static void add(
            List<Arguments> rows,
            String name,
            GateInput input,
            Verdict verdict,
            BlockReason code,
            String words) {
        rows.add(Arguments.of(Named.of(name, new Row(input, verdict, code, words))));
    }

    static HealingPolicy policy(String name, String mode, String safety, String selector) {
        String yaml = io.kubeskippy.actuator.TestPolicies.policy(name, mode, safety, selector);
        var doc =
                PolicyReader.readText("test.yaml", yaml.getBytes(StandardCharsets.UTF_8))
                        .documents()
                        .get(0);
        if (doc.policy() == null) {
            throw new IllegalStateException(doc.diagnostics().toString());
        }
        return doc.policy();
    }

    static HealingAction action(String actionName, ResourceRef target) {
        PolicyAction pa =
                POLICY.spec().actions().stream()
                        .filter(a -> a.name().equals(actionName))
                        .findFirst()
                        .orElseThrow();
        return new HealingAction(
                HealingAction.Metadata.named(
                        "heal-" + target.name().replaceAll("[^a-z0-9-]", "") + "-0123456789ab",
                        null),
                new HealingAction.Spec(
                        new HealingAction.PolicyRef("heal", null, null),
                        target,
                        pa,
                        false,
                        false,
                        null,
                        null,
                        null,
                        null));
    }

    static HealingAction with(HealingAction a, PolicyAction pa) {
        return edit(
                a,
                s ->
                        new HealingAction.Spec(
                                s.policyRef(),
                                s.targetResource(),
                                pa,
                                s.approvalRequired(),
                                s.dryRun(),
                                s.timeout(),
                                s.retryPolicy(),
                                s.detection(),
                                s.enrichment()));
    }

    static HealingAction scale(HealingAction a, ScaleAction scale) {
        PolicyAction p = a.spec().action();
        return with(
                a,
                new PolicyAction(
                        p.name(),
                        p.type(),
                        p.description(),
                        p.priority(),
                        p.requiresApproval(),
                        null,
                        scale,
                        null,
                        null));
    }

    static HealingAction patch(HealingAction a, String min, String max, Double factor) {
        PolicyAction p = a.spec().action();
        PatchAction patch =
                new PatchAction(
                        p.patchAction().type(),
                        null,
                        null,
                        new PatchAction.ResourcePatch(
                                "app", new PatchAction.ResourceBound(min, max, factor), null));
        return with(
                a,
                new PolicyAction(
                        p.name(),
                        p.type(),
                        p.description(),
                        p.priority(),
                        p.requiresApproval(),
                        null,
                        null,
                        patch,
                        null));
    }

    static HealingAction approvalRequired(HealingAction a) {
        return edit(
                a,
                s ->
                        new HealingAction.Spec(
                                s.policyRef(),
                                s.targetResource(),
                                s.action(),
                                true,
                                s.dryRun(),
                                s.timeout(),
                                s.retryPolicy(),
                                s.detection(),
                                s.enrichment()));
    }

    static HealingAction dryRun(HealingAction a) {
        return edit(
                a,
                s ->
                        new HealingAction.Spec(
                                s.policyRef(),
                                s.targetResource(),
                                s.action(),
                                s.approvalRequired(),
                                true,
                                s.timeout(),
                                s.retryPolicy(),
                                s.detection(),
                                s.enrichment()));
    }

    static HealingAction home(HealingAction a, String namespace) {
        HealingAction.Metadata m = a.metadata();
        return new HealingAction(HealingAction.Metadata.named(m.name(), namespace), a.spec());
    }

    static HealingAction edit(HealingAction a, UnaryOperator<HealingAction.Spec> f) {
        return new HealingAction(a.metadata(), f.apply(a.spec()));
    }

    static GateInput input(
            HealingAction a, HealingPolicy p, Instant producedAt, LiveFacts live, GateSettings s) {
        return new GateInput(a, p, T0, producedAt, live, null, null, s);
    }

    static GateInput record(HealingAction a) {
        return GateInput.ofRecord(a, POLICY, T0, T0, SETTINGS);
    }

    static GateInput live(HealingAction a) {
        return live(
                a,
                LiveFacts.of(a.spec().targetResource(), Map.of(), Map.of()),
                ActionHistory.NONE,
                ApprovalState.NONE,
                SETTINGS);
    }

    static GateInput live(HealingAction a, ActionHistory h) {
        return live(
                a,
                LiveFacts.of(a.spec().targetResource(), Map.of(), Map.of()),
                h,
                ApprovalState.NONE,
                SETTINGS);
    }

    static GateInput live(
            HealingAction a,
            LiveFacts facts,
            ActionHistory h,
            ApprovalState approval,
            GateSettings s) {
        return GateInput.ofRecord(a, POLICY, T0, T0, s).withLive(facts, approval, h);
    }

    static LiveFacts podOf(ResourceRef workload, int replicas) {
        return LiveFacts.of(POD, Map.of(), Map.of())
                .withWorkload(workload, replicas, Map.of(), Map.of());
    }

    static ResourceRef pod(String name) {
        return ResourceRef.pod("shop", name, null);
    }

    static Entry acted(String name, ResourceRef target, ResourceRef workload, Instant at) {
        return acted(name, target, workload, at, "heal");
    }

    static Entry acted(
            String name, ResourceRef target, ResourceRef workload, Instant at, String policy) {
        return new Entry(
                name,
                policy,
                target.id(),
                workload == null ? null : workload.id(),
                at,
                State.ACTED,
                true);
    }

    static ActionHistory history(Entry... entries) {
        ActionLedger ledger = new ActionLedger(Duration.ofDays(1));
        ledger.rebuild(List.of(entries));
        return ledger;
    }
}

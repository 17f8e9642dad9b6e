package io.kubeskippy.actuator.safety;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.actuator.safety.GateDecision.Reason;
import io.kubeskippy.actuator.safety.GateDecision.Verdict;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PatchAction;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.PolicySpec;
import io.kubeskippy.model.policy.Quantity;
import io.kubeskippy.model.policy.ResourceSelector;
import io.kubeskippy.model.policy.RestartAction;
import io.kubeskippy.model.policy.ScaleAction;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety gate: one pure decision, with every reason, on whether an action may run. It reads
 * only its input (no clock, no cluster, no state), so the same input always gives the same decision
 * and every rule is tested from a table.
 *
 * <p>Without {@link GateInput#live()} it applies the rules about the record alone (age, kind,
 * namespace, action, bounds, policy), so that a hostile record is refused before anything reads the
 * cluster; with it, every rule: protected objects, cooldown, rate limits, storm breaker, approval
 * and dry-run.
 */
public final class SafetyGate {

    /** {@code kubeskippy.io/protected=true}, as a label or an annotation, protects an object. */
    public static final String PROTECTED = "kubeskippy.io/protected";

    /** {@code kubeskippy.io/healing-disabled} (any value but false) protects an object. */
    public static final String HEALING_DISABLED = "kubeskippy.io/healing-disabled";

    /** The CRD's bound for replicas, minReplicas and maxReplicas. */
    public static final int MAX_REPLICAS = 10_000;

    static final int MAX_GRACE_SECONDS = 86_400;
    static final int MAX_CONCURRENT = 1_000;
    static final double MAX_FACTOR = 10;
    static final Duration HOUR = Duration.ofHours(1);

    private SafetyGate() {}

    /** Decides on {@code input}. Pure. */
    public static GateDecision decide(GateInput input) {
        List<Reason> blocks = new ArrayList<>();
        recordRules(input, blocks);
        if (input.live() == null) {
            return blocks.isEmpty()
                    ? new GateDecision(Verdict.PROCEED, List.of(), List.of())
                    : GateDecision.block(blocks);
        }
        liveRules(input, blocks);
        if (blocks.isEmpty()) {
            limits(input, blocks);
        }
        if (!blocks.isEmpty()) {
            return GateDecision.block(blocks);
        }
        return approvalAndDryRun(input);
    }

    // ---------------------------------------------------------------- the record alone

    private static void recordRules(GateInput in, List<Reason> out) {
        HealingAction action = in.action();
        ResourceRef target = action.spec().targetResource();
        GateSettings settings = in.settings();

        if (in.producedAt() != null) {
            Duration age = Duration.between(in.producedAt(), in.now());
            if (age.compareTo(settings.maxActionAge()) > 0) {
                out.add(
                        new Reason(
                                BlockReason.STALE,
                                "the record is "
                                        + Durations.format(age.withNanos(0))
                                        + " old, older than --max-action-age "
                                        + Durations.format(settings.maxActionAge())
                                        + "; a stale finding is not acted on"));
            }
        }

        Optional<TargetKind> kind = TargetKind.of(target);
        if (kind.isEmpty()) {
            out.add(new Reason(BlockReason.UNSUPPORTED_KIND, unsupportedKind(target)));
        }
        if (target.namespace() == null) {
            if (kind.isPresent()) {
                out.add(
                        new Reason(
                                BlockReason.UNSUPPORTED_KIND,
                                target.kind() + " " + target.name() + " has no namespace"));
            }
        } else {
            namespaceRules(target.namespace(), "the target's namespace", settings, out);
        }
        String home = action.metadata().namespace();
        if (home != null && !home.equals(target.namespace())) {
            if (settings.protectedNamespaces().contains(home)) {
                out.add(
                        new Reason(
                                BlockReason.PROTECTED_NAMESPACE,
                                "the HealingAction would be created in "
                                        + home
                                        + ", a protected namespace"));
            }
        }

        PolicyAction pa = action.spec().action();
        kind.ifPresent(k -> actionRules(pa, k, target, out));
        boundRules(action, out);
        policyRules(in, kind.orElse(null), out);
    }

    private static String unsupportedKind(ResourceRef target) {
        Optional<TargetKind> named = TargetKind.named(target.kind());
        if (named.isPresent()) {
            return target.kind()
                    + " "
                    + target.key()
                    + " has apiVersion "
                    + target.apiVersion()
                    + "; the actuator acts on "
                    + named.get().apiVersion()
                    + " "
                    + target.kind()
                    + " only";
        }
        return "kind "
                + target.kind()
                + " ("
                + target.apiVersion()
                + ") is never a target: the actuator acts on "
                + TargetKind.list()
                + " only, never on a Namespace, Node or custom resource";
    }

    private static void namespaceRules(
            String namespace, String what, GateSettings settings, List<Reason> out) {
        if (settings.protectedNamespaces().contains(namespace)) {
            out.add(
                    new Reason(
                            BlockReason.PROTECTED_NAMESPACE,
                            what
                                    + " "
                                    + namespace
                                    + " is protected (kube-system, kube-public, kube-node-lease"
                                    + " and --protected-namespaces are never acted in)"));
        } else if (!settings.managedNamespaces().isEmpty()
                && !settings.managedNamespaces().contains(namespace)) {
            out.add(
                    new Reason(
                            BlockReason.UNMANAGED_NAMESPACE,
                            what
                                    + " "
                                    + namespace
                                    + " is not one of --namespaces "
                                    + String.join(
                                            ",", new TreeSet<>(settings.managedNamespaces()))));
        }
    }

    private static void actionRules(
            PolicyAction action, TargetKind kind, ResourceRef target, List<Reason> out) {
        String on = " on " + target.kind() + " " + target.key();
        switch (action.type()) {
            case RESTART -> {
                if (kind == TargetKind.REPLICA_SET) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "restart"
                                            + on
                                            + ": restart a ReplicaSet through its Deployment"));
                }
            }
            case SCALE -> {
                if (kind == TargetKind.DAEMON_SET) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "scale"
                                            + on
                                            + ": a DaemonSet runs one pod per node, it has no"
                                            + " replicas to scale"));
                }
                if (action.scaleAction() == null) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "a scale action needs scaleAction"));
                }
            }
            case PATCH -> {
                PatchAction patch = action.patchAction();
                if (patch == null || patch.resources() == null) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "patch"
                                            + on
                                            + ": only patchAction.resources (bounded limits) is"
                                            + " executed; a raw patch or patches from a record"
                                            + " could change anything"));
                } else if ((patch.patch() != null && !patch.patch().isBlank())
                        || !patch.patches().isEmpty()) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "patch"
                                            + on
                                            + ": patchAction.resources cannot be combined with a"
                                            + " raw patch"));
                }
                if (kind == TargetKind.REPLICA_SET) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "patch" + on + ": patch a ReplicaSet through its Deployment"));
                }
            }
            case DELETE -> {
                if (kind != TargetKind.POD) {
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "delete"
                                            + on
                                            + ": only a Pod is ever deleted, never a workload,"
                                            + " namespace, node or CRD"));
                }
            }
            case CUSTOM ->
                    out.add(
                            new Reason(
                                    BlockReason.UNSUPPORTED_ACTION,
                                    "custom action '"
                                            + action.name()
                                            + "': custom actions load but are never executed"));
        }
    }

    private static void boundRules(HealingAction action, List<Reason> out) {
        PolicyAction pa = action.spec().action();
        try {
            Durations.parse(action.spec().timeout());
        } catch (IllegalArgumentException e) {
            out.add(new Reason(BlockReason.OUT_OF_BOUNDS, "spec.timeout " + e.getMessage()));
        }
        ScaleAction scale = pa.scaleAction();
        if (scale != null) {
            within(out, "scaleAction.replicas", scale.replicas(), 0, MAX_REPLICAS);
            within(out, "scaleAction.minReplicas", scale.minReplicas(), 0, MAX_REPLICAS);
            within(out, "scaleAction.maxReplicas", scale.maxReplicas(), 0, MAX_REPLICAS);
            if (scale.minReplicas() > scale.maxReplicas()) {
                out.add(
                        new Reason(
                                BlockReason.OUT_OF_BOUNDS,
                                "scaleAction.minReplicas "
                                        + scale.minReplicas()
                                        + " is above maxReplicas "
                                        + scale.maxReplicas()));
            }
        }
        RestartAction restart = pa.restartAction();
        if (restart != null) {
            within(
                    out,
                    "restartAction.gracePeriodSeconds",
                    restart.gracePeriodSeconds(),
                    0,
                    MAX_GRACE_SECONDS);
            within(out, "restartAction.maxConcurrent", restart.maxConcurrent(), 1, MAX_CONCURRENT);
        }
        if (pa.deleteAction() != null) {
            within(
                    out,
                    "deleteAction.gracePeriodSeconds",
                    pa.deleteAction().gracePeriodSeconds(),
                    0,
                    MAX_GRACE_SECONDS);
        }
        PatchAction patch = pa.patchAction();
        if (patch != null && patch.resources() != null) {
            PatchAction.ResourcePatch r = patch.resources();
            if (r.memory() == null && r.cpu() == null) {
                out.add(
                        new Reason(
                                BlockReason.OUT_OF_BOUNDS,
                                "patchAction.resources needs memory or cpu bounds"));
            }
            bound(out, "patchAction.resources.memory", r.memory());
            bound(out, "patchAction.resources.cpu", r.cpu());
        }
    }

    private static void within(List<Reason> out, String field, int value, int min, int max) {
        if (value < min || value > max) {
            out.add(
                    new Reason(
                            BlockReason.OUT_OF_BOUNDS,
                            field + " must be within " + min + ".." + max + ", got " + value));
        }
    }

    private static void bound(List<Reason> out, String field, PatchAction.ResourceBound bound) {
        if (bound == null) {
            return;
        }
        Quantity max = null;
        Quantity min = null;
        if (bound.max() == null) {
            out.add(
                    new Reason(
                            BlockReason.OUT_OF_BOUNDS,
                            field + ".max is required: a patch must never grow without bound"));
        } else {
            max = quantity(out, field + ".max", bound.max());
        }
        if (bound.min() != null) {
            min = quantity(out, field + ".min", bound.min());
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            out.add(
                    new Reason(
                            BlockReason.OUT_OF_BOUNDS,
                            field + ".min " + min + " is above max " + max));
        }
        double factor = bound.factor();
        if (!(factor > 1) || factor > MAX_FACTOR || !Double.isFinite(factor)) {
            out.add(
                    new Reason(
                            BlockReason.OUT_OF_BOUNDS,
                            field
                                    + ".factor must be above 1 and at most "
                                    + (int) MAX_FACTOR
                                    + ", got "
                                    + factor));
        }
    }

    private static Quantity quantity(List<Reason> out, String field, String text) {
        try {
            Quantity q = Quantity.parse(text);
            if (q.value().signum() == 0 && field.endsWith(".max")) {
                out.add(new Reason(BlockReason.OUT_OF_BOUNDS, field + " must be above 0"));
            }
            return q;
        } catch (IllegalArgumentException e) {
            out.add(new Reason(BlockReason.OUT_OF_BOUNDS, field + " " + e.getMessage()));
            return null;
        }
    }

    private static void policyRules(GateInput in, TargetKind kind, List<Reason> out) {
        HealingAction action = in.action();
        String policyName = action.spec().policyRef().name();
        HealingPolicy policy = in.policy();
        if (policy == null) {
            out.add(
                    new Reason(
                            BlockReason.UNKNOWN_POLICY,
                            "policy "
                                    + policyName
                                    + " is not on the policy topic: only actions of active"
                                    + " policies are executed"));
            return;
        }
        PolicySpec spec = policy.spec();
        if (spec.mode() == PolicySpec.Mode.MONITOR) {
            out.add(
                    new Reason(
                            BlockReason.POLICY_MODE,
                            "policy " + policyName + " is in monitor mode: findings only"));
        }
        PolicyAction mine = action.spec().action();
        PolicyAction theirs =
                spec.actions().stream()
                        .filter(a -> a.name().equals(mine.name()))
                        .findFirst()
                        .orElse(null);
        if (theirs == null) {
            out.add(
                    new Reason(
                            BlockReason.POLICY_MISMATCH,
                            "policy "
                                    + policyName
                                    + " has no action '"
                                    + mine.name()
                                    + "' (it has "
                                    + String.join(
                                            ", ",
                                            spec.actions().stream()
                                                    .map(PolicyAction::name)
                                                    .toList())
                                    + ")"));
        } else {
            List<String> diffs = differences(mine, theirs);
            if (!diffs.isEmpty()) {
                out.add(
                        new Reason(
                                BlockReason.POLICY_MISMATCH,
                                "action '"
                                        + mine.name()
                                        + "' is outside policy "
                                        + policyName
                                        + ", which bounds every parameter: "
                                        + String.join("; ", diffs)));
            }
        }
        ResourceRef target = action.spec().targetResource();
        if (target.namespace() != null && !spec.selector().selectsNamespace(target.namespace())) {
            out.add(
                    new Reason(
                            BlockReason.POLICY_MISMATCH,
                            "policy "
                                    + policyName
                                    + " does not select namespace "
                                    + target.namespace()));
        }
        if (kind != null) {
            ResourceSelector covering = covering(policy, target, kind);
            if (covering == null) {
                out.add(
                        new Reason(
                                BlockReason.POLICY_MISMATCH,
                                "policy " + policyName + " does not select " + target.kind()));
            } else if (covering.excludes(target.name())) {
                out.add(
                        new Reason(
                                BlockReason.EXCLUDED_BY_POLICY,
                                target.kind()
                                        + " "
                                        + target.key()
                                        + " matches excludeNames "
                                        + covering.excludeNames()
                                        + " of policy "
                                        + policyName));
            }
        }
        protectedByPolicy(policy, target, out);
    }

    /** The resource selector of {@code policy} that selects {@code target}'s kind, or null. */
    private static ResourceSelector covering(
            HealingPolicy policy, ResourceRef target, TargetKind kind) {
        PolicySpec spec = policy.spec();
        for (ResourceSelector r : spec.selector().resources()) {
            if (r.coversKind(target.apiVersion(), target.kind())) {
                return r;
            }
        }
        if (kind.isWorkload()) {
            // A policy over pods acts on their workload when it groups by workload (or for a
            // scale, which always acts on the workload).
            for (ResourceSelector r : spec.selector().resources()) {
                if (r.coversKind("v1", "Pod")) {
                    return new ResourceSelector(r.apiVersion(), r.kind(), List.of());
                }
            }
        }
        return null;
    }

    private static void protectedByPolicy(HealingPolicy policy, ResourceRef ref, List<Reason> out) {
        for (ResourceSelector p : policy.spec().safetyRules().protectedResources()) {
            if (p.coversKind(ref.apiVersion(), ref.kind())
                    && (p.excludeNames().isEmpty() || p.excludes(ref.name()))) {
                out.add(
                        new Reason(
                                BlockReason.EXCLUDED_BY_POLICY,
                                ref.kind()
                                        + " "
                                        + ref.key()
                                        + " is protected by safetyRules.protectedResources of"
                                        + " policy "
                                        + policy.name()
                                        + (p.excludeNames().isEmpty()
                                                ? " (every " + p.kind() + ")"
                                                : " " + p.excludeNames())));
                return;
            }
        }
    }

    /** The parameters that differ, as "path: the record has X, the policy Y". */
    static List<String> differences(PolicyAction mine, PolicyAction theirs) {
        List<String> diffs = new ArrayList<>();
        if (mine.type() != theirs.type()) {
            diffs.add(
                    "type: the record has "
                            + mine.type().wireName()
                            + ", the policy "
                            + theirs.type().wireName());
            return diffs;
        }
        if (!mine.requiresApproval().equals(theirs.requiresApproval())) {
            diffs.add(
                    "requiresApproval: the record has "
                            + mine.requiresApproval()
                            + ", the policy "
                            + theirs.requiresApproval());
        }
        diff(diffs, "restartAction", tree(mine.restartAction()), tree(theirs.restartAction()));
        diff(diffs, "scaleAction", tree(mine.scaleAction()), tree(theirs.scaleAction()));
        diff(diffs, "patchAction", tree(mine.patchAction()), tree(theirs.patchAction()));
        diff(diffs, "deleteAction", tree(mine.deleteAction()), tree(theirs.deleteAction()));
        return diffs;
    }

    private static JsonNode tree(Object value) {
        return value == null ? null : Json.mapper().valueToTree(value);
    }

    private static void diff(List<String> out, String path, JsonNode mine, JsonNode theirs) {
        if (mine == null && theirs == null) {
            return;
        }
        if (mine != null && theirs != null && mine.isObject() && theirs.isObject()) {
            Set<String> names = new TreeSet<>();
            mine.fieldNames().forEachRemaining(names::add);
            theirs.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                diff(out, path + "." + name, mine.get(name), theirs.get(name));
            }
            return;
        }
        if (mine != null && theirs != null && sameValue(mine, theirs)) {
            return;
        }
        out.add(path + ": the record has " + show(mine) + ", the policy " + show(theirs));
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static String show(JsonNode node) {
        if (node == null || node.isNull()) {
            return "none";
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    // ---------------------------------------------------------------- the live target

    private static void liveRules(GateInput in, List<Reason> out) {
        LiveFacts live = in.live();
        ResourceRef target = live.target();
        protectedObject(target, live.labels(), "label", out);
        protectedObject(target, live.annotations(), "annotation", out);
        if (live.workload() != null && !live.targetIsWorkload()) {
            protectedObject(live.workload(), live.workloadLabels(), "label", out);
            protectedObject(live.workload(), live.workloadAnnotations(), "annotation", out);
        }
        HealingPolicy policy = in.policy();
        if (policy == null) {
            return;
        }
        if ("Pod".equals(target.kind())
                && !policy.spec().selector().labelSelector().matches(live.labels())) {
            out.add(
                    new Reason(
                            BlockReason.POLICY_MISMATCH,
                            "Pod "
                                    + target.key()
                                    + " does not match the label selector of policy "
                                    + policy.name()));
        }
        if (live.workload() != null && !live.targetIsWorkload()) {
            protectedByPolicy(policy, live.workload(), out);
        }
    }

    private static void protectedObject(
            ResourceRef ref, Map<String, String> values, String where, List<Reason> out) {
        String reason = null;
        if ("true".equalsIgnoreCase(values.get(PROTECTED))) {
            reason = PROTECTED + "=true";
        } else if (values.containsKey(HEALING_DISABLED)
                && !"false".equalsIgnoreCase(values.get(HEALING_DISABLED))) {
            reason = HEALING_DISABLED;
        }
        if (reason != null) {
            out.add(
                    new Reason(
                            BlockReason.PROTECTED_OBJECT,
                            ref.kind()
                                    + " "
                                    + ref.key()
                                    + " is protected: it has the "
                                    + where
                                    + " "
                                    + reason));
        }
    }

    private static void limits(GateInput in, List<Reason> out) {
        Instant now = in.now();
        GateSettings settings = in.settings();
        ActionHistory history = in.history();
        HealingAction action = in.action();
        ResourceRef target = in.live().target();
        String policyName = action.spec().policyRef().name();

        Optional<Instant> last = history.lastActedOn(target.id());
        if (last.isPresent() && last.get().plus(settings.cooldown()).isAfter(now)) {
            out.add(
                    new Reason(
                            BlockReason.COOLDOWN,
                            target.kind()
                                    + " "
                                    + target.key()
                                    + " was acted on "
                                    + ago(last.get(), now)
                                    + " ago; --cooldown is "
                                    + Durations.format(settings.cooldown())
                                    + " (next at "
                                    + last.get().plus(settings.cooldown())
                                    + ")"));
        }
        if (in.policy() != null) {
            int max = in.policy().spec().safetyRules().maxActionsPerHour();
            int n = history.actedSince(now.minus(HOUR), policyName);
            if (n >= max) {
                out.add(
                        new Reason(
                                BlockReason.POLICY_RATE_LIMIT,
                                "policy "
                                        + policyName
                                        + " acted "
                                        + n
                                        + " times within the last hour;"
                                        + " its safetyRules.maxActionsPerHour is "
                                        + max));
            }
        }
        int all = history.actedSince(now.minus(HOUR), null);
        if (all >= settings.maxActionsPerHour()) {
            out.add(
                    new Reason(
                            BlockReason.GLOBAL_RATE_LIMIT,
                            all
                                    + " actions within the last hour; --max-actions-per-hour is "
                                    + settings.maxActionsPerHour()));
        }
        Instant windowStart = now.minus(settings.stormWindow());
        int targets = history.targetsActedSince(windowStart);
        if (targets >= settings.stormMaxTargets()) {
            out.add(
                    new Reason(
                            BlockReason.STORM_BREAKER,
                            "storm breaker open: "
                                    + targets
                                    + " targets acted on within "
                                    + Durations.format(settings.stormWindow())
                                    + " (--storm-max-targets "
                                    + settings.stormMaxTargets()
                                    + "); every action stops until the window drains"));
        }
        LiveFacts live = in.live();
        if (live.workload() != null
                && !live.targetIsWorkload()
                && live.workloadReplicas() > 0
                && action.spec().action().type() != ActionType.SCALE) {
            Set<String> acted =
                    new TreeSet<>(
                            history.workloadTargetsActedSince(live.workload().id(), windowStart));
            acted.remove(target.id());
            int budget = settings.workloadBudget(live.workloadReplicas());
            boolean whole = acted.remove(live.workload().id());
            if (whole || acted.size() >= budget) {
                out.add(
                        new Reason(
                                BlockReason.STORM_BREAKER,
                                "storm breaker open for "
                                        + live.workload().kind()
                                        + " "
                                        + live.workload().key()
                                        + ": "
                                        + (whole
                                                ? "it was restarted as a whole"
                                                : acted.size()
                                                        + " of its "
                                                        + live.workloadReplicas()
                                                        + " pods were acted on")
                                        + " within "
                                        + Durations.format(settings.stormWindow())
                                        + ", and at most "
                                        + percent(settings.stormWorkloadShare())
                                        + " ("
                                        + budget
                                        + ") may be (--storm-workload-share)"));
            }
        }
    }

    private static GateDecision approvalAndDryRun(GateInput in) {
        HealingAction action = in.action();
        GateSettings settings = in.settings();
        PolicySpec.Mode mode = in.policy() == null ? null : in.policy().spec().mode();
        ApprovalState approval = in.approval();
        List<String> notes = new ArrayList<>();

        if (approval.rejected()) {
            return GateDecision.block(
                    BlockReason.APPROVAL_REJECTED,
                    "rejected"
                            + (approval.by() == null ? "" : " by " + approval.by())
                            + (approval.reason() == null ? "" : ": " + approval.reason()));
        }
        List<String> why = new ArrayList<>();
        if (action.spec().approvalRequired()) {
            why.add("spec.approvalRequired");
        }
        if (action.spec().action().requiresApproval()) {
            why.add("the action's requiresApproval");
        }
        if (mode == PolicySpec.Mode.MANUAL) {
            why.add("the policy's manual mode");
        }
        boolean dryRun =
                settings.dryRun() || action.spec().dryRun() || mode == PolicySpec.Mode.DRYRUN;
        if (!why.isEmpty()) {
            Instant deadline =
                    approval.requestedAt() == null
                            ? null
                            : approval.requestedAt().plus(settings.approvalTtl());
            boolean late =
                    deadline != null
                            && (approval.approved()
                                    ? approval.at() != null && approval.at().isAfter(deadline)
                                    : in.now().isAfter(deadline));
            if (late) {
                return GateDecision.block(
                        BlockReason.APPROVAL_EXPIRED,
                        "no approval within --approval-ttl "
                                + Durations.format(settings.approvalTtl())
                                + " (requested at "
                                + approval.requestedAt()
                                + ")");
            }
            if (approval.approved()) {
                notes.add(
                        "approved"
                                + (approval.by() == null ? "" : " by " + approval.by())
                                + (approval.reason() == null ? "" : ": " + approval.reason()));
            } else if (dryRun) {
                notes.add("would wait for approval (" + String.join(", ", why) + ")");
            } else {
                notes.add("waits for approval (" + String.join(", ", why) + ")");
                return new GateDecision(Verdict.AWAIT_APPROVAL, List.of(), notes);
            }
        }
        if (dryRun) {
            List<String> by = new ArrayList<>();
            if (settings.dryRun()) {
                by.add("--dry-run");
            }
            if (action.spec().dryRun()) {
                by.add("spec.dryRun");
            }
            if (mode == PolicySpec.Mode.DRYRUN) {
                by.add("the policy's dryrun mode");
            }
            notes.add(0, "dry run (" + String.join(", ", by) + ")");
            return new GateDecision(Verdict.DRY_RUN, List.of(), notes);
        }
        return new GateDecision(Verdict.PROCEED, List.of(), notes);
    }

    private static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        return Durations.format(d.isNegative() ? Duration.ZERO : d.withNanos(0));
    }

    private static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)) + "%";
    }
}

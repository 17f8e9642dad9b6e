package io.kubeskippy.model.policy;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Says in plain words how a policy will be evaluated: which samples, window, step and pattern. */
public final class PolicyExplainer {

    private PolicyExplainer() {}

    public static String explain(HealingPolicy policy) {
        PolicySpec spec = policy.spec();
        StringBuilder out = new StringBuilder();
        out.append(policy.name())
                .append(" (version ")
                .append(policy.version())
                .append(", mode ")
                .append(spec.mode().wireName())
                .append(", evidence per ")
                .append(spec.groupBy().wireName())
                .append(")\n");
        out.append("  selects: ").append(selection(spec.selector())).append('\n');
        out.append("  mode: ").append(mode(spec.mode())).append('\n');
        for (Trigger trigger : spec.triggers()) {
            out.append("  trigger ")
                    .append(trigger.name())
                    .append(" (")
                    .append(trigger.type().wireName())
                    .append(", cooldown ")
                    .append(Durations.format(trigger.cooldownPeriod()))
                    .append(")\n");
            for (String line : trigger(trigger, spec.groupBy())) {
                out.append("    ").append(line).append('\n');
            }
        }
        out.append("  actions, highest priority first:\n");
        spec.actions().stream()
                .sorted(Comparator.comparingInt(PolicyAction::priority).reversed())
                .forEach(
                        a ->
                                out.append("    ")
                                        .append(a.name())
                                        .append(": ")
                                        .append(action(a))
                                        .append(" (priority ")
                                        .append(a.priority())
                                        .append(a.requiresApproval() ? ", requires approval" : "")
                                        .append(")\n"));
        AiOptions ai = spec.ai();
        out.append("  llm: ")
                .append(
                        ai.enabled()
                                ? "explains each finding"
                                        + (ai.mayRank() ? " and may reorder these actions" : "")
                                        + "; replies below confidence "
                                        + ai.minConfidence()
                                        + (ai.onLowConfidence()
                                                        == AiOptions.LowConfidence.REQUIRE_APPROVAL
                                                ? " require approval"
                                                : " keep the rule-based choice")
                                : "not asked")
                .append('\n');
        out.append("  safety: at most ")
                .append(spec.safetyRules().maxActionsPerHour())
                .append(" actions per hour")
                .append(
                        spec.safetyRules().protectedResources().isEmpty()
                                ? ""
                                : "; never touches "
                                        + spec.safetyRules().protectedResources().stream()
                                                .map(PolicyExplainer::resource)
                                                .collect(Collectors.joining(", ")))
                .append('\n');
        return out.toString();
    }

    private static String mode(PolicySpec.Mode mode) {
        return switch (mode) {
            case MONITOR -> "monitor: findings only, no action";
            case DRYRUN -> "dryrun: actions are recorded with spec.dryRun, not executed";
            case AUTOMATIC -> "automatic: actions run behind the actuator's safety gate";
            case MANUAL -> "manual: every action waits for approval";
        };
    }

    private static String selection(Selector selector) {
        String namespaces =
                selector.namespaces().isEmpty()
                        ? (selector.allowProtectedNamespaces()
                                ? "all namespaces"
                                : "all namespaces except kube-system, kube-public, kube-node-lease")
                        : "namespaces " + String.join(", ", selector.namespaces());
        String kinds =
                selector.resources().stream()
                        .map(PolicyExplainer::resource)
                        .collect(Collectors.joining(", "));
        LabelSelector labels = selector.labelSelector();
        String labelText =
                labels.matchLabels().isEmpty() && labels.matchExpressions().isEmpty()
                        ? "any labels"
                        : "labels "
                                + labels.matchLabels().entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(Collectors.joining(", "))
                                + labels.matchExpressions().stream()
                                        .map(
                                                r ->
                                                        " "
                                                                + r.key()
                                                                + " "
                                                                + r.operator().wireName()
                                                                + (r.values().isEmpty()
                                                                        ? ""
                                                                        : " " + r.values()))
                                        .collect(Collectors.joining());
        return kinds + " in " + namespaces + ", " + labelText;
    }

    private static String resource(ResourceSelector r) {
        return r.kind()
                + (r.excludeNames().isEmpty()
                        ? ""
                        : " (except " + String.join(", ", r.excludeNames()) + ")");
    }

    private static List<String> trigger(Trigger t, PolicySpec.GroupBy groupBy) {
        return switch (t.type()) {
            case METRIC -> {
                Trigger.MetricTrigger m = t.metricTrigger();
                yield List.of(
                        "fires when "
                                + m.query()
                                + " "
                                + m.operator().symbol()
                                + " "
                                + m.threshold()
                                + " for "
                                + Durations.format(m.duration()),
                        "evaluated as " + m.classified().explain());
            }
            case EVENT -> {
                Trigger.EventTrigger e = t.eventTrigger();
                yield List.of(
                        "samples: Kubernetes Events from skippy.events with reason "
                                + e.reason()
                                + (e.type() == null ? "" : " and type " + e.type())
                                + " (matched literally), per involved object",
                        "fires when at least "
                                + e.count()
                                + " arrive within "
                                + Durations.format(e.window()));
            }
            case CONDITION -> {
                Trigger.ConditionTrigger c = t.conditionTrigger();
                yield List.of(
                        "samples: pod conditions from skippy.pods",
                        "fires when condition "
                                + c.type()
                                + " is "
                                + c.status()
                                + " for "
                                + Durations.format(c.duration()));
            }
            case TREND -> trend(t.trendTrigger(), groupBy);
            case SEQUENCE -> {
                SequenceTrigger s = t.sequenceTrigger();
                String steps =
                        s.steps().stream()
                                .map(PolicyExplainer::step)
                                .collect(Collectors.joining(", then "));
                yield List.of(
                        "samples: Events from skippy.events and conditions from skippy.pods, per pod",
                        "fires when "
                                + steps
                                + " within "
                                + Durations.format(s.within())
                                + (s.absent() == null
                                        ? ""
                                        : ", and "
                                                + step(s.absent())
                                                + " does not follow within "
                                                + Durations.format(s.within())));
            }
        };
    }

    private static String step(SequenceTrigger.Step step) {
        if (step.event() != null) {
            return "event "
                    + step.event().reason()
                    + (step.event().type() == null ? "" : "/" + step.event().type());
        }
        return "condition " + step.condition().type() + "=" + step.condition().status();
    }

    private static List<String> trend(TrendTrigger t, PolicySpec.GroupBy groupBy) {
        String selector =
                t.metric().name()
                        + (t.metric().labels().isEmpty()
                                ? ""
                                : t.metric().labels().entrySet().stream()
                                        .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                                        .collect(Collectors.joining(",", "{", "}")));
        String samples =
                "samples: "
                        + selector
                        + " from skippy.metrics"
                        + (t.counter() ? ", as a per-second rate (counter resets handled)" : "")
                        + ", per "
                        + (groupBy == PolicySpec.GroupBy.WORKLOAD ? "owning workload" : "pod");
        String features =
                "features: one point per "
                        + Durations.format(t.step())
                        + " over a sliding "
                        + Durations.format(t.window())
                        + " window; none for "
                        + Durations.format(t.startupGrace())
                        + " after a container (re)starts";
        String fires;
        if (t.pattern() == TrendTrigger.Pattern.GROWTH) {
            StringBuilder f = new StringBuilder("fires on growth: least-squares slope");
            if (t.minSlope() != null) {
                f.append(" >= ").append(t.minSlope()).append("/s");
            } else {
                f.append(" > 0");
            }
            f.append(" with r² >= ").append(t.minR2()).append(", confirmed by a robust trend test");
            if (t.relativeTo() == TrendTrigger.RelativeTo.LIMIT) {
                f.append(", and the forecast reaches the container's limit within ")
                        .append(Durations.format(t.horizon()));
            }
            fires = f.toString();
        } else {
            StringBuilder f =
                    new StringBuilder("fires on oscillation: at least ")
                            .append(t.minCycles())
                            .append(" cycles");
            if (t.minAmplitude() != null) {
                f.append(" of amplitude >= ").append(t.minAmplitude());
            }
            if (t.period() != null && (t.period().min() != null || t.period().max() != null)) {
                f.append(", period ")
                        .append(
                                t.period().min() == null
                                        ? "any"
                                        : Durations.format(t.period().min()))
                        .append("..")
                        .append(
                                t.period().max() == null
                                        ? "any"
                                        : Durations.format(t.period().max()));
            }
            fires = f.toString();
        }
        return List.of(samples, features, fires);
    }

    private static String action(PolicyAction a) {
        return switch (a.type()) {
            case RESTART ->
                    "restart ("
                            + a.restartAction().strategy().name().toLowerCase(java.util.Locale.ROOT)
                            + ", grace "
                            + a.restartAction().gracePeriodSeconds()
                            + "s)";
            case SCALE -> {
                ScaleAction s = a.scaleAction();
                yield "scale "
                        + s.direction().name().toLowerCase(java.util.Locale.ROOT)
                        + " "
                        + s.replicas()
                        + " within "
                        + s.minReplicas()
                        + ".."
                        + s.maxReplicas()
                        + " replicas";
            }
            case PATCH -> {
                PatchAction p = a.patchAction();
                if (p.resources() != null) {
                    yield "raise limits: "
                            + java.util.stream.Stream.of(
                                            bounds("memory", p.resources().memory()),
                                            bounds("cpu", p.resources().cpu()))
                                    .filter(s -> !s.isEmpty())
                                    .collect(Collectors.joining(", "));
                }
                yield "patch (" + p.type().name().toLowerCase(java.util.Locale.ROOT) + ")";
            }
            case DELETE -> "delete the pod (grace " + a.deleteAction().gracePeriodSeconds() + "s)";
            case CUSTOM -> "custom (never executed by the actuator)";
        };
    }

    private static String bounds(String what, PatchAction.ResourceBound b) {
        if (b == null) {
            return "";
        }
        return what
                + " x"
                + b.factor()
                + " within "
                + (b.min() == null ? "0" : b.min())
                + ".."
                + b.max();
    }
}

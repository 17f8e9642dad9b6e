package io.kubeskippy.model.policy;

import static io.kubeskippy.model.policy.Fields.wireNames;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.policy.PatchAction.FieldPatch;
import io.kubeskippy.model.policy.PatchAction.ResourceBound;
import io.kubeskippy.model.policy.PatchAction.ResourcePatch;
import io.kubeskippy.model.policy.SequenceTrigger.ConditionMatch;
import io.kubeskippy.model.policy.SequenceTrigger.EventMatch;
import io.kubeskippy.model.policy.SequenceTrigger.Step;
import io.kubeskippy.model.policy.TrendTrigger.MetricSelector;
import io.kubeskippy.model.policy.TrendTrigger.PeriodRange;
import io.kubeskippy.model.policy.Trigger.ConditionTrigger;
import io.kubeskippy.model.policy.Trigger.EventTrigger;
import io.kubeskippy.model.policy.Trigger.MetricTrigger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the parts of one HealingPolicy document and checks their invariants. */
final class SpecReader {

    /** Kinds a policy can select, as the seed's CRD uses them. */
    static final Set<String> KINDS =
            Set.of(
                    "Pod",
                    "Deployment",
                    "StatefulSet",
                    "DaemonSet",
                    "ReplicaSet",
                    "Service",
                    "PersistentVolumeClaim");

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_NAME =
            Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)");
    private static final Pattern LABEL_VALUE =
            Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern REGEX_CHARS = Pattern.compile(".*[.*+?^$|()\\[\\]{}\\\\].*");

    private final PolicyReader.Context ctx;

    SpecReader(PolicyReader.Context ctx) {
        this.ctx = ctx;
    }

    HealingPolicy read(ObjectNode root) {
        Fields doc = Fields.open(ctx, "", root, "apiVersion", "kind", "metadata", "spec", "status");
        String apiVersion = doc.string("apiVersion", true, HealingPolicy.API_VERSION);
        if (apiVersion != null && !HealingPolicy.API_VERSION.equals(apiVersion)) {
            ctx.error(
                    "apiVersion",
                    "must be " + HealingPolicy.API_VERSION + ", got '" + apiVersion + "'");
        }
        String kind = doc.string("kind", true, HealingPolicy.KIND);
        if (kind != null && !HealingPolicy.KIND.equals(kind)) {
            ctx.error("kind", "must be " + HealingPolicy.KIND + ", got '" + kind + "'");
        }
        HealingPolicy.Metadata metadata = metadata(doc.object("metadata", true, METADATA_KEYS));
        PolicySpec spec =
                spec(
                        doc.object(
                                "spec",
                                true,
                                "selector",
                                "triggers",
                                "actions",
                                "safetyRules",
                                "mode",
                                "ai",
                                "groupBy"));
        if (metadata == null || spec == null || ctx.hasErrors()) {
            return null;
        }
        return new HealingPolicy(
                apiVersion, kind, metadata, spec, PolicyReader.contentHash(root), null);
    }

    private static final String[] METADATA_KEYS = {
        "name",
        "namespace",
        "labels",
        "annotations",
        // set by the API server on a HealingPolicy resource; read and ignored
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
        "finalizers",
        "ownerReferences",
        "selfLink",
        "generateName"
    };

    private HealingPolicy.Metadata metadata(Fields m) {
        if (m == null) {
            return null;
        }
        String name = m.string("name", true, "memory-leak");
        if (name != null && (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches())) {
            ctx.error(
                    m.path("name"),
                    "must be a lower-case DNS name (letters, digits, '-' and '.'), got '"
                            + name
                            + "'");
        }
        String namespace = m.string("namespace", false);
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            ctx.error(
                    m.path("namespace"), "must be a lower-case DNS label, got '" + namespace + "'");
        }
        return new HealingPolicy.Metadata(
                name, namespace, m.stringMap("labels"), m.stringMap("annotations"));
    }

    private PolicySpec spec(Fields s) {
        if (s == null) {
            return null;
        }
        Selector selector =
                selector(
                        s.object(
                                "selector",
                                true,
                                "namespaces",
                                "labelSelector",
                                "resources",
                                "allowProtectedNamespaces"));
        List<Trigger> triggers = s.each("triggers", true, 1, this::trigger);
        uniqueNames(s.path("triggers"), s.raw("triggers"), "trigger");
        List<PolicyAction> actions = s.each("actions", true, 1, this::action);
        uniqueNames(s.path("actions"), s.raw("actions"), "action");
        SafetyRules safety =
                safetyRules(
                        s.object(
                                "safetyRules",
                                false,
                                "maxActionsPerHour",
                                "protectedResources",
                                "requireHealthCheck",
                                "healthCheckTimeout"));
        PolicySpec.Mode mode =
                s.choice(
                        "mode", false, wireNames(PolicySpec.Mode.class, PolicySpec.Mode::wireName));
        AiOptions ai =
                ai(s.object("ai", false, "enabled", "minConfidence", "mayRank", "onLowConfidence"));
        PolicySpec.GroupBy groupBy =
                s.choice(
                        "groupBy",
                        false,
                        wireNames(PolicySpec.GroupBy.class, PolicySpec.GroupBy::wireName));
        if (selector == null || triggers == null || actions == null) {
            return null;
        }
        return new PolicySpec(selector, triggers, actions, safety, mode, ai, groupBy);
    }

    private void uniqueNames(String path, JsonNode list, String what) {
        if (list == null || !list.isArray()) {
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode name = list.get(i).path("name");
            if (!name.isTextual()) {
                continue;
            }
            Integer first = seen.putIfAbsent(name.asText(), i);
            if (first != null) {
                ctx.error(
                        path + "[" + i + "].name",
                        "duplicate "
                                + what
                                + " name '"
                                + name.asText()
                                + "' (also "
                                + path
                                + "["
                                + first
                                + "]); names must be unique");
            }
        }
    }

    // ---------------------------------------------------------------- selector

    private Selector selector(Fields f) {
        if (f == null) {
            return null;
        }
        Boolean allowProtected = f.bool("allowProtectedNamespaces");
        boolean allow = allowProtected != null && allowProtected;
        List<String> namespaces = f.strings("namespaces", false);
        JsonNode rawNamespaces = f.raw("namespaces");
        if (namespaces != null && !allow) {
            // index the raw list: strings() drops invalid items, which would shift the path
            for (int i = 0; i < rawNamespaces.size(); i++) {
                String ns = rawNamespaces.get(i).asText();
                if (rawNamespaces.get(i).isTextual()
                        && Selector.PROTECTED_NAMESPACES.contains(ns)) {
                    ctx.error(
                            f.path("namespaces") + "[" + i + "]",
                            ns
                                    + " is a protected namespace; remove it, or set selector.allowProtectedNamespaces: true if you mean it");
                }
            }
        }
        LabelSelector labels =
                labelSelector(f.object("labelSelector", false, "matchLabels", "matchExpressions"));
        List<ResourceSelector> resources = f.each("resources", true, 1, this::resource);
        if (resources == null) {
            return null;
        }
        return new Selector(namespaces, labels, resources, allow);
    }

    private LabelSelector labelSelector(Fields f) {
        if (f == null) {
            return null;
        }
        Map<String, String> matchLabels = f.stringMap("matchLabels");
        if (matchLabels != null) {
            matchLabels.forEach(
                    (k, v) -> {
                        checkLabelKey(f.path("matchLabels") + "." + k, k);
                        checkLabelValue(f.path("matchLabels") + "." + k, v);
                    });
        }
        List<LabelSelector.Requirement> expressions =
                f.each("matchExpressions", false, 0, (path, item) -> requirement(path, item));
        return new LabelSelector(matchLabels, expressions);
    }

    private LabelSelector.Requirement requirement(String path, JsonNode item) {
        Fields f = Fields.open(ctx, path, item, "key", "operator", "values");
        if (f == null) {
            return null;
        }
        String key = f.string("key", true);
        if (key != null) {
            checkLabelKey(f.path("key"), key);
        }
        LabelSelector.Operator op =
                f.choice(
                        "operator",
                        true,
                        wireNames(LabelSelector.Operator.class, LabelSelector.Operator::wireName));
        List<String> values = f.strings("values", false);
        JsonNode rawValues = f.raw("values");
        // judged on the raw list, so that "values: 5" is one error ("must be a list"), not two
        boolean noValues = rawValues == null || (rawValues.isArray() && rawValues.isEmpty());
        if (op != null) {
            boolean needsValues =
                    op == LabelSelector.Operator.IN || op == LabelSelector.Operator.NOT_IN;
            if (needsValues && noValues) {
                ctx.error(
                        f.path("values"),
                        "is required and must not be empty for operator " + op.wireName());
            } else if (!needsValues && !noValues) {
                ctx.error(f.path("values"), "must be empty for operator " + op.wireName());
            }
        }
        if (values != null) {
            for (int i = 0; i < rawValues.size(); i++) {
                if (rawValues.get(i).isTextual() && !rawValues.get(i).asText().isBlank()) {
                    checkLabelValue(f.path("values") + "[" + i + "]", rawValues.get(i).asText());
                }
            }
        }
        return key == null || op == null ? null : new LabelSelector.Requirement(key, op, values);
    }

    private void checkLabelKey(String path, String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty()
                    || prefix.length() > 253
                    || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                ctx.error(path, "label key prefix '" + prefix + "' must be a lower-case DNS name");
                return;
            }
        }
        if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
            ctx.error(
                    path,
                    "'"
                            + key
                            + "' is not a valid label key (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
        }
    }

    private void checkLabelValue(String path, String value) {
        if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
            ctx.error(
                    path,
                    "'"
                            + value
                            + "' is not a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
        }
    }

    private ResourceSelector resource(String path, JsonNode item) {
        Fields f = Fields.open(ctx, path, item, "apiVersion", "kind", "excludeNames");
        if (f == null) {
            return null;
        }
        String apiVersion = f.string("apiVersion", false);
        String kind = f.string("kind", true, "Pod");
        if (kind != null && !KINDS.contains(kind)) {
            ctx.error(
                    f.path("kind"),
                    "must be one of "
                            + String.join(", ", KINDS.stream().sorted().toList())
                            + ", got '"
                            + kind
                            + "'");
            kind = null;
        }
        List<String> exclude = f.strings("excludeNames", false);
        return kind == null ? null : new ResourceSelector(apiVersion, kind, exclude);
    }

    // ---------------------------------------------------------------- triggers

    private Trigger trigger(String path, JsonNode item) {
        Fields f =
                Fields.open(
                        ctx,
                        path,
                        item,
                        "name",
                        "type",
                        "cooldownPeriod",
                        "metricTrigger",
                        "eventTrigger",
                        "conditionTrigger",
                        "trendTrigger",
                        "sequenceTrigger");
        if (f == null) {
            return null;
        }
        String name = f.string("name", true, "memory-growth");
        Trigger.Type type =
                f.choice("type", true, wireNames(Trigger.Type.class, Trigger.Type::wireName));
        Duration cooldown = f.duration("cooldownPeriod", false, true, "5m");
        if (type == null) {
            return null;
        }
        for (Trigger.Type other : Trigger.Type.values()) {
            if (other != type && f.has(other.field())) {
                ctx.error(
                        f.path(other.field()),
                        "does not belong to a trigger of type "
                                + type.wireName()
                                + "; use "
                                + type.field());
            }
        }
        if (!f.has(type.field())) {
            ctx.error(f.path(type.field()), "is required for a trigger of type " + type.wireName());
            return null;
        }
        MetricTrigger metric = null;
        EventTrigger event = null;
        ConditionTrigger condition = null;
        TrendTrigger trend = null;
        SequenceTrigger sequence = null;
        switch (type) {
            case METRIC ->
                    metric =
                            metricTrigger(
                                    f.object(
                                            "metricTrigger",
                                            true,
                                            "query",
                                            "threshold",
                                            "operator",
                                            "duration"));
            case EVENT ->
                    event =
                            eventTrigger(
                                    f.object(
                                            "eventTrigger",
                                            true,
                                            "reason",
                                            "type",
                                            "count",
                                            "window"));
            case CONDITION ->
                    condition =
                            conditionTrigger(
                                    f.object(
                                            "conditionTrigger",
                                            true,
                                            "type",
                                            "status",
                                            "duration"));
            case TREND ->
                    trend =
                            trendTrigger(
                                    f.object(
                                            "trendTrigger",
                                            true,
                                            "metric",
                                            "counter",
                                            "pattern",
                                            "window",
                                            "step",
                                            "minSlope",
                                            "relativeTo",
                                            "minR2",
                                            "horizon",
                                            "minCycles",
                                            "minAmplitude",
                                            "period",
                                            "startupGrace"));
            case SEQUENCE ->
                    sequence =
                            sequenceTrigger(
                                    f.object("sequenceTrigger", true, "steps", "within", "absent"));
        }
        if (name == null
                || (metric == null
                        && event == null
                        && condition == null
                        && trend == null
                        && sequence == null)) {
            return null;
        }
        return new Trigger(name, type, cooldown, metric, event, condition, trend, sequence);
    }

    private static final Map<String, Trigger.Comparison> COMPARISONS =
            wireNames(Trigger.Comparison.class, Trigger.Comparison::symbol);

    private MetricTrigger metricTrigger(Fields f) {
        if (f == null) {
            return null;
        }
        String query = f.string("query", true, "memory_usage_percent");
        Double threshold = f.number("threshold", true);
        Trigger.Comparison op = f.choice("operator", true, COMPARISONS);
        Duration duration = f.duration("duration", false, true, "2m");
        if (query == null || threshold == null || op == null) {
            return null;
        }
        MetricQuery classified = MetricQuery.classify(query);
        if (classified.kind() == MetricQuery.Kind.INERT) {
            if (classified.builtIn() != null) {
                ctx.warn(
                        f.path("query"),
                        "'"
                                + query
                                + "' has no defined meaning ("
                                + classified.builtIn().derivation()
                                + "); the trigger loads but never fires");
            } else {
                ctx.warn(
                        f.path("query"),
                        "'"
                                + query
                                + "' is not a built-in name, so this trigger loads but never fires; for a Prometheus metric write PromQL, e.g. max by (namespace, pod) ("
                                + query
                                + ")");
            }
        }
        return new MetricTrigger(query, threshold, op, duration, classified);
    }

    private EventTrigger eventTrigger(Fields f) {
        if (f == null) {
            return null;
        }
        String reason = f.string("reason", true, "BackOff");
        String type = f.string("type", false, "Warning");
        Integer count = f.integer("count", false, 1, 1_000_000);
        Duration window = f.duration("window", false, false, "5m");
        literalMatchWarning(f.path("reason"), reason);
        literalMatchWarning(f.path("type"), type);
        if (reason == null) {
            return null;
        }
        return new EventTrigger(reason, type, count == null ? 1 : count, window);
    }

    private void literalMatchWarning(String path, String value) {
        if (value != null && REGEX_CHARS.matcher(value).matches()) {
            ctx.warn(
                    path,
                    "'"
                            + value
                            + "' is matched literally, not as a pattern (as in the original KubeSkippy); name the exact reason");
        }
    }

    private ConditionTrigger conditionTrigger(Fields f) {
        if (f == null) {
            return null;
        }
        String type = f.string("type", true, "Ready");
        String status = conditionStatus(f, "\"False\"");
        Duration duration = f.duration("duration", false, true, "2m");
        return type == null || status == null ? null : new ConditionTrigger(type, status, duration);
    }

    /** A condition status: True, False or Unknown (quoted, else YAML reads a boolean). */
    private String conditionStatus(Fields f, String example) {
        String status = f.string("status", true, example);
        if (status != null && !Set.of("True", "False", "Unknown").contains(status)) {
            ctx.error(
                    f.path("status"), "must be one of True, False, Unknown, got '" + status + "'");
            return null;
        }
        return status;
    }

    private TrendTrigger trendTrigger(Fields f) {
        if (f == null) {
            return null;
        }
        MetricSelector metric = metricSelector(f);
        Boolean counter = f.bool("counter");
        TrendTrigger.Pattern pattern =
                f.choice(
                        "pattern",
                        true,
                        wireNames(TrendTrigger.Pattern.class, TrendTrigger.Pattern::wireName));
        Duration window = f.duration("window", false, false, "30m");
        Duration step = f.duration("step", false, false, "30s");
        Double minSlope = quantityOrNumber(f, "minSlope", "1Mi");
        TrendTrigger.RelativeTo relativeTo =
                f.choice(
                        "relativeTo",
                        false,
                        wireNames(
                                TrendTrigger.RelativeTo.class, TrendTrigger.RelativeTo::wireName));
        Double minR2 = f.fraction("minR2", false);
        Duration horizon = f.duration("horizon", false, false, "30m");
        Integer minCycles = f.integer("minCycles", false, 1, 1000);
        Double minAmplitude = quantityOrNumber(f, "minAmplitude", "250m");
        PeriodRange period = periodRange(f.object("period", false, "min", "max"));
        Duration startupGrace = f.duration("startupGrace", false, true, "5m");

        TrendTrigger trend =
                new TrendTrigger(
                        metric,
                        counter != null && counter,
                        pattern,
                        window,
                        step,
                        minSlope,
                        relativeTo,
                        minR2 == null ? TrendTrigger.DEFAULT_MIN_R2 : minR2,
                        horizon,
                        minCycles == null ? TrendTrigger.DEFAULT_MIN_CYCLES : minCycles,
                        minAmplitude,
                        period,
                        startupGrace);
        // invariants, on the values with defaults applied
        if (f.has("window") || f.has("step")) {
            if (window != null && step != null && trend.window().compareTo(trend.step()) <= 0) {
                ctx.error(
                        f.path("window"),
                        "must be longer than step ("
                                + Durations.format(trend.step())
                                + "), e.g. "
                                + Durations.format(trend.step().multipliedBy(20)));
            }
        }
        if (pattern == TrendTrigger.Pattern.GROWTH) {
            if (!f.has("minSlope") && !f.has("relativeTo")) {
                ctx.error(
                        f.path("minSlope"),
                        "a growth trend needs minSlope (e.g. 1Mi, per second) or relativeTo: limit");
            }
            if (f.has("minCycles") || f.has("minAmplitude") || f.has("period")) {
                ctx.error(
                        f.path(
                                f.has("minCycles")
                                        ? "minCycles"
                                        : f.has("minAmplitude") ? "minAmplitude" : "period"),
                        "belongs to pattern oscillation, not growth");
            }
        } else if (pattern == TrendTrigger.Pattern.OSCILLATION) {
            if (f.has("minSlope") || f.has("relativeTo") || f.has("horizon")) {
                ctx.error(
                        f.path(
                                f.has("minSlope")
                                        ? "minSlope"
                                        : f.has("relativeTo") ? "relativeTo" : "horizon"),
                        "belongs to pattern growth, not oscillation");
            }
            if (period != null
                    && period.max() != null
                    && trend.window().compareTo(period.max()) < 0) {
                ctx.error(
                        f.path("window"),
                        "must be at least period.max ("
                                + Durations.format(period.max())
                                + ") to see one whole cycle");
            }
        }
        if (metric == null || pattern == null) {
            return null;
        }
        return trend;
    }

    private MetricSelector metricSelector(Fields f) {
        JsonNode raw = f.raw("metric");
        if (raw == null) {
            f.string("metric", true, "container_memory_working_set_bytes");
            return null;
        }
        if (raw.isTextual()) {
            String name = f.string("metric", true);
            return name == null ? null : new MetricSelector(name, Map.of());
        }
        Fields m = f.object("metric", true, "name", "labels");
        if (m == null) {
            return null;
        }
        String name = m.string("name", true, "container_memory_working_set_bytes");
        Map<String, String> labels = m.stringMap("labels");
        return name == null ? null : new MetricSelector(name, labels);
    }

    private Double quantityOrNumber(Fields f, String key, String example) {
        JsonNode raw = f.raw(key);
        if (raw == null) {
            return null;
        }
        if (raw.isNumber()) {
            Double v = f.number(key, false);
            if (v != null && v <= 0) {
                ctx.error(f.path(key), "must be > 0, got " + v);
                return null;
            }
            return v;
        }
        Quantity q = f.quantity(key, false, example);
        if (q != null && q.value().signum() <= 0) {
            ctx.error(f.path(key), "must be > 0, got " + q.text());
            return null;
        }
        return q == null ? null : q.value().doubleValue();
    }

    private PeriodRange periodRange(Fields f) {
        if (f == null) {
            return null;
        }
        Duration min = f.duration("min", false, false, "1m");
        Duration max = f.duration("max", false, false, "10m");
        if (min != null && max != null && min.compareTo(max) > 0) {
            ctx.error(f.path("min"), "must not exceed max (" + Durations.format(max) + ")");
        }
        return new PeriodRange(min, max);
    }

    private SequenceTrigger sequenceTrigger(Fields f) {
        if (f == null) {
            return null;
        }
        List<Step> steps = f.each("steps", true, 1, this::step);
        Duration within = f.duration("within", true, false, "10m");
        Step absent = f.has("absent") ? step(f.path("absent"), f.raw("absent")) : null;
        if (steps == null || within == null) {
            return null;
        }
        if (f.raw("steps").size() == 1 && !f.has("absent")) {
            ctx.error(
                    f.path("steps"),
                    "a sequence needs at least 2 steps, or 1 step and an absent step; for one event use an event trigger");
        }
        return new SequenceTrigger(steps, within, absent);
    }

    private Step step(String path, JsonNode item) {
        Fields f = Fields.open(ctx, path, item, "name", "event", "condition");
        if (f == null) {
            return null;
        }
        String name = f.string("name", false);
        if (f.has("event") == f.has("condition")) {
            ctx.error(path, "a step is exactly one of event or condition");
            return null;
        }
        if (f.has("event")) {
            Fields e = f.object("event", true, "reason", "type");
            if (e == null) {
                return null;
            }
            String reason = e.string("reason", true, "BackOff");
            String type = e.string("type", false);
            literalMatchWarning(e.path("reason"), reason);
            return reason == null ? null : new Step(name, new EventMatch(reason, type), null);
        }
        Fields c = f.object("condition", true, "type", "status");
        if (c == null) {
            return null;
        }
        String type = c.string("type", true, "Ready");
        String status = conditionStatus(c, "\"True\"");
        return type == null || status == null
                ? null
                : new Step(name, null, new ConditionMatch(type, status));
    }

    // ---------------------------------------------------------------- actions

    private PolicyAction action(String path, JsonNode item) {
        Fields f =
                Fields.open(
                        ctx,
                        path,
                        item,
                        "name",
                        "type",
                        "description",
                        "priority",
                        "requiresApproval",
                        "restartAction",
                        "scaleAction",
                        "patchAction",
                        "deleteAction");
        if (f == null) {
            return null;
        }
        String name = f.string("name", true, "restart-pod");
        ActionType type = f.choice("type", true, wireNames(ActionType.class, ActionType::wireName));
        String description = f.string("description", false);
        Integer priority = f.integer("priority", false, 0, 1000);
        Boolean requiresApproval = f.bool("requiresApproval");
        if (type == null) {
            return null;
        }
        Map<ActionType, String> fieldOf =
                Map.of(
                        ActionType.RESTART,
                        "restartAction",
                        ActionType.SCALE,
                        "scaleAction",
                        ActionType.PATCH,
                        "patchAction",
                        ActionType.DELETE,
                        "deleteAction");
        for (Map.Entry<ActionType, String> e : fieldOf.entrySet()) {
            if (e.getKey() != type && f.has(e.getValue())) {
                ctx.error(
                        f.path(e.getValue()),
                        "does not belong to an action of type " + type.wireName());
            }
        }
        RestartAction restart = null;
        ScaleAction scale = null;
        PatchAction patch = null;
        DeleteAction delete = null;
        switch (type) {
            case RESTART ->
                    restart =
                            restartAction(
                                    f.object(
                                            "restartAction",
                                            false,
                                            "strategy",
                                            "maxConcurrent",
                                            "gracePeriodSeconds"));
            case SCALE -> {
                scale =
                        scaleAction(
                                f.object(
                                        "scaleAction",
                                        true,
                                        "direction",
                                        "replicas",
                                        "minReplicas",
                                        "maxReplicas"));
                if (scale == null) {
                    return null;
                }
            }
            case PATCH -> {
                if (!f.has("patchAction")) {
                    ctx.error(
                            f.path("patchAction"),
                            "is required for an action of type patch: give patch, patches or resources");
                    return null;
                }
                patch =
                        patchAction(
                                f.object(
                                        "patchAction",
                                        true,
                                        "type",
                                        "patch",
                                        "patches",
                                        "resources"));
                if (patch == null) {
                    return null;
                }
            }
            case DELETE ->
                    delete =
                            deleteAction(
                                    f.object(
                                            "deleteAction",
                                            false,
                                            "gracePeriodSeconds",
                                            "force",
                                            "propagationPolicy"));
            case CUSTOM ->
                    ctx.warn(
                            f.path("type"),
                            "custom actions load, but the actuator never executes them");
        }
        if (name == null) {
            return null; // reported; the parameters were still checked
        }
        return new PolicyAction(
                name, type, description, priority, requiresApproval, restart, scale, patch, delete);
    }

    private RestartAction restartAction(Fields f) {
        if (f == null) {
            return null;
        }
        return new RestartAction(
                f.choice(
                        "strategy",
                        false,
                        Map.of(
                                "recreate",
                                RestartAction.Strategy.RECREATE,
                                "rolling",
                                RestartAction.Strategy.ROLLING,
                                "graceful",
                                RestartAction.Strategy.GRACEFUL)),
                f.integer("maxConcurrent", false, 1, 1000),
                f.integer("gracePeriodSeconds", false, 0, 86_400));
    }

    private ScaleAction scaleAction(Fields f) {
        if (f == null) {
            return null;
        }
        ScaleAction.Direction direction =
                f.choice(
                        "direction",
                        true,
                        Map.of(
                                "up",
                                ScaleAction.Direction.UP,
                                "down",
                                ScaleAction.Direction.DOWN,
                                "absolute",
                                ScaleAction.Direction.ABSOLUTE));
        Integer replicas = f.integer("replicas", false, 0, 10_000);
        Integer min = f.integer("minReplicas", false, 0, 10_000);
        Integer max = f.integer("maxReplicas", false, 0, 10_000);
        ScaleAction scale = new ScaleAction(direction, replicas, min, max);
        if (scale.minReplicas() > scale.maxReplicas()) {
            ctx.error(
                    f.path("minReplicas"),
                    "must not exceed maxReplicas ("
                            + scale.maxReplicas()
                            + "), got "
                            + scale.minReplicas());
        }
        if (direction == ScaleAction.Direction.ABSOLUTE && !f.has("replicas")) {
            // the record's default step of 1 would scale the workload to 1 replica
            ctx.error(
                    f.path("replicas"),
                    "is required for direction absolute: the number of replicas to scale to");
        }
        if (direction == ScaleAction.Direction.ABSOLUTE
                && replicas != null
                && (replicas < scale.minReplicas() || replicas > scale.maxReplicas())) {
            ctx.error(
                    f.path("replicas"),
                    "must be within minReplicas..maxReplicas ("
                            + scale.minReplicas()
                            + ".."
                            + scale.maxReplicas()
                            + "), got "
                            + replicas);
        }
        if (direction != ScaleAction.Direction.ABSOLUTE && replicas != null && replicas == 0) {
            ctx.error(
                    f.path("replicas"),
                    "must be >= 1 for direction "
                            + (direction == ScaleAction.Direction.UP ? "up" : "down")
                            + " (it is the step)");
        }
        return direction == null ? null : scale;
    }

    private PatchAction patchAction(Fields f) {
        if (f == null) {
            return null;
        }
        PatchAction.PatchType type =
                f.choice(
                        "type",
                        false,
                        Map.of(
                                "strategic",
                                PatchAction.PatchType.STRATEGIC,
                                "merge",
                                PatchAction.PatchType.MERGE,
                                "json",
                                PatchAction.PatchType.JSON));
        String patch = f.string("patch", false);
        List<FieldPatch> patches = f.each("patches", false, 0, this::fieldPatch);
        ResourcePatch resources =
                resourcePatch(f.object("resources", false, "container", "memory", "cpu"));
        // judged on what is written, so that an invalid patch is one error, not two;
        // "patches: []" is no patch at all
        JsonNode rawPatches = f.raw("patches");
        boolean givesPatches =
                rawPatches != null && !(rawPatches.isArray() && rawPatches.isEmpty());
        if (!f.has("patch") && !givesPatches && !f.has("resources")) {
            ctx.error(f.path(), "a patch action needs a patch: give patch, patches or resources");
            return null;
        }
        return new PatchAction(type, patch, patches, resources);
    }

    private FieldPatch fieldPatch(String path, JsonNode item) {
        Fields f = Fields.open(ctx, path, item, "path", "value");
        if (f == null) {
            return null;
        }
        List<String> keys = f.strings("path", true);
        String value = f.string("value", true);
        return keys == null || value == null ? null : new FieldPatch(keys, value);
    }

    private ResourcePatch resourcePatch(Fields f) {
        if (f == null) {
            return null;
        }
        String container = f.string("container", false);
        ResourceBound memory =
                resourceBound(f.object("memory", false, "min", "max", "factor"), "512Mi", "2Gi");
        ResourceBound cpu =
                resourceBound(f.object("cpu", false, "min", "max", "factor"), "250m", "2");
        if (memory == null && cpu == null && !f.has("memory") && !f.has("cpu")) {
            ctx.error(f.path(), "resources needs memory or cpu bounds");
            return null;
        }
        return new ResourcePatch(container, memory, cpu);
    }

    private ResourceBound resourceBound(Fields f, String minExample, String maxExample) {
        if (f == null) {
            return null;
        }
        Quantity min = f.quantity("min", false, minExample);
        Quantity max = f.quantity("max", true, maxExample);
        Double factor = f.number("factor", false);
        if (factor != null && (factor <= 1 || factor > 10)) {
            ctx.error(f.path("factor"), "must be > 1 and <= 10, got " + factor);
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            ctx.error(f.path("min"), "must not exceed max (" + max.text() + "), got " + min.text());
        }
        if (max != null && max.value().signum() == 0) {
            ctx.error(f.path("max"), "must be > 0");
        }
        return max == null
                ? null
                : new ResourceBound(min == null ? null : min.text(), max.text(), factor);
    }

    private DeleteAction deleteAction(Fields f) {
        if (f == null) {
            return null;
        }
        return new DeleteAction(
                f.integer("gracePeriodSeconds", false, 0, 86_400),
                f.bool("force"),
                f.choice(
                        "propagationPolicy",
                        false,
                        Map.of(
                                "Orphan",
                                DeleteAction.PropagationPolicy.ORPHAN,
                                "Background",
                                DeleteAction.PropagationPolicy.BACKGROUND,
                                "Foreground",
                                DeleteAction.PropagationPolicy.FOREGROUND)));
    }

    // ---------------------------------------------------------------- safety and ai

    private SafetyRules safetyRules(Fields f) {
        if (f == null) {
            return null;
        }
        Integer max = f.integer("maxActionsPerHour", false, 1, 10_000);
        List<ResourceSelector> protectedResources =
                f.each("protectedResources", false, 0, this::resource);
        Boolean healthCheck = f.bool("requireHealthCheck");
        Duration timeout = f.duration("healthCheckTimeout", false, false, "5m");
        return new SafetyRules(
                max == null ? SafetyRules.DEFAULT_MAX_ACTIONS_PER_HOUR : max,
                protectedResources,
                healthCheck != null && healthCheck,
                timeout);
    }

    private AiOptions ai(Fields f) {
        if (f == null) {
            return null;
        }
        Boolean enabled = f.bool("enabled");
        Double minConfidence = f.fraction("minConfidence", false);
        Boolean mayRank = f.bool("mayRank");
        AiOptions.LowConfidence low =
                f.choice(
                        "onLowConfidence",
                        false,
                        wireNames(
                                AiOptions.LowConfidence.class, AiOptions.LowConfidence::wireName));
        return new AiOptions(
                enabled == null || enabled,
                minConfidence == null ? AiOptions.DEFAULT_MIN_CONFIDENCE : minConfidence,
                mayRank != null && mayRank,
                low);
    }
}

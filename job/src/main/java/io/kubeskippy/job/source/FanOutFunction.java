package io.kubeskippy.job.source;

import io.kubeskippy.job.enrich.ContextFact;
import io.kubeskippy.job.enrich.ContextFacts;
import io.kubeskippy.job.feature.CounterRate;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicySpec;
import io.kubeskippy.model.policy.SequenceTrigger;
import io.kubeskippy.model.policy.Trigger;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins each pod's samples and events with its latest state and fans them out to the triggers of
 * every active policy version that selects the pod: one {@link TriggerInput} per target (the pod,
 * or its workload for {@code groupBy: workload}), naming the target's triggers it feeds. Pod
 * updates turn into condition changes, container starts (for the startup grace) and restart counts.
 * Keyed by {@code namespace/pod}; a deleted pod's state is cleared.
 *
 * <p>Where a pod's samples go (its targets and their triggers) depends only on the active policies
 * and the pod's name, labels and owner, so it is worked out once per pod and kept until a policy
 * update arrives or the pod changes; a sample then costs one lookup and a record per target.
 *
 * <p>With an LLM configured, the pod records and events of the targets of policies with {@code
 * ai.enabled} also go to {@link #CONTEXT_FACTS}, keyed by those targets: the fan-out is where the
 * job knows which targets those are, and the LLM's context needs no others.
 */
public class FanOutFunction
        extends KeyedBroadcastProcessFunction<String, PodInput, PolicyUpdate, TriggerInput> {

    private static final long serialVersionUID = 1L;

    /**
     * What the cluster says about the targets of policies with {@code ai.enabled} (their pods'
     * states, events about them), for the LLM's context; only when built with context facts.
     */
    public static final OutputTag<ContextFact> CONTEXT_FACTS =
            new OutputTag<>("context-facts", TypeInformation.of(ContextFact.class));

    private final ActivePolicies active;

    private final boolean contextFacts;

    /** How long a counter's last reading is kept without a new one (processing time). */
    static final Duration COUNTER_READING_TTL = Duration.ofHours(1);

    /** Pods whose routes are kept, per subtask; the least recently used go first. */
    static final int MAX_CACHED_PODS = 65_536;

    private transient ValueState<PodState> podState;

    /**
     * Per pod: the last reading of each counter series it feeds a trigger with ({@code
     * metric|container} → [timestamp, value bits]). Rates are taken here, per series, before a
     * workload's pods meet in one trend: a workload's counters are not one counter.
     */
    private transient MapState<String, long[]> counterReadings;

    private transient PolicyVersions versions;
    private transient Counter samplesWithoutPod;
    private transient Counter fannedOut;

    /** The active policies, parsed, in order; null until needed after a policy update. */
    private transient List<HealingPolicy> policies;

    /** Per pod: where its samples go under the active policies; dropped on a policy update. */
    private transient Map<String, PodRoutes> routes;

    /**
     * @param contextFacts whether to send {@link #CONTEXT_FACTS} (an LLM is configured)
     */
    public FanOutFunction(ActivePolicies active, boolean contextFacts) {
        this.active = active;
        this.contextFacts = contextFacts;
    }

    @Override
    public void open(OpenContext openContext) {
        podState =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "pod", TypeInformation.of(PodState.class)));
        MapStateDescriptor<String, long[]> readings =
                new MapStateDescriptor<>(
                        "counter-readings",
                        Types.STRING,
                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
        // a pod that stops sending samples without a deletion leaves no reading behind for long
        readings.enableTimeToLive(StateTtlConfig.newBuilder(COUNTER_READING_TTL).build());
        counterReadings = getRuntimeContext().getMapState(readings);
        versions = new PolicyVersions();
        routes =
                new LinkedHashMap<>(1024, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, PodRoutes> eldest) {
                        return size() > MAX_CACHED_PODS;
                    }
                };
        var metrics = io.kubeskippy.job.JobMetrics.group(getRuntimeContext());
        samplesWithoutPod = metrics.counter("samplesWithoutPodState");
        fannedOut = metrics.counter("triggerInputs");
    }

    @Override
    public void processElement(PodInput in, ReadOnlyContext ctx, Collector<TriggerInput> out)
            throws Exception {
        List<HealingPolicy> active = policies(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR));
        switch (in.kind) {
            case SAMPLE -> sample(in, active, ctx, out);
            case POD -> pod(in, active, ctx, out);
            case EVENT -> event(in, active, ctx, out);
        }
    }

    /** The active policies in order (starting ones first, then by arrival); cached. */
    private List<HealingPolicy> policies(ReadOnlyBroadcastState<String, PolicyUpdate> state)
            throws Exception {
        if (policies == null) {
            List<HealingPolicy> parsed = new ArrayList<>();
            for (PolicyUpdate update : active.all(state).values()) {
                HealingPolicy policy = versions.policy(update);
                if (policy != null) {
                    parsed.add(policy);
                }
            }
            policies = parsed;
        }
        return policies;
    }

    private void sample(
            PodInput in,
            List<HealingPolicy> active,
            ReadOnlyContext ctx,
            Collector<TriggerInput> out)
            throws Exception {
        PodState pod = podState.value();
        if (pod == null) {
            samplesWithoutPod.inc();
        }
        String namespace = in.labels.getOrDefault("namespace", namespaceOf(in.key));
        String podName = in.labels.getOrDefault("pod", nameOf(in.key));
        PodRoutes r = routes.get(in.key);
        if (r == null || !r.validFor(namespace, podName, pod)) {
            boolean firstSinceUpdateOrRestore = r == null;
            r = PodRoutes.of(active, namespace, podName, pod);
            routes.put(in.key, r);
            if (firstSinceUpdateOrRestore && pod != null) {
                // a target of a newly active policy learns of the pod now, not at its next update
                // (if ever); a pod's own update has told its targets already (pod())
                for (String target : aiTargets(active, pod)) {
                    ctx.output(CONTEXT_FACTS, ContextFacts.pod(target, pod, in.timestampMs));
                }
            }
        }
        List<TargetRoutes> targets = r.byMetric.get(in.metric);
        if (targets == null) {
            return;
        }
        ContainerState container = pod == null ? null : pod.container(in.labels.get("container"));
        double value = in.value;
        if (r.counterMetrics.contains(in.metric)) {
            value = rate(in);
            if (Double.isNaN(value)) {
                return; // the first reading of a series, or one out of order
            }
        }
        for (TargetRoutes target : targets) {
            String refs = target.refsAccepting(in.metric, in.labels);
            if (refs == null) {
                continue;
            }
            TriggerInput t = new TriggerInput();
            t.key = target.target;
            t.refs = refs;
            t.kind = TriggerInput.Kind.VALUE;
            t.timestampMs = in.timestampMs;
            t.value = value;
            if (container != null) {
                t.memoryLimit = container.memoryLimitBytes;
                t.cpuLimit = container.cpuLimitCores;
            }
            emit(t, out);
        }
    }

    /** The per-second rate of a counter sample since the series' previous reading; NaN if none. */
    private double rate(PodInput in) throws Exception {
        String series = in.metric + '|' + in.labels.getOrDefault("container", "");
        long[] previous = counterReadings.get(series);
        if (previous != null && in.timestampMs <= previous[0]) {
            return Double.NaN; // late or repeated: the newer reading stays
        }
        counterReadings.put(series, new long[] {in.timestampMs, Double.doubleToLongBits(in.value)});
        return previous == null
                ? Double.NaN
                : CounterRate.between(
                        previous[0],
                        Double.longBitsToDouble(previous[1]),
                        in.timestampMs,
                        in.value);
    }

    /** Where one trigger's samples go: its ref and its binding. */
    private record Route(String ref, MetricBinding binding) {}

    /** The triggers of one target a sample name feeds, and their refs joined once. */
    private static final class TargetRoutes {
        final String target;
        final List<Route> routes = new ArrayList<>(4);
        private String joined;
        private boolean labelMatchers;

        TargetRoutes(String target) {
            this.target = target;
        }

        void add(Route route) {
            routes.add(route);
            labelMatchers |= !route.binding.labels().isEmpty();
            joined = null;
        }

        /** The refs of the triggers that accept this sample, joined; null if none does. */
        String refsAccepting(String metric, Map<String, String> labels) {
            if (joined == null) {
                joined = TriggerRefs.join(routes.stream().map(Route::ref).toList());
            }
            if (!labelMatchers) {
                return joined; // every trigger here takes every sample of the name
            }
            List<String> accepting = new ArrayList<>(routes.size());
            for (Route route : routes) {
                if (route.binding.accepts(metric, labels)) {
                    accepting.add(route.ref);
                }
            }
            return accepting.isEmpty()
                    ? null
                    : accepting.size() == routes.size() ? joined : TriggerRefs.join(accepting);
        }
    }

    /**
     * The routes of one pod's samples under the active policies: by sample name, the targets in the
     * order their first trigger appears (policy order, then trigger order), each with its triggers.
     * Valid while the pod's name, labels and owner stay what they were built from.
     */
    private static final class PodRoutes {
        private final String namespace;
        private final String podName;
        private PodState pod;
        private final Map<String, List<TargetRoutes>> byMetric = new HashMap<>();

        /** Sample names that a trigger of this pod reads as a counter. */
        private final Set<String> counterMetrics = new HashSet<>();

        private PodRoutes(String namespace, String podName, PodState pod) {
            this.namespace = namespace;
            this.podName = podName;
            this.pod = pod;
        }

        static PodRoutes of(
                List<HealingPolicy> policies, String namespace, String podName, PodState pod) {
            PodRoutes r = new PodRoutes(namespace, podName, pod);
            for (HealingPolicy policy : policies) {
                String target = Targets.targetOf(policy, namespace, podName, pod);
                if (target == null) {
                    continue;
                }
                List<Trigger> triggers = policy.spec().triggers();
                for (int index = 0; index < triggers.size(); index++) {
                    MetricBinding binding = MetricBinding.of(policy.name(), triggers.get(index));
                    if (binding == null || binding.source() != MetricBinding.Source.SAMPLES) {
                        continue;
                    }
                    if (binding.counter()) {
                        r.counterMetrics.add(binding.sampleName());
                    }
                    List<TargetRoutes> targets =
                            r.byMetric.computeIfAbsent(
                                    binding.sampleName(), m -> new ArrayList<>());
                    TargetRoutes forTarget = null;
                    for (TargetRoutes t : targets) {
                        if (t.target.equals(target)) {
                            forTarget = t;
                        }
                    }
                    if (forTarget == null) {
                        forTarget = new TargetRoutes(target);
                        targets.add(forTarget);
                    }
                    forTarget.add(
                            new Route(
                                    TriggerRefs.of(policy.name(), policy.version(), index),
                                    binding));
                }
            }
            return r;
        }

        /** Whether a sample of this pod would be routed the same way now. */
        boolean validFor(String namespace, String podName, PodState current) {
            if (!this.namespace.equals(namespace) || !this.podName.equals(podName)) {
                return false;
            }
            if (current == pod) {
                return true;
            }
            boolean same =
                    current != null
                            && pod != null
                            && Objects.equals(current.labels, pod.labels)
                            && Objects.equals(current.workloadKind, pod.workloadKind)
                            && Objects.equals(current.workloadName, pod.workloadName);
            if (same) {
                pod = current;
            }
            return same;
        }
    }

    private void pod(
            PodInput in,
            List<HealingPolicy> policies,
            ReadOnlyContext ctx,
            Collector<TriggerInput> out)
            throws Exception {
        PodState previous = podState.value();
        PodState current = in.pod;
        if (current.deleted) {
            podState.clear();
            counterReadings.clear();
            routes.remove(in.key);
        } else {
            podState.update(current);
        }
        for (HealingPolicy policy : policies) {
            String target = Targets.targetOf(policy, current.namespace, current.name, current);
            if (target == null) {
                continue;
            }
            List<Trigger> triggers = policy.spec().triggers();
            for (int index = 0; index < triggers.size(); index++) {
                Trigger trigger = triggers.get(index);
                conditions(policy, target, index, trigger, previous, current, out);
                MetricBinding binding = MetricBinding.of(policy.name(), trigger);
                if (binding == null) {
                    continue;
                }
                if (binding.source() == MetricBinding.Source.RESTARTS) {
                    TriggerInput t =
                            input(
                                    policy,
                                    target,
                                    index,
                                    TriggerInput.Kind.VALUE,
                                    current.observedAtMs);
                    t.value = current.totalRestarts();
                    emit(t, out);
                }
                for (ContainerState c : current.containers) {
                    ContainerState before = previous == null ? null : previous.container(c.name);
                    if (c.startedAtMs > 0
                            && (before == null || c.startedAtMs > before.startedAtMs)) {
                        TriggerInput t =
                                input(
                                        policy,
                                        target,
                                        index,
                                        TriggerInput.Kind.START,
                                        c.startedAtMs);
                        t.value = c.startedAtMs;
                        t.resetOnStart = policy.spec().groupBy() == PolicySpec.GroupBy.POD;
                        emit(t, out);
                    }
                }
            }
        }
        List<String> aiTargets = aiTargets(policies, current);
        for (String target : aiTargets) {
            ctx.output(CONTEXT_FACTS, ContextFacts.pod(target, current, in.timestampMs));
        }
        if (previous != null && !current.deleted) {
            // new labels or a new owner: a target that no longer has the pod forgets it
            for (String target : aiTargets(policies, previous)) {
                if (!aiTargets.contains(target)) {
                    ctx.output(
                            CONTEXT_FACTS,
                            ContextFacts.podGone(target, current.name, in.timestampMs));
                }
            }
        }
    }

    /** The targets of policies with {@code ai.enabled} that have the pod; none without facts. */
    private List<String> aiTargets(List<HealingPolicy> policies, PodState pod) {
        List<String> targets = null;
        if (contextFacts) {
            for (HealingPolicy policy : policies) {
                String target = Targets.targetOf(policy, pod.namespace, pod.name, pod);
                if (target != null) {
                    targets = withAiTarget(targets, policy, target);
                }
            }
        }
        return targets == null ? List.of() : targets;
    }

    /**
     * {@code targets} with {@code target} added when the LLM may enrich the policy's findings and
     * context facts are wanted; a pod or event usually has one such target, often none.
     */
    private List<String> withAiTarget(List<String> targets, HealingPolicy policy, String target) {
        if (!contextFacts || !policy.spec().ai().enabled()) {
            return targets;
        }
        if (targets == null) {
            targets = new ArrayList<>(2);
        }
        if (!targets.contains(target)) {
            targets.add(target);
        }
        return targets;
    }

    /** A condition that changed status feeds condition triggers and condition steps. */
    private void conditions(
            HealingPolicy policy,
            String target,
            int index,
            Trigger trigger,
            PodState previous,
            PodState current,
            Collector<TriggerInput> out) {
        List<String> types = new ArrayList<>();
        if (trigger.type() == Trigger.Type.CONDITION) {
            types.add(trigger.conditionTrigger().type());
        } else if (trigger.type() == Trigger.Type.SEQUENCE) {
            SequenceTrigger s = trigger.sequenceTrigger();
            s.steps().stream()
                    .filter(st -> st.condition() != null)
                    .forEach(st -> types.add(st.condition().type()));
            if (s.absent() != null && s.absent().condition() != null) {
                types.add(s.absent().condition().type());
            }
        }
        for (String type : types.stream().distinct().toList()) {
            String now = current.conditions.get(type);
            String before = previous == null ? null : previous.conditions.get(type);
            if (now == null || now.equals(before)) {
                continue;
            }
            long since = current.conditionSinceMs.getOrDefault(type, 0L);
            TriggerInput t =
                    input(
                            policy,
                            target,
                            index,
                            TriggerInput.Kind.CONDITION,
                            since > 0 ? since : current.observedAtMs);
            t.type = type;
            t.status = now;
            emit(t, out);
        }
    }

    private void event(
            PodInput in,
            List<HealingPolicy> policies,
            ReadOnlyContext ctx,
            Collector<TriggerInput> out)
            throws Exception {
        PodState pod = "Pod".equals(in.involvedKind) ? podState.value() : null;
        List<String> aiTargets = null;
        for (HealingPolicy policy : policies) {
            String target =
                    "Pod".equals(in.involvedKind)
                            ? Targets.targetOf(policy, in.namespace, in.involvedName, pod)
                            : Targets.targetOfObject(
                                    policy, in.namespace, in.involvedKind, in.involvedName);
            if (target == null) {
                if (!"Pod".equals(in.involvedKind) && aboutItsWorkloads(policy, in.namespace)) {
                    // a Deployment's own events (FailedCreate, ProgressDeadlineExceeded) are
                    // context for its target, though no trigger of the policy reads them
                    aiTargets =
                            withAiTarget(
                                    aiTargets,
                                    policy,
                                    ResourceRef.id(in.involvedKind, in.namespace, in.involvedName));
                }
                continue;
            }
            aiTargets = withAiTarget(aiTargets, policy, target);
            List<Trigger> triggers = policy.spec().triggers();
            for (int index = 0; index < triggers.size(); index++) {
                if (!wantsEvent(triggers.get(index), in.reason)) {
                    continue;
                }
                TriggerInput t =
                        input(policy, target, index, TriggerInput.Kind.EVENT, in.timestampMs);
                t.reason = in.reason;
                t.type = in.type;
                emit(t, out);
            }
        }
        if (aiTargets != null) {
            for (String target : aiTargets) {
                ctx.output(
                        CONTEXT_FACTS,
                        ContextFacts.event(
                                target, in.involvedName, in.type, in.reason, in.timestampMs));
            }
        }
    }

    /** Whether the policy's targets in the namespace are workloads ({@code groupBy: workload}). */
    private static boolean aboutItsWorkloads(HealingPolicy policy, String namespace) {
        return policy.spec().groupBy() == PolicySpec.GroupBy.WORKLOAD
                && policy.spec().selector().selectsNamespace(namespace);
    }

    private static boolean wantsEvent(Trigger trigger, String reason) {
        if (trigger.type() == Trigger.Type.EVENT) {
            return trigger.eventTrigger().reason().equals(reason);
        }
        if (trigger.type() == Trigger.Type.SEQUENCE) {
            SequenceTrigger s = trigger.sequenceTrigger();
            boolean inSteps =
                    s.steps().stream()
                            .anyMatch(
                                    st -> st.event() != null && st.event().reason().equals(reason));
            boolean absent =
                    s.absent() != null
                            && s.absent().event() != null
                            && s.absent().event().reason().equals(reason);
            return inSteps || absent;
        }
        return false;
    }

    /** An input for one trigger (the {@code index}-th of the policy) of a target. */
    private static TriggerInput input(
            HealingPolicy policy,
            String target,
            int index,
            TriggerInput.Kind kind,
            long timestampMs) {
        TriggerInput t = new TriggerInput();
        t.key = target;
        t.refs = TriggerRefs.of(policy.name(), policy.version(), index);
        t.kind = kind;
        t.timestampMs = timestampMs;
        return t;
    }

    private void emit(TriggerInput t, Collector<TriggerInput> out) {
        fannedOut.inc();
        out.collect(t);
    }

    @Override
    public void processBroadcastElement(
            PolicyUpdate update, Context ctx, Collector<TriggerInput> out) throws Exception {
        active.apply(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), update);
        policies = null;
        routes.clear();
    }

    private static String namespaceOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    private static String nameOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }
}

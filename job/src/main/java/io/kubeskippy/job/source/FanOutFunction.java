package io.kubeskippy.job.source;

import io.kubeskippy.job.pattern.PatternKey;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicySpec;
import io.kubeskippy.model.policy.SequenceTrigger;
import io.kubeskippy.model.policy.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each pod's samples and events with its latest state and fans them out to the triggers of
 * every active policy version that selects the pod, keyed by {@link PatternKey}. Pod updates turn
 * into condition changes, container starts (for the startup grace) and restart counts. Keyed by
 * {@code namespace/pod}; a deleted pod's state is cleared.
 */
public class FanOutFunction
        extends KeyedBroadcastProcessFunction<String, PodInput, PolicyUpdate, TriggerInput> {

    private static final long serialVersionUID = 1L;

    private final ActivePolicies active;

    private transient ValueState<PodState> podState;
    private transient PolicyVersions versions;
    private transient Counter samplesWithoutPod;
    private transient Counter fannedOut;

    public FanOutFunction(ActivePolicies active) {
        this.active = active;
    }

    @Override
    public void open(OpenContext openContext) {
        podState =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "pod", TypeInformation.of(PodState.class)));
        versions = new PolicyVersions();
        var metrics = io.kubeskippy.job.JobMetrics.group(getRuntimeContext());
        samplesWithoutPod = metrics.counter("samplesWithoutPodState");
        fannedOut = metrics.counter("triggerInputs");
    }

    @Override
    public void processElement(PodInput in, ReadOnlyContext ctx, Collector<TriggerInput> out)
            throws Exception {
        Map<String, PolicyUpdate> policies =
                active.all(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR));
        switch (in.kind) {
            case SAMPLE -> sample(in, policies, out);
            case POD -> pod(in, policies, out);
            case EVENT -> event(in, policies, out);
        }
    }

    private void sample(
            PodInput in, Map<String, PolicyUpdate> policies, Collector<TriggerInput> out)
            throws Exception {
        PodState pod = podState.value();
        if (pod == null) {
            samplesWithoutPod.inc();
        }
        String namespace = in.labels.getOrDefault("namespace", namespaceOf(in.key));
        String podName = in.labels.getOrDefault("pod", nameOf(in.key));
        for (Map.Entry<String, PolicyUpdate> entry : policies.entrySet()) {
            HealingPolicy policy = versions.policy(entry.getValue());
            if (policy == null) {
                continue;
            }
            String target = Targets.targetOf(policy, namespace, podName, pod);
            if (target == null) {
                continue;
            }
            for (Trigger trigger : policy.spec().triggers()) {
                MetricBinding binding = MetricBinding.of(policy.name(), trigger);
                if (binding == null || !binding.accepts(in.metric, in.labels)) {
                    continue;
                }
                TriggerInput t =
                        input(policy, target, trigger, TriggerInput.Kind.VALUE, in.timestampMs);
                t.value = in.value;
                t.pod = in.key;
                t.limit =
                        binding.limitOf(
                                pod == null ? null : pod.container(in.labels.get("container")));
                emit(t, out);
            }
        }
    }

    private void pod(PodInput in, Map<String, PolicyUpdate> policies, Collector<TriggerInput> out)
            throws Exception {
        PodState previous = podState.value();
        PodState current = in.pod;
        if (current.deleted) {
            podState.clear();
        } else {
            podState.update(current);
        }
        for (Map.Entry<String, PolicyUpdate> entry : policies.entrySet()) {
            HealingPolicy policy = versions.policy(entry.getValue());
            if (policy == null) {
                continue;
            }
            String target = Targets.targetOf(policy, current.namespace, current.name, current);
            if (target == null) {
                continue;
            }
            for (Trigger trigger : policy.spec().triggers()) {
                conditions(policy, target, trigger, previous, current, out);
                MetricBinding binding = MetricBinding.of(policy.name(), trigger);
                if (binding == null) {
                    continue;
                }
                if (binding.source() == MetricBinding.Source.RESTARTS) {
                    TriggerInput t =
                            input(
                                    policy,
                                    target,
                                    trigger,
                                    TriggerInput.Kind.VALUE,
                                    current.observedAtMs);
                    t.value = current.totalRestarts();
                    t.pod = current.key();
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
                                        trigger,
                                        TriggerInput.Kind.START,
                                        c.startedAtMs);
                        t.value = c.startedAtMs;
                        t.pod = current.key();
                        t.resetOnStart = policy.spec().groupBy() == PolicySpec.GroupBy.POD;
                        emit(t, out);
                    }
                }
            }
        }
    }

    /** A condition that changed status feeds condition triggers and condition steps. */
    private void conditions(
            HealingPolicy policy,
            String target,
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
                            trigger,
                            TriggerInput.Kind.CONDITION,
                            since > 0 ? since : current.observedAtMs);
            t.type = type;
            t.status = now;
            t.pod = current.key();
            emit(t, out);
        }
    }

    private void event(PodInput in, Map<String, PolicyUpdate> policies, Collector<TriggerInput> out)
            throws Exception {
        PodState pod = "Pod".equals(in.involvedKind) ? podState.value() : null;
        for (Map.Entry<String, PolicyUpdate> entry : policies.entrySet()) {
            HealingPolicy policy = versions.policy(entry.getValue());
            if (policy == null) {
                continue;
            }
            String target =
                    "Pod".equals(in.involvedKind)
                            ? Targets.targetOf(policy, in.namespace, in.involvedName, pod)
                            : Targets.targetOfObject(
                                    policy, in.namespace, in.involvedKind, in.involvedName);
            if (target == null) {
                continue;
            }
            for (Trigger trigger : policy.spec().triggers()) {
                if (!wantsEvent(trigger, in.reason)) {
                    continue;
                }
                TriggerInput t =
                        input(policy, target, trigger, TriggerInput.Kind.EVENT, in.timestampMs);
                t.reason = in.reason;
                t.type = in.type;
                t.pod = in.key;
                emit(t, out);
            }
        }
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

    private static TriggerInput input(
            HealingPolicy policy,
            String target,
            Trigger trigger,
            TriggerInput.Kind kind,
            long timestampMs) {
        TriggerInput t = new TriggerInput();
        t.key = new PatternKey(policy.name(), policy.version(), target, trigger.name()).format();
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

package io.kubeskippy.job.feature;

import io.kubeskippy.job.pattern.PatternKey;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.pattern.Signal;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.job.source.MetricBinding;
import io.kubeskippy.job.source.TriggerInput;
import io.kubeskippy.job.source.TriggerRefs;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.TrendTrigger;
import io.kubeskippy.model.policy.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each trigger's inputs into the signals its pattern runs over, one feature point per step
 * rather than per sample: for a trend, the growth or oscillation decision over the sliding window
 * (with its evidence); for a metric trigger, whether the derived value crosses the threshold;
 * events and condition changes pass through. Signals are keyed by {@link PatternKey} for the
 * pattern stage.
 *
 * <p>Keyed by target: one input carries a sample to every trigger of the target it feeds ({@link
 * TriggerInput#refs}), and all of a target's feature state is one {@link TargetState}, so a sample
 * costs one record and one state lookup however many policies watch the target. Each trigger keeps
 * its own state within it, cleared when that trigger has had no input for {@code idleTtl} (one idle
 * timer per target); a trigger's open step bucket is flushed when the watermark reaches a flush
 * time one of its samples asked for (the bucket's end plus the lateness), as if each trigger had
 * its own timers.
 *
 * <p>Trend and threshold patterns are runs of satisfied points ({@code PatternCompiler}), so only
 * the points that can change a run are sent on: every satisfied point, and the first unsatisfied
 * point after a satisfied one (it breaks the run). An unsatisfied point after an unsatisfied one
 * leaves the pattern where it was, and is counted but not sent; nor is the evidence of unsatisfied
 * points, which no match reports. Growth windows are first screened cheaply ({@link
 * GrowthCriteria#mayFire}); the full analysis runs only when it may fire.
 *
 * <p>Triggers are resolved from a cache of the active policy versions, dropped when a policy update
 * arrives; inputs for a version that is no longer active are ignored. When a version is removed or
 * replaced, its triggers' state is dropped from every target at once (one pass over the keys, only
 * then), not left to idle out.
 */
public class TriggerFunction
        extends KeyedBroadcastProcessFunction<String, TriggerInput, PolicyUpdate, Signal> {

    private static final long serialVersionUID = 1L;

    /** All feature state of a target. */
    static final ValueStateDescriptor<TargetState> STATE =
            new ValueStateDescriptor<>("target", TargetStateSerializer.INSTANCE);

    private final Duration metricStep;
    private final Duration lateness;
    private final Duration idleTtl;
    private final ActivePolicies active;

    private transient ValueState<TargetState> state;
    private transient PolicyVersions versions;
    private transient Map<String, Resolved[]> resolved;
    private transient Counter featurePoints;
    private transient Counter unchangedPoints;

    /** A trigger of an active policy version, with what evaluating it needs. */
    private record Resolved(
            String ref,
            String policy,
            String version,
            Trigger trigger,
            MetricBinding binding,
            GrowthCriteria growth,
            OscillationCriteria oscillation) {

        String patternKey(String target) {
            return new PatternKey(policy, version, target, trigger.name()).format();
        }
    }

    /**
     * @param metricStep the step of metric (threshold) triggers
     * @param lateness how late a sample may be behind the newest of its key
     * @param idleTtl a trigger of a target with no input for this long is cleared
     */
    public TriggerFunction(
            Duration metricStep, Duration lateness, Duration idleTtl, ActivePolicies active) {
        this.metricStep = metricStep;
        this.lateness = lateness;
        this.idleTtl = idleTtl;
        this.active = active;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
        versions = new PolicyVersions();
        resolved = new HashMap<>();
        var metrics = io.kubeskippy.job.JobMetrics.group(getRuntimeContext());
        featurePoints = metrics.counter("featurePoints");
        unchangedPoints = metrics.counter("featurePointsNotSent");
    }

    @Override
    public void processElement(TriggerInput in, ReadOnlyContext ctx, Collector<Signal> out)
            throws Exception {
        Resolved[] triggers = resolve(in.refs, ctx.getBroadcastState(ActivePolicies.DESCRIPTOR));
        TargetState target = null;
        for (Resolved r : triggers) {
            if (r == null) {
                continue; // a version that is no longer active: its state was dropped with it
            }
            if (target == null) {
                target = state.value();
                if (target == null) {
                    target = new TargetState();
                }
            }
            TriggerState st = target.triggers.computeIfAbsent(r.ref(), ref -> new TriggerState());
            touch(target, st, in.timestampMs, ctx);
            switch (in.kind) {
                case EVENT ->
                        out.collect(
                                Signal.event(
                                        r.patternKey(in.key), in.timestampMs, in.reason, in.type));
                case CONDITION ->
                        out.collect(
                                Signal.condition(
                                        r.patternKey(in.key), in.timestampMs, in.type, in.status));
                case START -> {
                    // a start may come before the first sample: its grace must still count
                    if (st.trend == null && r.binding() != null) {
                        st.trend = newState(r.trigger(), r.binding());
                    }
                    if (st.trend != null) {
                        st.trend.onContainerStart((long) in.value, in.resetOnStart);
                    }
                }
                case VALUE -> value(in.key, target, r, st, in, ctx, out);
            }
        }
        if (target != null) {
            state.update(target);
        }
    }

    private void value(
            String key,
            TargetState target,
            Resolved r,
            TriggerState st,
            TriggerInput in,
            ReadOnlyContext ctx,
            Collector<Signal> out) {
        MetricBinding binding = r.binding();
        if (binding == null) {
            return;
        }
        if (st.trend == null) {
            st.trend = newState(r.trigger(), binding);
        }
        double limit =
                switch (binding.limit()) {
                    case MEMORY -> in.memoryLimit;
                    case CPU -> in.cpuLimit;
                    case NONE -> 0;
                };
        if (limit > 0) {
            st.limit = limit;
        }
        int points = st.trend.add(in.timestampMs, in.value);
        if (points > 0) {
            evaluate(key, r, st, out);
        }
        // flush the open bucket when samples stop; one timer per target at the earliest flush
        StepAggregator aggregator = st.trend.aggregator();
        long flushAt =
                aggregator.bucketStart(in.timestampMs) + aggregator.stepMs() + lateness.toMillis();
        if (st.addFlush(flushAt) && (!target.flushTimerSet() || flushAt < target.flushTimer)) {
            target.flushTimer = flushAt;
            ctx.timerService().registerEventTimeTimer(flushAt);
        }
    }

    private TrendState newState(Trigger trigger, MetricBinding binding) {
        TrendState.PointValue pointValue =
                binding.limit() == MetricBinding.Limit.MEMORY
                        ? TrendState.PointValue.MAX
                        : TrendState.PointValue.MEAN;
        // Counters arrive as per-series rates (FanOutFunction takes them per pod and container),
        // so a trend sees gauges here: a workload's pods' counters are not one counter.
        if (trigger.type() == Trigger.Type.TREND) {
            TrendTrigger tt = trigger.trendTrigger();
            return new TrendState(
                    tt.window().toMillis(),
                    tt.step().toMillis(),
                    lateness.toMillis(),
                    false,
                    pointValue,
                    tt.startupGrace().toMillis());
        }
        long step = metricStep.toMillis();
        long window =
                binding.window() == null
                        ? 2 * step
                        : Math.max(2 * step, binding.window().toMillis());
        return new TrendState(window, step, lateness.toMillis(), false, pointValue, 0);
    }

    private void evaluate(String target, Resolved r, TriggerState st, Collector<Signal> out) {
        SeriesWindow window = st.trend.window();
        if (window.isEmpty()) {
            return;
        }
        long at = window.newestTimestamp();
        double limitValue = st.limit;
        featurePoints.inc();
        Trigger trigger = r.trigger();
        if (trigger.type() == Trigger.Type.TREND) {
            boolean fires;
            Map<String, Object> evidence = null;
            if (r.growth() != null) {
                // most windows are plainly not growing: the full analysis only when it may fire
                if (r.growth().mayFire(window, limitValue)) {
                    GrowthAnalysis a = GrowthAnalysis.of(window, limitValue);
                    fires = r.growth().decide(a).fires();
                    if (fires) {
                        evidence = a.evidence();
                    }
                } else {
                    fires = false;
                }
            } else {
                OscillationAnalysis a = OscillationAnalysis.of(window);
                fires = r.oscillation().decide(a).fires();
                if (fires) {
                    evidence = a.evidence();
                }
            }
            if (sends(st, fires)) {
                out.collect(
                        fires
                                ? Signal.feature(
                                        r.patternKey(target),
                                        at,
                                        numbers(evidence),
                                        Downsample.of(window))
                                : Signal.feature(r.patternKey(target), at, false, Map.of()));
            }
            return;
        }
        double value =
                switch (r.binding().transform()) {
                    case RAW -> window.valueAt(window.size() - 1);
                    case PERCENT_OF_LIMIT ->
                            limitValue > 0
                                    ? window.valueAt(window.size() - 1) / limitValue * 100
                                    : Double.NaN;
                    case SLOPE -> GrowthAnalysis.slopeOf(window);
                    case AMPLITUDE -> OscillationAnalysis.of(window).amplitude();
                };
        if (!Double.isFinite(value)) {
            return;
        }
        Trigger.MetricTrigger m = trigger.metricTrigger();
        boolean crossed = m.operator().test(value, m.threshold());
        if (sends(st, crossed)) {
            out.collect(Signal.threshold(r.patternKey(target), at, crossed, value));
        }
    }

    /** Whether a point goes to the pattern stage: it does unless it repeats an unsatisfied one. */
    private boolean sends(TriggerState st, boolean satisfied) {
        if (!satisfied && !st.lastSatisfied) {
            unchangedPoints.inc();
            return false;
        }
        st.lastSatisfied = satisfied;
        return true;
    }

    /** Evidence as numbers: times become epoch milliseconds, booleans 0 or 1. */
    static Map<String, Double> numbers(Map<String, Object> evidence) {
        Map<String, Double> out = new HashMap<>();
        evidence.forEach(
                (k, v) -> {
                    if (v instanceof Number n) {
                        out.put(k, n.doubleValue());
                    } else if (v instanceof Boolean b) {
                        out.put(k, b ? 1.0 : 0.0);
                    } else if (v instanceof String s && s.endsWith("Z")) {
                        try {
                            out.put(k, (double) Instant.parse(s).toEpochMilli());
                        } catch (RuntimeException e) {
                            // not a time: not a number either
                        }
                    }
                });
        return out;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Signal> out)
            throws Exception {
        TargetState target = state.value();
        if (target == null) {
            return;
        }
        long ttl = idleTtl.toMillis();
        long watermark = ctx.timerService().currentWatermark();
        ReadOnlyBroadcastState<String, PolicyUpdate> policies =
                ctx.getBroadcastState(ActivePolicies.DESCRIPTOR);
        if (target.flushTimerSet() && target.flushTimer <= timestamp) {
            target.clearFlushTimer(); // it is this one, or fired before it in this advance
        }
        long nextIdle = Long.MAX_VALUE;
        long nextFlush = Long.MAX_VALUE;
        Iterator<Map.Entry<String, TriggerState>> it = target.triggers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, TriggerState> e = it.next();
            TriggerState st = e.getValue();
            if (st.lastSeen + ttl <= timestamp) {
                it.remove(); // no input for idleTtl
                continue;
            }
            nextIdle = Math.min(nextIdle, st.lastSeen + ttl);
            boolean due = st.takeFlushesUpTo(watermark);
            nextFlush = Math.min(nextFlush, st.nextFlush());
            if (st.trend == null || !due) {
                continue;
            }
            Resolved r = resolve(e.getKey(), policies)[0];
            if (r == null || r.binding() == null) {
                continue; // no longer active (its state is dropped when the update arrives)
            }
            if (st.trend.advanceTo(watermark) > 0) {
                evaluate(ctx.getCurrentKey(), r, st, out);
            }
        }
        if (target.triggers.isEmpty()) {
            state.clear();
            return;
        }
        if (target.idleTimer <= timestamp) {
            // the idle timer fired: wait for the next trigger's deadline
            target.idleTimer = nextIdle;
            ctx.timerService().registerEventTimeTimer(nextIdle);
        }
        if (nextFlush != Long.MAX_VALUE
                && (!target.flushTimerSet() || nextFlush < target.flushTimer)) {
            target.flushTimer = nextFlush;
            ctx.timerService().registerEventTimeTimer(nextFlush);
        }
        state.update(target);
    }

    /**
     * Records input at {@code ts} for a trigger. One idle timer per target, not one per input: it
     * is set at the first input and, when it fires, moved to the next trigger's deadline (see
     * onTimer), so each trigger is still cleared {@code idleTtl} after its last input.
     */
    private void touch(TargetState target, TriggerState st, long ts, ReadOnlyContext ctx) {
        if (!st.seen() || ts > st.lastSeen) {
            st.lastSeen = ts;
        }
        if (!target.idleTimerSet()) {
            target.idleTimer = st.lastSeen + idleTtl.toMillis();
            ctx.timerService().registerEventTimeTimer(target.idleTimer);
        }
    }

    /**
     * The triggers of joined refs, in order; null for a ref whose policy version is not active.
     * Cached per refs string; the cache is dropped whenever a policy update arrives.
     */
    private Resolved[] resolve(String refs, ReadOnlyBroadcastState<String, PolicyUpdate> policies)
            throws Exception {
        Resolved[] triggers = resolved.get(refs);
        if (triggers == null) {
            String[] parts = TriggerRefs.split(refs);
            triggers = new Resolved[parts.length];
            for (int i = 0; i < parts.length; i++) {
                triggers[i] = resolveOne(parts[i], policies);
            }
            resolved.put(refs, triggers);
        }
        return triggers;
    }

    private Resolved resolveOne(String ref, ReadOnlyBroadcastState<String, PolicyUpdate> policies)
            throws Exception {
        TriggerRefs.Ref parsed = TriggerRefs.parse(ref);
        PolicyUpdate current = active.get(policies, parsed.policy());
        if (current == null || !current.version.equals(parsed.version())) {
            return null;
        }
        HealingPolicy policy = versions.policy(current);
        if (policy == null) {
            return null;
        }
        List<Trigger> triggers = policy.spec().triggers();
        if (parsed.index() < 0 || parsed.index() >= triggers.size()) {
            return null;
        }
        Trigger t = triggers.get(parsed.index());
        boolean trend = t.type() == Trigger.Type.TREND;
        boolean growth = trend && t.trendTrigger().pattern() == TrendTrigger.Pattern.GROWTH;
        return new Resolved(
                ref,
                policy.name(),
                policy.version(),
                t,
                MetricBinding.of(policy.name(), t),
                growth ? GrowthCriteria.of(t.trendTrigger()) : null,
                trend && !growth ? OscillationCriteria.of(t.trendTrigger()) : null);
    }

    @Override
    public void processBroadcastElement(PolicyUpdate update, Context ctx, Collector<Signal> out)
            throws Exception {
        PolicyUpdate previous =
                active.apply(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), update);
        resolved.clear();
        if (previous == null || (!update.isRemoval() && previous.version.equals(update.version))) {
            return; // nothing went away: no pass over the keys
        }
        // A version went away: drop its triggers' state from every target now rather than after
        // idle-ttl, and a target left without triggers entirely. Its timers stay registered and
        // find nothing (or only other triggers) when they fire, so they set no new ones.
        ctx.applyToKeyedState(STATE, (key, target) -> dropStale(target, update));
    }

    /** Removes the triggers of {@code update}'s policy that are not of its (new) version. */
    private static void dropStale(ValueState<TargetState> state, PolicyUpdate update)
            throws Exception {
        TargetState target = state.value();
        if (target == null) {
            return;
        }
        boolean removed =
                target.triggers
                        .keySet()
                        .removeIf(
                                ref -> {
                                    TriggerRefs.Ref r = TriggerRefs.parse(ref);
                                    return r.policy().equals(update.name)
                                            && (update.isRemoval()
                                                    || !r.version().equals(update.version));
                                });
        if (target.triggers.isEmpty()) {
            state.clear();
        } else if (removed) {
            state.update(target);
        }
    }
}

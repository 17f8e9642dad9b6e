package io.kubeskippy.job.feature;

import io.kubeskippy.job.pattern.PatternKey;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.pattern.Signal;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.job.source.MetricBinding;
import io.kubeskippy.job.source.TriggerInput;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.TrendTrigger;
import io.kubeskippy.model.policy.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one trigger's inputs into the signals its pattern runs over, one feature point per step
 * rather than per sample: for a trend, the growth or oscillation decision over the sliding window
 * (with its evidence); for a metric trigger, whether the derived value crosses the threshold;
 * events and condition changes pass through. Keyed by {@link PatternKey}; a key with no input for
 * {@code idleTtl} is cleared by a timer.
 */
public class TriggerFunction
        extends KeyedBroadcastProcessFunction<String, TriggerInput, PolicyUpdate, Signal> {

    private static final long serialVersionUID = 1L;

    private final Duration metricStep;
    private final Duration lateness;
    private final Duration idleTtl;
    private final ActivePolicies active;

    private transient ValueState<TrendState> trend;
    private transient ValueState<Double> limit;
    private transient ValueState<Long> lastSeen;
    private transient PolicyVersions versions;
    private transient Counter featurePoints;

    /**
     * @param metricStep the step of metric (threshold) triggers
     * @param lateness how late a sample may be behind the newest of its key
     * @param idleTtl a key with no input for this long is cleared
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
        trend =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>("trend", TrendStateSerializer.INSTANCE));
        limit = getRuntimeContext().getState(new ValueStateDescriptor<>("limit", Types.DOUBLE));
        lastSeen =
                getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        versions = new PolicyVersions();
        featurePoints =
                io.kubeskippy.job.JobMetrics.group(getRuntimeContext()).counter("featurePoints");
    }

    @Override
    public void processElement(TriggerInput in, ReadOnlyContext ctx, Collector<Signal> out)
            throws Exception {
        PatternKey key = PatternKey.parse(in.key);
        Trigger trigger =
                trigger(
                        key,
                        active.get(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), key.policy()));
        if (trigger == null) {
            return; // a version that is no longer active: its state is cleared when the key idles
        }
        touch(in.timestampMs, ctx);
        switch (in.kind) {
            case EVENT -> out.collect(Signal.event(key, in.timestampMs, in.reason, in.type));
            case CONDITION ->
                    out.collect(Signal.condition(key, in.timestampMs, in.type, in.status));
            case START -> {
                TrendState state = trend.value();
                if (state != null && state.onContainerStart((long) in.value, in.resetOnStart)) {
                    trend.update(state);
                }
            }
            case VALUE -> value(key, trigger, in, ctx, out);
        }
    }

    private void value(
            PatternKey key,
            Trigger trigger,
            TriggerInput in,
            ReadOnlyContext ctx,
            Collector<Signal> out)
            throws Exception {
        MetricBinding binding = MetricBinding.of(key.policy(), trigger);
        if (binding == null) {
            return;
        }
        TrendState state = trend.value();
        if (state == null) {
            state = newState(trigger, binding);
        }
        if (in.limit > 0) {
            limit.update(in.limit);
        }
        int points = state.add(in.timestampMs, in.value);
        trend.update(state);
        if (points > 0) {
            evaluate(key, trigger, binding, state, out);
        }
        // flush the open bucket when samples stop
        long step = state.aggregator().stepMs();
        ctx.timerService()
                .registerEventTimeTimer(
                        state.aggregator().bucketStart(in.timestampMs)
                                + step
                                + lateness.toMillis());
    }

    private TrendState newState(Trigger trigger, MetricBinding binding) {
        TrendState.PointValue pointValue =
                binding.limit() == MetricBinding.Limit.MEMORY
                        ? TrendState.PointValue.MAX
                        : TrendState.PointValue.MEAN;
        if (trigger.type() == Trigger.Type.TREND) {
            return TrendState.of(trigger.trendTrigger(), lateness.toMillis(), pointValue);
        }
        long step = metricStep.toMillis();
        long window =
                binding.window() == null
                        ? 2 * step
                        : Math.max(2 * step, binding.window().toMillis());
        return new TrendState(window, step, lateness.toMillis(), binding.counter(), pointValue, 0);
    }

    private void evaluate(
            PatternKey key,
            Trigger trigger,
            MetricBinding binding,
            TrendState state,
            Collector<Signal> out)
            throws Exception {
        SeriesWindow window = state.window();
        if (window.isEmpty()) {
            return;
        }
        long at = window.newestTimestamp();
        Double lim = limit.value();
        double limitValue = lim == null ? Double.NaN : lim;
        featurePoints.inc();
        if (trigger.type() == Trigger.Type.TREND) {
            TrendTrigger t = trigger.trendTrigger();
            TrendDecision decision;
            Map<String, Object> evidence;
            if (t.pattern() == TrendTrigger.Pattern.GROWTH) {
                GrowthAnalysis a = GrowthAnalysis.of(window, limitValue);
                decision = GrowthCriteria.of(t).decide(a);
                evidence = a.evidence();
            } else {
                OscillationAnalysis a = OscillationAnalysis.of(window);
                decision = OscillationCriteria.of(t).decide(a);
                evidence = a.evidence();
            }
            out.collect(Signal.feature(key, at, decision.fires(), numbers(evidence)));
            return;
        }
        double value =
                switch (binding.transform()) {
                    case RAW -> window.valueAt(window.size() - 1);
                    case PERCENT_OF_LIMIT ->
                            limitValue > 0
                                    ? window.valueAt(window.size() - 1) / limitValue * 100
                                    : Double.NaN;
                    case SLOPE -> GrowthAnalysis.of(window, Double.NaN).slope();
                    case AMPLITUDE -> OscillationAnalysis.of(window).amplitude();
                };
        if (!Double.isFinite(value)) {
            return;
        }
        Trigger.MetricTrigger m = trigger.metricTrigger();
        out.collect(Signal.threshold(key, at, m.operator().test(value, m.threshold()), value));
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
        PatternKey key = PatternKey.parse(ctx.getCurrentKey());
        Long seen = lastSeen.value();
        if (seen != null && seen + idleTtl.toMillis() <= timestamp) {
            trend.clear();
            limit.clear();
            lastSeen.clear();
            return;
        }
        Trigger trigger =
                trigger(
                        key,
                        active.get(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), key.policy()));
        TrendState state = trend.value();
        if (trigger == null || state == null) {
            return;
        }
        int points = state.advanceTo(ctx.timerService().currentWatermark());
        trend.update(state);
        if (points > 0) {
            evaluate(key, trigger, MetricBinding.of(key.policy(), trigger), state, out);
        }
    }

    private void touch(long ts, ReadOnlyContext ctx) throws Exception {
        Long seen = lastSeen.value();
        if (seen == null || ts > seen) {
            lastSeen.update(ts);
            ctx.timerService().registerEventTimeTimer(ts + idleTtl.toMillis());
        }
    }

    private Trigger trigger(PatternKey key, PolicyUpdate current) {
        if (current == null || !current.version.equals(key.version())) {
            return null;
        }
        HealingPolicy policy = versions.policy(current);
        if (policy == null) {
            return null;
        }
        return policy.spec().triggers().stream()
                .filter(t -> t.name().equals(key.trigger()))
                .findFirst()
                .orElse(null);
    }

    @Override
    public void processBroadcastElement(PolicyUpdate update, Context ctx, Collector<Signal> out)
            throws Exception {
        active.apply(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), update);
    }
}

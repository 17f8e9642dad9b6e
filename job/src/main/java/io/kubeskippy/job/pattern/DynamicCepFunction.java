package io.kubeskippy.job.pattern;

import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.policy.Trigger;
import io.kubeskippy.model.serde.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs each policy version's patterns with flink-cep's NFA, keyed by {@link PatternKey}, and takes
 * policy changes from the broadcast side without a restart.
 *
 * <p>Open-source Flink CEP cannot change a pattern at runtime, so this function does what
 * flink-cep's CepOperator does, per key: buffer signals until the watermark passes them, feed them
 * to the NFA of the key's policy version in timestamp order, advance time for windows and absent
 * steps, and keep the NFA state and SharedBuffer in keyed state. A changed or removed policy clears
 * the state of its old version's keys; an unchanged policy keeps its state (its version is its
 * content hash). A key that sees no signal for {@code idleTtl} is cleared.
 *
 * <p>It relies on flink-cep internals ({@link NFA}, {@link NFAState}, {@link SharedBuffer}) that
 * carry no stability promise: flink-cep is pinned, and DynamicCepFunctionTest guards them.
 */
public class DynamicCepFunction
        extends KeyedBroadcastProcessFunction<String, Signal, PolicyUpdate, PatternMatch> {

    private static final long serialVersionUID = 1L;

    /** Where the active policy versions live: policy name -> update. */
    public static final MapStateDescriptor<String, PolicyUpdate> POLICIES =
            ActivePolicies.DESCRIPTOR;

    private final Duration step;
    private final Duration idleTtl;
    private final ActivePolicies active;

    private transient RuntimeContextStateStore store;
    private transient ValueState<NFAState> nfaState;
    private transient MapState<Long, List<Signal>> queue;
    private transient ValueState<Long> lastSeen;
    private transient ValueState<Long> idleTimer;
    private transient SharedBuffer<Signal> sharedBuffer;
    private transient Map<String, NFA<Signal>> nfas;
    private transient Counter staleSignals;
    private transient Counter matches;
    private transient volatile long lastReloadLatencyMs;
    private transient volatile int activeVersions;

    /**
     * @param step the feature interval, used by metric triggers (points per duration)
     * @param idleTtl a key with no signal for this long is cleared
     */
    public DynamicCepFunction(Duration step, Duration idleTtl) {
        this(step, idleTtl, ActivePolicies.none());
    }

    /**
     * @param active the policies the job starts with, before any broadcast
     */
    public DynamicCepFunction(Duration step, Duration idleTtl, ActivePolicies active) {
        this.step = step;
        this.idleTtl = idleTtl;
        this.active = active;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        TypeSerializer<Signal> signals =
                getRuntimeContext().createSerializer(TypeInformation.of(Signal.class));
        store = new RuntimeContextStateStore(getRuntimeContext());
        nfaState =
                store.getState(new ValueStateDescriptor<>("nfa-state", new NFAStateSerializer()));
        queue =
                store.getMapState(
                        new MapStateDescriptor<>(
                                "signal-queue",
                                LongSerializer.INSTANCE,
                                new ListSerializer<>(signals)));
        lastSeen = store.getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        idleTimer = store.getState(new ValueStateDescriptor<>("idle-timer", Types.LONG));
        sharedBuffer = new SharedBuffer<>(store, signals, new SharedBufferCacheConfig());
        nfas = new HashMap<>();
        var group = io.kubeskippy.job.JobMetrics.group(getRuntimeContext());
        staleSignals = group.counter("staleSignals");
        matches = group.counter("patternMatches");
        group.gauge("compiledPatterns", () -> nfas.size());
        group.gauge("policyReloadLatencyMs", () -> lastReloadLatencyMs);
        group.gauge("activePolicyVersions", () -> activeVersions);
    }

    @Override
    public void close() throws Exception {
        if (nfas != null) {
            for (NFA<Signal> nfa : nfas.values()) {
                nfa.close();
            }
        }
        if (sharedBuffer != null) {
            sharedBuffer.releaseCacheStatisticsTimer();
        }
    }

    @Override
    public void processElement(Signal signal, ReadOnlyContext ctx, Collector<PatternMatch> out)
            throws Exception {
        PatternKey key = PatternKey.parse(ctx.getCurrentKey());
        if (nfaFor(key, ctx.getBroadcastState(POLICIES)) == null) {
            staleSignals.inc();
            return;
        }
        long ts = signal.timestampMs;
        List<Signal> atTs = queue.get(ts);
        if (atTs == null) {
            atTs = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(ts);
        }
        atTs.add(signal);
        queue.put(ts, atTs);

        // One idle timer per key, moved to the latest signal's deadline when it fires (onTimer).
        Long seen = lastSeen.value();
        if (seen == null || ts > seen) {
            lastSeen.update(ts);
            if (idleTimer.value() == null) {
                idleTimer.update(ts + idleTtl.toMillis());
                ctx.timerService().registerEventTimeTimer(ts + idleTtl.toMillis());
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PatternMatch> out)
            throws Exception {
        PatternKey key = PatternKey.parse(ctx.getCurrentKey());
        NFA<Signal> nfa = nfaFor(key, ctx.getBroadcastState(POLICIES));
        if (nfa == null) {
            clearKey();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        NFAState state = nfaState.value();
        if (state == null) {
            state = nfa.createInitialNFAState();
        }
        PriorityQueue<Long> pending = new PriorityQueue<>();
        for (Long ts : queue.keys()) {
            pending.add(ts);
        }
        while (!pending.isEmpty() && pending.peek() <= watermark) {
            long ts = pending.poll();
            advance(nfa, state, ts, key, out);
            for (Signal signal : queue.get(ts)) {
                process(nfa, state, signal, ts, key, ctx, out);
            }
            queue.remove(ts);
        }
        advance(nfa, state, watermark, key, out);

        Long seen = lastSeen.value();
        if (seen != null && seen + idleTtl.toMillis() <= timestamp && queue.isEmpty()) {
            clearKey();
            return;
        }
        Long idleAt = idleTimer.value();
        if (seen != null && idleAt != null && idleAt <= timestamp) {
            long next = Math.max(seen + idleTtl.toMillis(), timestamp + 1);
            idleTimer.update(next);
            ctx.timerService().registerEventTimeTimer(next);
        }
        if (state.isStateChanged()) {
            state.resetStateChanged();
            state.resetNewStartPartialMatch();
            nfaState.update(state);
        }
    }

    private void process(
            NFA<Signal> nfa,
            NFAState state,
            Signal signal,
            long ts,
            PatternKey key,
            OnTimerContext ctx,
            Collector<PatternMatch> out)
            throws Exception {
        try (SharedBufferAccessor<Signal> accessor = sharedBuffer.getAccessor()) {
            Collection<Map<String, List<Signal>>> found =
                    nfa.process(
                            accessor,
                            state,
                            signal,
                            ts,
                            AfterMatchSkipStrategy.skipPastLastEvent(),
                            () -> ctx.timerService().currentProcessingTime());
            if (nfa.getWindowTime() > 0 && state.isNewStartPartialMatch()) {
                ctx.timerService().registerEventTimeTimer(ts + nfa.getWindowTime());
            }
            emit(found, key, out);
        }
    }

    private void advance(
            NFA<Signal> nfa, NFAState state, long ts, PatternKey key, Collector<PatternMatch> out)
            throws Exception {
        try (SharedBufferAccessor<Signal> accessor = sharedBuffer.getAccessor()) {
            Tuple2<
                            Collection<Map<String, List<Signal>>>,
                            Collection<Tuple2<Map<String, List<Signal>>, Long>>>
                    result =
                            nfa.advanceTime(
                                    accessor,
                                    state,
                                    ts,
                                    AfterMatchSkipStrategy.skipPastLastEvent());
            // Pending matches complete here: a condition that held, a step that stayed absent.
            emit(result.f0, key, out);
        }
    }

    private void emit(
            Collection<Map<String, List<Signal>>> found,
            PatternKey key,
            Collector<PatternMatch> out) {
        for (Map<String, List<Signal>> match : found) {
            PatternMatch m = new PatternMatch();
            m.key = key.format();
            m.firstEvidenceAtMs = Long.MAX_VALUE;
            Signal last = null;
            for (List<Signal> signals : match.values()) {
                for (Signal s : signals) {
                    m.signals++;
                    m.firstEvidenceAtMs = Math.min(m.firstEvidenceAtMs, s.timestampMs);
                    if (last == null || s.timestampMs >= last.timestampMs) {
                        last = s;
                    }
                }
            }
            if (last == null) {
                continue;
            }
            m.detectedAtMs = last.timestampMs;
            m.evidence = new HashMap<>(last.evidence);
            m.evidence.put("signals", (double) m.signals);
            m.series = last.series;
            matches.inc();
            out.collect(m);
        }
    }

    @Override
    public void processBroadcastElement(
            PolicyUpdate update, Context ctx, Collector<PatternMatch> out) throws Exception {
        BroadcastState<String, PolicyUpdate> policies = ctx.getBroadcastState(POLICIES);
        PolicyUpdate previous = active.apply(policies, update);
        if (previous != null && !update.isRemoval() && previous.version.equals(update.version)) {
            return; // same content: keep the state
        }
        nfas.keySet().removeIf(k -> k.startsWith(update.name + "|"));
        // Clear every key of an old version of this policy, in all the state we know of,
        // including flink-cep's SharedBuffer, whose descriptors the store recorded.
        for (StateDescriptor<?, ?> descriptor : store.descriptors()) {
            clearStale(ctx, descriptor, update);
        }
        lastReloadLatencyMs = Math.max(0, System.currentTimeMillis() - update.receivedAtMs);
        activeVersions = active.all(policies).size();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void clearStale(
            Context ctx, StateDescriptor<?, ?> descriptor, PolicyUpdate update) throws Exception {
        KeyedStateFunction<String, State> clear =
                (key, state) -> {
                    PatternKey k = PatternKey.parse(key);
                    if (k.policy().equals(update.name)
                            && (update.isRemoval() || !k.version().equals(update.version))) {
                        state.clear();
                    }
                };
        ctx.applyToKeyedState((StateDescriptor) descriptor, (KeyedStateFunction) clear);
    }

    private void clearKey() throws Exception {
        for (StateDescriptor<?, ?> descriptor : store.descriptors()) {
            clearCurrent(descriptor);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void clearCurrent(StateDescriptor<?, ?> descriptor) {
        if (descriptor instanceof ValueStateDescriptor v) {
            getRuntimeContext().getState(v).clear();
        } else if (descriptor instanceof MapStateDescriptor m) {
            getRuntimeContext().getMapState(m).clear();
        } else {
            throw new IllegalStateException("unexpected state " + descriptor.getName());
        }
    }

    /** The NFA for the key's policy version and trigger, or null if that version is not active. */
    private NFA<Signal> nfaFor(
            PatternKey key, ReadOnlyBroadcastState<String, PolicyUpdate> policies)
            throws Exception {
        PolicyUpdate current = active.get(policies, key.policy());
        if (current == null || !current.version.equals(key.version())) {
            return null;
        }
        String cacheKey = key.policy() + "|" + key.version() + "|" + key.trigger();
        NFA<Signal> nfa = nfas.get(cacheKey);
        if (nfa == null) {
            Trigger trigger = trigger(current, key.trigger());
            if (trigger == null) {
                return null;
            }
            Pattern<Signal, ?> pattern = PatternCompiler.compile(trigger, step);
            nfa = NFACompiler.compileFactory(pattern, false).createNFA();
            nfa.open(getRuntimeContext(), new Configuration());
            nfas.put(cacheKey, nfa);
        }
        return nfa;
    }

    private static Trigger trigger(PolicyUpdate update, String name) throws Exception {
        PolicyDocument doc =
                PolicyReader.readJson(
                        "skippy.policies/" + update.name, Json.mapper().readTree(update.document));
        HealingPolicy policy = doc.policy();
        if (policy == null) {
            return null;
        }
        return policy.spec().trigger(name).orElse(null);
    }
}

package io.kubeskippy.job.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.pattern.PatternKey;
import io.kubeskippy.job.pattern.Policies;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.pattern.Signal;
import io.kubeskippy.job.pattern.SignalSeries;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.source.TriggerInput;
import io.kubeskippy.job.source.TriggerRefs;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One feature point per step, not per sample; state and timers cleared after the idle TTL and when
 * a policy version goes away.
 */
class TriggerFunctionTest {

    private static final long T0 = 1_763_800_000_000L;
    private static final long MI = 1024 * 1024;
    private static final PolicyUpdate LEAK =
            Policies.update(
                    "leak",
                    """
                    - name: growth
                      type: trend
                      trendTrigger: {metric: container_memory_working_set_bytes, pattern: growth, relativeTo: limit, window: 10m, step: 30s, startupGrace: 0s}
                    """,
                    "");
    private static final PatternKey KEY =
            new PatternKey("leak", LEAK.version, "Pod/shop/cart-1", "growth");

    /** A second policy on the same target, so a removal must keep its state. */
    private static final PolicyUpdate HOT =
            Policies.update(
                    "hot",
                    """
                    - name: high
                      type: metric
                      metricTrigger: {query: memory_usage_percent, threshold: 90, operator: ">", duration: 1m}
                    """,
                    "");

    private KeyedTwoInputStreamOperatorTestHarness<String, TriggerInput, PolicyUpdate, Signal>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new TriggerFunction(
                                        Duration.ofSeconds(15),
                                        Duration.ofSeconds(30),
                                        Duration.ofHours(1),
                                        new ActivePolicies(
                                                java.util.Map.of("leak", LEAK, "hot", HOT))),
                                List.of(ActivePolicies.DESCRIPTOR)),
                        t -> t.key,
                        u -> u.name,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void value(long ts, double v) throws Exception {
        value(TriggerRefs.of("leak", LEAK.version, 0), ts, v);
    }

    private void value(String refs, long ts, double v) throws Exception {
        TriggerInput t = new TriggerInput();
        t.key = KEY.target();
        t.refs = refs;
        t.kind = TriggerInput.Kind.VALUE;
        t.timestampMs = ts;
        t.value = v;
        t.memoryLimit = 512 * MI;
        harness.processElement1(new StreamRecord<>(t, ts));
    }

    @Test
    void emitsOnePointPerStepWithEvidenceAndFiresOnALeak() throws Exception {
        for (int s = 0; s <= 900; s += 5) {
            value(T0 + s * 1000L, 150 * MI + 0.3 * MI * s);
        }
        harness.processBothWatermarks(new Watermark(T0 + 901_000));
        List<Signal> signals = harness.extractOutputValues();
        // 901 s of samples every 5 s at a 30 s step: about 30 points, not 181; and of those only
        // the ones that can change a run of satisfied points are sent (see sendsOnlyRunChanges)
        assertThat(signals).isNotEmpty().hasSizeLessThanOrEqualTo(31);
        assertThat(signals).allMatch(s -> s.kind == Signal.Kind.FEATURE);
        assertThat(signals.get(signals.size() - 1).satisfied).isTrue();
        assertThat(signals.get(signals.size() - 1).evidence)
                .containsKeys("slope", "r2", "projectedLimitAt");
        // a satisfied point carries its 10m window in 10 buckets of 2 steps, rising
        SignalSeries series = signals.get(signals.size() - 1).series;
        assertThat(series.stepMs).isEqualTo(60_000);
        assertThat(series.mean).hasSize(10).isSorted();
        assertThat(series.fromMs + 10 * 60_000)
                .isEqualTo(signals.get(signals.size() - 1).timestampMs + 30_000);
        assertThat(signals).filteredOn(sig -> !sig.satisfied).allMatch(sig -> sig.series == null);
        // too few points at first: a 10m window at 30 s needs 12 points before anything fires
        assertThat(signals.get(0).timestampMs).isGreaterThanOrEqualTo(T0 + 10 * 30_000);
    }

    @Test
    void sendsOnlyRunChanges() throws Exception {
        // steady, then leaking, then steady again at the new level
        for (int s = 0; s <= 2400; s += 15) {
            double v = s < 600 ? 100 * MI : s < 1500 ? 100 * MI + 0.3 * MI * (s - 600) : 370 * MI;
            value(T0 + s * 1000L, v + (s / 15 % 3) * 0.01 * MI);
        }
        harness.processBothWatermarks(new Watermark(T0 + 2_401_000));
        List<Signal> signals = harness.extractOutputValues();

        assertThat(signals).extracting(s -> s.satisfied).contains(true, false);
        for (int i = 1; i < signals.size(); i++) {
            assertThat(signals.get(i).satisfied || signals.get(i - 1).satisfied)
                    .as("an unsatisfied point right after an unsatisfied one is not sent")
                    .isTrue();
        }
        // the run break is sent, without evidence: no match ever reports it
        Signal lastBreak =
                signals.stream().filter(s -> !s.satisfied).reduce((a, b) -> b).orElseThrow();
        assertThat(lastBreak.evidence).isEmpty();
        assertThat(signals).filteredOn(s -> s.satisfied).allMatch(s -> !s.evidence.isEmpty());
    }

    @Test
    void anIdleKeyLeavesNoStateAndNoTimers() throws Exception {
        for (int s = 0; s <= 120; s += 15) {
            value(T0 + s * 1000L, 100 * MI);
        }
        harness.processBothWatermarks(new Watermark(T0 + 200_000));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processBothWatermarks(new Watermark(T0 + Duration.ofHours(2).toMillis()));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    /** The trigger refs with state for the test's target, empty if it has no state. */
    private Set<String> triggersWithState() throws Exception {
        var backend = harness.getOperator().<String>getKeyedStateBackend();
        backend.setCurrentKey(KEY.target());
        TargetState target =
                backend.getPartitionedState(
                                VoidNamespace.INSTANCE,
                                VoidNamespaceSerializer.INSTANCE,
                                TriggerFunction.STATE)
                        .value();
        return target == null ? Set.of() : Set.copyOf(target.triggers().keySet());
    }

    @Test
    void aRemovedPolicyLeavesNoStateAndItsTimersSetNoNewOnes() throws Exception {
        String leak = TriggerRefs.of("leak", LEAK.version, 0);
        String hot = TriggerRefs.of("hot", HOT.version, 0);
        String both = TriggerRefs.join(List.of(leak, hot));
        for (int s = 0; s <= 120; s += 15) {
            value(both, T0 + s * 1000L, 100 * MI);
        }
        harness.processBothWatermarks(new Watermark(T0 + 200_000));
        assertThat(triggersWithState()).containsExactlyInAnyOrder(leak, hot);
        assertThat(harness.numEventTimeTimers()).isPositive();

        // removing one policy drops its trigger at once, long before the 1h idle TTL
        harness.processElement2(new StreamRecord<>(PolicyUpdate.removal("leak", 0), 0));
        assertThat(triggersWithState()).containsExactly(hot);

        // removing the last one leaves the target no state at all
        harness.processElement2(new StreamRecord<>(PolicyUpdate.removal("hot", 0), 0));
        assertThat(harness.numKeyedStateEntries()).isZero();

        // the timers set before still fire (nothing can delete them from the broadcast side)
        // but find no state, so they set no new ones and emit nothing
        int before = harness.extractOutputValues().size();
        harness.processBothWatermarks(new Watermark(T0 + Duration.ofHours(2).toMillis()));
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.extractOutputValues()).hasSize(before);
    }

    @Test
    void aChangedPolicyDropsOnlyItsOldVersion() throws Exception {
        String hot = TriggerRefs.of("hot", HOT.version, 0);
        for (int s = 0; s <= 120; s += 15) {
            value(
                    TriggerRefs.join(List.of(TriggerRefs.of("leak", LEAK.version, 0), hot)),
                    T0 + s * 1000L,
                    100 * MI);
        }
        PolicyUpdate changed =
                Policies.update(
                        "leak",
                        """
                        - name: growth
                          type: trend
                          trendTrigger: {metric: container_memory_working_set_bytes, pattern: growth, relativeTo: limit, window: 20m, step: 30s, startupGrace: 0s}
                        """,
                        "");
        assertThat(changed.version).isNotEqualTo(LEAK.version);

        // the same content again is a no-op: the state stays
        harness.processElement2(new StreamRecord<>(LEAK, 0));
        assertThat(triggersWithState()).hasSize(2);

        harness.processElement2(new StreamRecord<>(changed, 0));
        assertThat(triggersWithState()).containsExactly(hot);

        String newLeak = TriggerRefs.of("leak", changed.version, 0);
        value(TriggerRefs.join(List.of(newLeak, hot)), T0 + 135_000, 100 * MI);
        assertThat(triggersWithState()).containsExactlyInAnyOrder(hot, newLeak);
    }

    @Test
    void inputsOfARemovedPolicyAreIgnored() throws Exception {
        harness.processElement2(new StreamRecord<>(PolicyUpdate.removal("leak", 0), 0));
        value(T0, 100 * MI);
        harness.processBothWatermarks(new Watermark(T0 + 3_600_000));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}

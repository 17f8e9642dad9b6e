package io.kubeskippy.job.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The feature stage sends a trend or threshold point only when it can change a run of satisfied
 * points (TriggerFunction): every satisfied point and the first unsatisfied one after it. This is
 * the guard that the patterns cannot tell: the same matches, at the same times, whether every point
 * arrives or only those.
 */
class RunBoundaryTest {

    private static final long T0 = 1_763_800_020_000L;
    private static final long STEP = 15_000;
    private static final String TARGET = "Pod/shop/cart-1";

    private static final PolicyUpdate TREND =
            Policies.update(
                    "leak",
                    """
                    - name: growth
                      type: trend
                      trendTrigger: {metric: container_memory_working_set_bytes, pattern: growth, relativeTo: limit}
                    """,
                    "");
    private static final PolicyUpdate THRESHOLD =
            Policies.update(
                    "hot",
                    """
                    - name: memory
                      type: metric
                      metricTrigger: {query: memory_usage_percent, threshold: 90, operator: ">", duration: 1m}
                    """,
                    "");

    /** Every point, and the points the feature stage sends, through the CEP operator. */
    private static void assertSameMatches(PolicyUpdate policy, String trigger, boolean[] points)
            throws Exception {
        PatternKey key = new PatternKey(policy.name, policy.version, TARGET, trigger);
        List<Signal> all = new ArrayList<>();
        List<Signal> sent = new ArrayList<>();
        boolean lastSent = false;
        for (int i = 0; i < points.length; i++) {
            Signal s =
                    policy == TREND
                            ? Signal.feature(key, T0 + i * STEP, points[i], Map.of("i", (double) i))
                            : Signal.threshold(key, T0 + i * STEP, points[i], i);
            all.add(s);
            if (points[i] || lastSent) {
                sent.add(s);
                lastSent = points[i];
            }
        }
        List<PatternMatch> fromAll = run(policy, all, points.length);
        List<PatternMatch> fromSent = run(policy, sent, points.length);
        assertThat(fromSent).hasSameSizeAs(fromAll);
        for (int i = 0; i < fromAll.size(); i++) {
            PatternMatch a = fromAll.get(i);
            PatternMatch b = fromSent.get(i);
            assertThat(b.key).isEqualTo(a.key);
            assertThat(b.firstEvidenceAtMs).isEqualTo(a.firstEvidenceAtMs);
            assertThat(b.detectedAtMs).isEqualTo(a.detectedAtMs);
            assertThat(b.signals).isEqualTo(a.signals);
            assertThat(b.evidence).isEqualTo(a.evidence);
        }
    }

    /** The matches of the signals, with a watermark after each step as the job would see it. */
    private static List<PatternMatch> run(PolicyUpdate policy, List<Signal> signals, int steps)
            throws Exception {
        try (var harness =
                new KeyedTwoInputStreamOperatorTestHarness<
                        String, Signal, PolicyUpdate, PatternMatch>(
                        new CoBroadcastWithKeyedOperator<>(
                                new DynamicCepFunction(Duration.ofSeconds(15), Duration.ofHours(1)),
                                List.of(DynamicCepFunction.POLICIES)),
                        s -> s.key,
                        u -> u.name,
                        Types.STRING)) {
            harness.open();
            harness.processElement2(new StreamRecord<>(policy, 0));
            int next = 0;
            for (int i = 0; i < steps; i++) {
                long ts = T0 + i * STEP;
                while (next < signals.size() && signals.get(next).timestampMs <= ts) {
                    Signal s = signals.get(next++);
                    harness.processElement1(new StreamRecord<>(s, s.timestampMs));
                }
                harness.processBothWatermarks(new Watermark(ts));
            }
            return new ArrayList<>(harness.extractOutputValues());
        }
    }

    @Test
    void trendMatchesAreTheSameWithOnlyRunChanges() throws Exception {
        assertSameMatches(
                TREND,
                "growth",
                new boolean[] {
                    false, false, true, false, false, true, true, true, false, true, true, true,
                    true, true, false, false, false
                });
        Random random = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            boolean[] points = new boolean[60];
            for (int i = 0; i < points.length; i++) {
                points[i] = random.nextInt(3) == 0;
            }
            assertSameMatches(TREND, "growth", points);
        }
    }

    @Test
    void thresholdMatchesAreTheSameWithOnlyRunChanges() throws Exception {
        Random random = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            boolean[] points = new boolean[80];
            for (int i = 0; i < points.length; i++) {
                points[i] = random.nextInt(4) != 0;
            }
            assertSameMatches(THRESHOLD, "memory", points);
        }
    }
}

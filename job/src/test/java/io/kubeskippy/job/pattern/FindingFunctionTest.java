package io.kubeskippy.job.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.enrich.Candidate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.model.record.Finding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cooldown, dedupe and monitor mode in event time; the key's state is cleared afterwards. */
class FindingFunctionTest {

    private static final long T0 = 1_763_800_000_000L;
    private static final String TRIGGER =
            """
            - name: back-off
              type: event
              cooldownPeriod: 10m
              eventTrigger: {reason: BackOff, count: 3}
            """;

    private KeyedTwoInputStreamOperatorTestHarness<String, PatternMatch, PolicyUpdate, Finding>
            harness;

    private void open(PolicyUpdate policy) throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new FindingFunction(
                                        new ActivePolicies(Map.of(policy.name, policy))),
                                List.of(ActivePolicies.DESCRIPTOR)),
                        FindingFunction::keyOf,
                        u -> u.name,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static PatternMatch match(PolicyUpdate p, long first, long detected) {
        PatternMatch m = new PatternMatch();
        m.key = new PatternKey(p.name, p.version, "Pod/shop/cart-1", "back-off").format();
        m.firstEvidenceAtMs = first;
        m.detectedAtMs = detected;
        m.signals = 3;
        return m;
    }

    private void process(PatternMatch m) throws Exception {
        harness.processElement1(new StreamRecord<>(m, m.detectedAtMs));
    }

    @Test
    void coolsDownDedupesAndClearsItsState() throws Exception {
        PolicyUpdate p = Policies.update("crash", TRIGGER, "mode: automatic");
        open(p);
        process(match(p, T0, T0 + 60_000));
        process(match(p, T0, T0 + 60_000)); // the same match again
        process(match(p, T0 + 120_000, T0 + 180_000)); // within the 10m cooldown
        process(match(p, T0 + 900_000, T0 + 960_000)); // after it

        assertThat(harness.extractOutputValues())
                .extracting(Finding::suppressed)
                .containsExactly(null, FindingFunction.DUPLICATE, FindingFunction.COOLDOWN, null);
        assertThat(harness.getSideOutput(FindingFunction.CANDIDATES)).hasSize(2);
        assertThat(harness.getSideOutput(FindingFunction.CANDIDATES).peek().getValue())
                .isInstanceOf(Candidate.class);

        harness.processBothWatermarks(new Watermark(T0 + Duration.ofHours(3).toMillis()));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void monitorModeFindsButNeverActs() throws Exception {
        PolicyUpdate p = Policies.update("watch-only", TRIGGER, "mode: monitor");
        open(p);
        process(match(p, T0, T0 + 60_000));
        assertThat(harness.extractOutputValues())
                .extracting(Finding::suppressed)
                .containsExactly(FindingFunction.MONITOR);
        assertThat(harness.getSideOutput(FindingFunction.CANDIDATES)).isNullOrEmpty();
    }

    @Test
    void findingIdsAreDeterministic() throws Exception {
        PolicyUpdate p = Policies.update("crash", TRIGGER, "mode: automatic");
        open(p);
        process(match(p, T0, T0 + 60_000));
        String id = harness.extractOutputValues().get(0).id();
        assertThat(
                        FindingFunction.finding(
                                        match(p, T0, T0 + 60_000),
                                        match(p, T0, T0 + 60_000).patternKey(),
                                        null)
                                .id())
                .isEqualTo(id);
    }
}

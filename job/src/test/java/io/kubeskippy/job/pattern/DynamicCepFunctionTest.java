package io.kubeskippy.job.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dynamic CEP over flink-cep's NFA, in Flink's operator test harness: patterns of every trigger
 * type, hot reload, and state cleared on policy change, removal and idleness. This is also the
 * guard on the flink-cep internals we drive: if NFA, NFAState or SharedBuffer change behaviour,
 * these fail.
 */
class DynamicCepFunctionTest {

    private static final long T0 = 1_763_800_000_000L;
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final String TARGET = "Pod/shop/cart-7f9c";

    private KeyedTwoInputStreamOperatorTestHarness<String, Signal, PolicyUpdate, PatternMatch>
            harness;

    @BeforeEach
    void setUp() throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new DynamicCepFunction(Duration.ofSeconds(30), Duration.ofHours(1)),
                                List.of(DynamicCepFunction.POLICIES)),
                        s -> s.key,
                        u -> u.name,
                        Types.STRING);
        harness.open();
    }

    private void broadcast(PolicyUpdate update) throws Exception {
        harness.processElement2(new StreamRecord<>(update, 0));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    // ------------------------------------------------------------------ fixtures

    private static PolicyUpdate policy(String name, String triggersYaml) {
        String yaml =
                """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata:
                  name: %s
                spec:
                  selector:
                    resources: [{kind: Pod}]
                  triggers:
                %s
                  actions:
                    - name: restart
                      type: restart
                """
                        .formatted(name, triggersYaml.indent(4).stripTrailing());
        PolicyFile file =
                PolicyReader.readText(name + ".yaml", yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(file.diagnostics()).isEmpty();
        PolicyDocument doc = file.documents().get(0);
        try {
            return PolicyUpdate.of(
                    name,
                    doc.policy().version(),
                    Json.mapper().writeValueAsString(doc.document()),
                    System.currentTimeMillis());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String CRASH_LOOP =
            """
            - name: back-off
              type: event
              eventTrigger: {reason: BackOff, type: Warning, count: 3, window: 5m}
            """;

    private static PatternKey key(PolicyUpdate policy, String trigger) {
        return new PatternKey(policy.name, policy.version, TARGET, trigger);
    }

    private void signal(Signal s) throws Exception {
        harness.processElement1(new StreamRecord<>(s, s.timestampMs));
    }

    private void watermark(long ts) throws Exception {
        harness.processBothWatermarks(new Watermark(ts));
    }

    private List<PatternMatch> matches() {
        return harness.extractOutputValues();
    }

    // ------------------------------------------------------------------ patterns

    @Test
    void eventTriggerFiresOnTheCountWithinTheWindow() throws Exception {
        PolicyUpdate p = policy("crash-loop", CRASH_LOOP);
        broadcast(p);
        PatternKey k = key(p, "back-off");

        signal(Signal.event(k, T0, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + MINUTE, "Started", "Normal"));
        signal(Signal.event(k, T0 + 2 * MINUTE, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + 3 * MINUTE, "BackOff", "Warning"));
        watermark(T0 + 3 * MINUTE);

        assertThat(matches()).hasSize(1);
        PatternMatch m = matches().get(0);
        assertThat(m.key).isEqualTo(k.format());
        assertThat(m.firstEvidenceAtMs).isEqualTo(T0);
        assertThat(m.detectedAtMs).isEqualTo(T0 + 3 * MINUTE);
        assertThat(m.signals).isEqualTo(3);
    }

    @Test
    void eventTriggerDoesNotFireOnASingleRestartOrSpreadOutOnes() throws Exception {
        PolicyUpdate p = policy("crash-loop", CRASH_LOOP);
        broadcast(p);
        PatternKey k = key(p, "back-off");

        signal(Signal.event(k, T0, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + 4 * MINUTE, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + 8 * MINUTE, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + 8 * MINUTE + SECOND, "BackOff", "Normal"));
        watermark(T0 + 20 * MINUTE);

        assertThat(matches()).isEmpty();
    }

    @Test
    void trendTriggerNeedsConsecutiveConfirmations() throws Exception {
        PolicyUpdate p =
                policy(
                        "leak",
                        """
                        - name: growth
                          type: trend
                          trendTrigger: {metric: container_memory_working_set_bytes, pattern: growth, relativeTo: limit}
                        """);
        broadcast(p);
        PatternKey k = key(p, "growth");

        signal(Signal.feature(k, T0, true, Map.of("slope", 1.0)));
        signal(Signal.feature(k, T0 + 30 * SECOND, false, Map.of("slope", 0.1)));
        signal(Signal.feature(k, T0 + 60 * SECOND, true, Map.of("slope", 2.0)));
        watermark(T0 + 60 * SECOND);
        assertThat(matches()).isEmpty();

        signal(Signal.feature(k, T0 + 90 * SECOND, true, Map.of("slope", 3.0)));
        watermark(T0 + 90 * SECOND);
        assertThat(matches()).hasSize(1);
        assertThat(matches().get(0).firstEvidenceAtMs).isEqualTo(T0 + 60 * SECOND);
        assertThat(matches().get(0).evidence).containsEntry("slope", 3.0);
    }

    @Test
    void signalsAreOrderedByEventTimeBeforeMatching() throws Exception {
        PolicyUpdate p =
                policy(
                        "leak",
                        """
                        - name: growth
                          type: trend
                          trendTrigger: {metric: m, pattern: growth, minSlope: 1}
                        """);
        broadcast(p);
        PatternKey k = key(p, "growth");
        // out of order: the unsatisfied point sits between the two satisfied ones in event time
        signal(Signal.feature(k, T0 + 60 * SECOND, true, Map.of()));
        signal(Signal.feature(k, T0, true, Map.of()));
        signal(Signal.feature(k, T0 + 30 * SECOND, false, Map.of()));
        watermark(T0 + 60 * SECOND);
        assertThat(matches()).isEmpty();
    }

    @Test
    void conditionTriggerFiresWhenTheConditionHoldsForItsDuration() throws Exception {
        PolicyUpdate p =
                policy(
                        "not-ready",
                        """
                        - name: unready
                          type: condition
                          conditionTrigger: {type: Ready, status: "False", duration: 3m}
                        """);
        broadcast(p);
        PatternKey k = key(p, "unready");

        // recovers in time: no match
        signal(Signal.condition(k, T0, "Ready", "False"));
        signal(Signal.condition(k, T0 + MINUTE, "Ready", "True"));
        // stays unready: a match once the watermark passes the duration
        signal(Signal.condition(k, T0 + 10 * MINUTE, "Ready", "False"));
        watermark(T0 + 12 * MINUTE);
        assertThat(matches()).isEmpty();
        watermark(T0 + 14 * MINUTE);
        assertThat(matches()).hasSize(1);
        assertThat(matches().get(0).firstEvidenceAtMs).isEqualTo(T0 + 10 * MINUTE);
    }

    @Test
    void sequenceTriggerWithAnAbsentStep() throws Exception {
        PolicyUpdate p =
                policy(
                        "restart-not-ready",
                        """
                        - name: seq
                          type: sequence
                          sequenceTrigger:
                            steps:
                              - event: {reason: Killing}
                              - event: {reason: Started}
                            within: 5m
                            absent: {condition: {type: Ready, status: "True"}}
                        """);
        broadcast(p);
        PatternKey k = key(p, "seq");

        // became ready: no match
        signal(Signal.event(k, T0, "Killing", "Normal"));
        signal(Signal.event(k, T0 + 10 * SECOND, "Started", "Normal"));
        signal(Signal.condition(k, T0 + 40 * SECOND, "Ready", "True"));
        // never ready again: a match when the window closes
        signal(Signal.event(k, T0 + 20 * MINUTE, "Killing", "Normal"));
        signal(Signal.event(k, T0 + 20 * MINUTE + 10 * SECOND, "Started", "Normal"));
        watermark(T0 + 30 * MINUTE);

        assertThat(matches()).hasSize(1);
        assertThat(matches().get(0).firstEvidenceAtMs).isEqualTo(T0 + 20 * MINUTE);
    }

    @Test
    void metricTriggerNeedsTheThresholdCrossedForItsDuration() throws Exception {
        PolicyUpdate p =
                policy(
                        "classic",
                        """
                        - name: high
                          type: metric
                          metricTrigger: {query: memory_usage_percent, threshold: 90, operator: ">", duration: 1m}
                        """);
        broadcast(p);
        PatternKey k = key(p, "high");
        signal(Signal.threshold(k, T0, true, 95));
        signal(Signal.threshold(k, T0 + 30 * SECOND, false, 80));
        signal(Signal.threshold(k, T0 + 60 * SECOND, true, 95));
        signal(Signal.threshold(k, T0 + 90 * SECOND, true, 97));
        watermark(T0 + 2 * MINUTE);
        assertThat(matches()).hasSize(1);
        assertThat(matches().get(0).evidence).containsEntry("value", 97.0);
    }

    // ------------------------------------------------------------------ reload and cleanup

    @Test
    void aChangedPolicyTakesEffectAndClearsTheOldVersionsState() throws Exception {
        PolicyUpdate v1 = policy("crash-loop", CRASH_LOOP);
        broadcast(v1);
        PatternKey k1 = key(v1, "back-off");
        signal(Signal.event(k1, T0, "BackOff", "Warning"));
        signal(Signal.event(k1, T0 + MINUTE, "BackOff", "Warning"));
        watermark(T0 + MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        PolicyUpdate v2 = policy("crash-loop", CRASH_LOOP.replace("count: 3", "count: 2"));
        assertThat(v2.version).isNotEqualTo(v1.version);
        broadcast(v2);
        assertThat(harness.numKeyedStateEntries()).as("v1 state cleared").isZero();

        // a late v1 signal is stale, v2 signals match with the new count
        signal(Signal.event(k1, T0 + 2 * MINUTE, "BackOff", "Warning"));
        PatternKey k2 = key(v2, "back-off");
        signal(Signal.event(k2, T0 + 2 * MINUTE, "BackOff", "Warning"));
        signal(Signal.event(k2, T0 + 3 * MINUTE, "BackOff", "Warning"));
        watermark(T0 + 3 * MINUTE);
        assertThat(matches()).extracting(m -> m.key).containsExactly(k2.format());
    }

    @Test
    void anUnchangedPolicyKeepsItsState() throws Exception {
        PolicyUpdate v1 = policy("crash-loop", CRASH_LOOP);
        broadcast(v1);
        PatternKey k = key(v1, "back-off");
        signal(Signal.event(k, T0, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + MINUTE, "BackOff", "Warning"));
        watermark(T0 + MINUTE);

        broadcast(policy("crash-loop", CRASH_LOOP));

        signal(Signal.event(k, T0 + 2 * MINUTE, "BackOff", "Warning"));
        watermark(T0 + 2 * MINUTE);
        assertThat(matches()).hasSize(1);
    }

    @Test
    void aRemovedPolicyClearsItsStateAndStopsMatching() throws Exception {
        PolicyUpdate v1 = policy("crash-loop", CRASH_LOOP);
        broadcast(v1);
        PatternKey k = key(v1, "back-off");
        signal(Signal.event(k, T0, "BackOff", "Warning"));
        signal(Signal.event(k, T0 + MINUTE, "BackOff", "Warning"));
        watermark(T0 + MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        broadcast(PolicyUpdate.removal("crash-loop", 0));
        assertThat(harness.numKeyedStateEntries()).isZero();

        signal(Signal.event(k, T0 + 2 * MINUTE, "BackOff", "Warning"));
        watermark(T0 + 3 * MINUTE);
        assertThat(matches()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();

        // timers set before the removal fire, find no state and set no new ones
        watermark(T0 + Duration.ofHours(2).toMillis());
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(matches()).isEmpty();
    }

    @Test
    void anIdleKeyIsClearedAndLeavesNoTimers() throws Exception {
        PolicyUpdate p = policy("crash-loop", CRASH_LOOP);
        broadcast(p);
        PatternKey k = key(p, "back-off");
        signal(Signal.event(k, T0, "BackOff", "Warning"));
        watermark(T0 + MINUTE);
        assertThat(harness.numKeyedStateEntries()).isPositive();

        watermark(T0 + Duration.ofHours(2).toMillis());

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}

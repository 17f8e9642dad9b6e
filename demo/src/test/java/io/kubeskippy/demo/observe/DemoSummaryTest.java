package io.kubeskippy.demo.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.demo.cluster.AppRole;
import io.kubeskippy.demo.cluster.AppSnapshot;
import io.kubeskippy.model.record.HealingAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

    static final List<AppSnapshot> APPS =
            List.of(
                    app("memory-leak-app", AppRole.FAULTY, 0, 2),
                    app("steady-api", AppRole.CONTROL, 0, 0),
                    app("chaos-monkey-component", AppRole.PROTECTED, 1, 0));

    static AppSnapshot app(String name, AppRole role, int oomKills, int prevented) {
        return new AppSnapshot(
                name,
                "demo",
                role,
                "-",
                1,
                1,
                List.of(),
                List.of(),
                256L << 20,
                0,
                oomKills,
                prevented,
                0);
    }

    static LoopSnapshot.TargetTally tally(String kind, String name, Map<String, Integer> outcomes) {
        return new LoopSnapshot.TargetTally(kind, "demo", name, 1, 0, 1, outcomes, List.of());
    }

    static LoopSnapshot loop(List<LoopSnapshot.TargetTally> targets, List<Long> latencies) {
        return new LoopSnapshot(
                targets,
                3,
                1,
                3,
                Map.of("restart", 2),
                Map.of(),
                Map.of(),
                latencies,
                List.of(30.0, 50.0),
                0,
                0,
                List.of(),
                List.of(),
                0);
    }

    @Test
    void countsOnlyExecutedOutcomesOnControlsAndTheProtectedApp() {
        LoopSnapshot loop =
                loop(
                        List.of(
                                tally("Deployment", "memory-leak-app", Map.of("Succeeded", 1)),
                                tally("Pod", "steady-api-5d9f-x2k4", Map.of("DryRun", 2)),
                                tally(
                                        "Pod",
                                        "chaos-monkey-component-77c-abcde",
                                        Map.of("Blocked", 3, "Failed", 1))),
                        List.of(100L));

        DemoSummary s =
                DemoSummary.of(loop, APPS, Duration.ofMinutes(5), Duration.ofSeconds(30), "x");

        assertThat(s.actionsOnControls()).isZero();
        assertThat(s.actionsOnProtected()).isEqualTo(1);
        assertThat(s.oomKills()).isEqualTo(1);
        assertThat(s.oomKillsPrevented()).isEqualTo(2);
        assertThat(s.meanTimeToHealSec()).isEqualTo(40.0);
        assertThat(s.durationSec()).isEqualTo(300.0);
    }

    @Test
    void p99IsTheNearestRank() {
        assertThat(DemoSummary.p99(List.of())).isNull();
        assertThat(DemoSummary.p99(List.of(7L))).isEqualTo(7L);
        List<Long> hundred = new java.util.ArrayList<>();
        for (long i = 100; i >= 1; i--) {
            hundred.add(i);
        }
        assertThat(DemoSummary.p99(hundred)).isEqualTo(99L);
        hundred.add(1000L);
        assertThat(DemoSummary.p99(hundred)).isEqualTo(100L);
    }

    @Test
    void realClusterLeavesWhatItCannotCountNull() {
        DemoSummary s =
                DemoSummary.of(loop(List.of(), List.of()), null, Duration.ZERO, null, "rule-only");
        assertThat(s.mode()).isEqualTo("kube-context");
        assertThat(s.oomKills()).isNull();
        assertThat(s.actionsOnControls()).isNull();
        assertThat(s.p99DetectionLatencyMs()).isNull();
        assertThat(s.toJson())
                .startsWith("{\"oomKills\":null,\"oomKillsPrevented\":null,\"actionsByType\"")
                .contains("\"p99DetectionLatencyMs\":null");
    }

    @Test
    void targetsBelongToTheAppTheyAreNamedAfter() {
        assertThat(AppTargets.appOf("demo", "memory-leak-app", APPS))
                .map(AppSnapshot::name)
                .contains("memory-leak-app");
        assertThat(AppTargets.appOf("demo", "memory-leak-app-7f9c-x2k4", APPS))
                .map(AppSnapshot::name)
                .contains("memory-leak-app");
        assertThat(AppTargets.appOf("demo", "memory-leak-apple", APPS)).isEmpty();
        assertThat(AppTargets.appOf("other", "memory-leak-app", APPS)).isEmpty();
    }

    @Test
    void blockedReasonIsTheGateLabel() {
        assertThat(LoopRecorder.reasonLabel("protected_object: Pod demo/x has ..."))
                .isEqualTo("protected_object");
        assertThat(LoopRecorder.reasonLabel(null)).isEqualTo("unknown");
        assertThat(LoopRecorder.reasonLabel("Something else: x")).isEqualTo("other");
        assertThat(LoopRecorder.isFallback("no LLM configured")).isFalse();
        assertThat(LoopRecorder.isFallback("ai.enabled is false in policy p")).isFalse();
        assertThat(LoopRecorder.isFallback("LLM timed out after 10s")).isTrue();
    }

    @Test
    void onlyAValidReplyCountsAsAReplyAndAFailedCallIsAFallback() {
        var ollama = HealingAction.Enrichment.Source.OLLAMA;
        var valid =
                new HealingAction.Enrichment(
                        ollama, "m", 0.8, "s", "r", null, List.of("a"), 900L, null);
        var failed =
                new HealingAction.Enrichment(
                        ollama,
                        "m",
                        null,
                        null,
                        null,
                        null,
                        null,
                        10_000L,
                        "no reply within 10000 ms");
        var dropped =
                new HealingAction.Enrichment(
                        ollama, "m", null, null, null, null, null, 800L, "reply dropped: x");

        assertThat(LoopRecorder.isReply(valid)).isTrue();
        assertThat(LoopRecorder.isReply(failed)).isFalse();
        assertThat(LoopRecorder.isReply(dropped)).isFalse();
        assertThat(LoopRecorder.isFallback(failed.fallbackReason())).isTrue();
        assertThat(LoopRecorder.isReply(HealingAction.Enrichment.none("no LLM configured")))
                .isFalse();
    }
}

package io.kubeskippy.job.policytest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.policytest.ActionMatcher.Emitted;
import io.kubeskippy.job.policytest.PolicyTestFile.ExpectedAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact comparison of expected and emitted actions, and the diff it reports. */
class ActionMatcherTest {

    private static final String LEAK = "Deployment/shop/leaky";

    private static Duration m(double minutes) {
        return Duration.ofSeconds(Math.round(minutes * 60));
    }

    private static ExpectedAction within(String target, Duration after, Duration before) {
        return new ExpectedAction(
                1, "memory-leak", target, "rollout-restart", null, after, before, null, null);
    }

    private static Emitted emitted(String target, Duration at, boolean dryRun) {
        return new Emitted(
                "memory-leak",
                target,
                "rollout-restart",
                PolicyTests.at(at),
                dryRun,
                false,
                Map.of());
    }

    @Test
    void passesWhenEveryExpectedActionHasItsOwnEmittedOne() {
        assertThat(
                        ActionMatcher.diff(
                                List.of(within(LEAK, m(5), m(20))),
                                List.of(emitted(LEAK, m(17.5), false))))
                .isEmpty();
        assertThat(ActionMatcher.diff(List.of(), List.of())).isEmpty();
    }

    @Test
    void matchesOverlappingBoundsWhateverTheirOrder() {
        // first-fit would give the 6m action to the wide bound and leave the narrow one empty
        assertThat(
                        ActionMatcher.diff(
                                List.of(within(LEAK, null, m(10)), within(LEAK, m(5), m(10))),
                                List.of(emitted(LEAK, m(6), false), emitted(LEAK, m(2), false))))
                .isEmpty();
    }

    @Test
    void reportsALateActionAsANearMiss() {
        assertThat(
                        ActionMatcher.diff(
                                List.of(within(LEAK, m(5), m(25))),
                                List.of(emitted(LEAK, m(26.25), false))))
                .containsExactly(
                        "~ memory-leak Deployment/shop/leaky rollout-restart: detectedAt 26m15s,"
                                + " expected in [5m, 25m)");
    }

    @Test
    void reportsFlagsThatDiffer() {
        ExpectedAction dry =
                new ExpectedAction(
                        1, "memory-leak", LEAK, "rollout-restart", m(3), null, null, true, false);
        assertThat(ActionMatcher.diff(List.of(dry), List.of(emitted(LEAK, m(3), false))))
                .containsExactly(
                        "~ memory-leak Deployment/shop/leaky rollout-restart: dryRun false,"
                                + " expected true");
        assertThat(ActionMatcher.diff(List.of(dry), List.of(emitted(LEAK, m(3), true)))).isEmpty();
    }

    @Test
    void reportsMissingAndUnexpectedActions() {
        assertThat(
                        ActionMatcher.diff(
                                List.of(within("Deployment/shop/other", m(5), null)),
                                List.of(emitted(LEAK, m(6), true))))
                .containsExactly(
                        "- missing:    memory-leak Deployment/shop/other rollout-restart,"
                                + " detectedAt at or after 5m",
                        "+ unexpected: memory-leak Deployment/shop/leaky rollout-restart at 6m"
                                + " dryRun");
        assertThat(ActionMatcher.diff(List.of(), List.of(emitted(LEAK, m(6), false))))
                .containsExactly(
                        "+ unexpected: memory-leak Deployment/shop/leaky rollout-restart at 6m");
    }

    @Test
    void anActionCountsOnce() {
        assertThat(
                        ActionMatcher.diff(
                                List.of(within(LEAK, null, null), within(LEAK, null, null)),
                                List.of(emitted(LEAK, m(6), false))))
                .containsExactly("- missing:    memory-leak Deployment/shop/leaky rollout-restart");
    }
}

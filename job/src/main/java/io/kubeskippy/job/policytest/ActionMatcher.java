package io.kubeskippy.job.policytest;

import io.kubeskippy.job.policytest.PolicyTestFile.ExpectedAction;
import io.kubeskippy.model.record.HealingAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Compares the actions a replay emitted with the ones a case expects, exactly: every expected
 * action must be matched by its own emitted action (same policy, target and action, detectedAt
 * within the bounds, dryRun and approvalRequired as given), and no emitted action may be left over.
 * Pure.
 *
 * <p>Matching is a maximum bipartite matching, so overlapping bounds never make a passing case fail
 * because of the order they are written in. What is left over is reported as a diff: an expected
 * and an emitted action for the same policy, target and action are paired as a near miss ({@code
 * ~}, saying what differs); the rest are missing ({@code -}) or unexpected ({@code +}).
 */
public final class ActionMatcher {

    private ActionMatcher() {}

    /** An action the replay emitted, reduced to what a test can expect. */
    public record Emitted(
            String policy,
            String target,
            String action,
            Instant detectedAt,
            boolean dryRun,
            boolean approvalRequired,
            Map<String, Object> evidence) {

        public Emitted {
            evidence = evidence == null ? Map.of() : evidence;
        }

        public static Emitted of(HealingAction a) {
            return new Emitted(
                    a.spec().policyRef().name(),
                    a.spec().targetResource().id(),
                    a.spec().action().name(),
                    a.spec().detection().detectedAt(),
                    a.spec().dryRun(),
                    a.spec().approvalRequired(),
                    a.spec().detection().evidence());
        }

        /** {@code policy target action at 3m20s [dryRun]}. */
        public String describe() {
            return policy
                    + " "
                    + target
                    + " "
                    + action
                    + " at "
                    + PolicyTests.offset(detectedAt)
                    + (dryRun ? " dryRun" : "")
                    + (approvalRequired ? " approvalRequired" : "");
        }
    }

    /** The differences; none means the case passes. */
    public static List<String> diff(List<ExpectedAction> expected, List<Emitted> emitted) {
        int[] matchOf = match(expected, emitted);
        boolean[] used = new boolean[emitted.size()];
        List<Integer> unmatched = new ArrayList<>();
        for (int e = 0; e < expected.size(); e++) {
            if (matchOf[e] >= 0) {
                used[matchOf[e]] = true;
            } else {
                unmatched.add(e);
            }
        }
        List<String> diff = new ArrayList<>();
        for (int e : unmatched) {
            ExpectedAction x = expected.get(e);
            int near = nearMiss(x, emitted, used);
            if (near >= 0) {
                used[near] = true;
                diff.add("~ " + name(x) + ": " + differences(x, emitted.get(near)));
            } else {
                diff.add("- missing:    " + describe(x));
            }
        }
        for (int g = 0; g < emitted.size(); g++) {
            if (!used[g]) {
                diff.add("+ unexpected: " + emitted.get(g).describe());
            }
        }
        return diff;
    }

    /** Whether {@code g} satisfies {@code x} in every respect. */
    static boolean matches(ExpectedAction x, Emitted g) {
        return sameAction(x, g) && inTime(x, g.detectedAt()) && flagsMatch(x, g);
    }

    private static boolean sameAction(ExpectedAction x, Emitted g) {
        return x.policy().equals(g.policy())
                && x.target().equals(g.target())
                && x.action().equals(g.action());
    }

    private static boolean inTime(ExpectedAction x, Instant t) {
        Duration offset = Duration.between(PolicyTests.START, t);
        if (x.at() != null) {
            return offset.equals(x.at());
        }
        return (x.after() == null || offset.compareTo(x.after()) >= 0)
                && (x.before() == null || offset.compareTo(x.before()) < 0);
    }

    private static boolean flagsMatch(ExpectedAction x, Emitted g) {
        return (x.dryRun() == null || x.dryRun() == g.dryRun())
                && (x.approvalRequired() == null || x.approvalRequired() == g.approvalRequired());
    }

    /** Kuhn's augmenting paths: for each expected action, the emitted one it is matched with. */
    private static int[] match(List<ExpectedAction> expected, List<Emitted> emitted) {
        int[] matchOf = new int[expected.size()];
        int[] owner = new int[emitted.size()];
        Arrays.fill(matchOf, -1);
        Arrays.fill(owner, -1);
        for (int e = 0; e < expected.size(); e++) {
            augment(e, expected, emitted, owner, matchOf, new boolean[emitted.size()]);
        }
        return matchOf;
    }

    private static boolean augment(
            int e,
            List<ExpectedAction> expected,
            List<Emitted> emitted,
            int[] owner,
            int[] matchOf,
            boolean[] seen) {
        for (int g = 0; g < emitted.size(); g++) {
            if (seen[g] || !matches(expected.get(e), emitted.get(g))) {
                continue;
            }
            seen[g] = true;
            if (owner[g] < 0 || augment(owner[g], expected, emitted, owner, matchOf, seen)) {
                owner[g] = e;
                matchOf[e] = g;
                return true;
            }
        }
        return false;
    }

    /** The unused emitted action of the same policy, target and action closest in time, or -1. */
    private static int nearMiss(ExpectedAction x, List<Emitted> emitted, boolean[] used) {
        Instant aim = PolicyTests.at(aim(x));
        int best = -1;
        for (int g = 0; g < emitted.size(); g++) {
            if (used[g] || !sameAction(x, emitted.get(g))) {
                continue;
            }
            if (best < 0
                    || distance(emitted.get(g), aim).compareTo(distance(emitted.get(best), aim))
                            < 0) {
                best = g;
            }
        }
        return best;
    }

    private static Duration aim(ExpectedAction x) {
        if (x.at() != null) {
            return x.at();
        }
        if (x.after() != null) {
            return x.after();
        }
        return x.before() != null ? x.before() : Duration.ZERO;
    }

    private static Duration distance(Emitted g, Instant aim) {
        return Duration.between(g.detectedAt(), aim).abs();
    }

    private static String differences(ExpectedAction x, Emitted g) {
        List<String> out = new ArrayList<>();
        if (!inTime(x, g.detectedAt())) {
            out.add("detectedAt " + PolicyTests.offset(g.detectedAt()) + ", expected " + bounds(x));
        }
        if (x.dryRun() != null && x.dryRun() != g.dryRun()) {
            out.add("dryRun " + g.dryRun() + ", expected " + x.dryRun());
        }
        if (x.approvalRequired() != null && x.approvalRequired() != g.approvalRequired()) {
            out.add(
                    "approvalRequired "
                            + g.approvalRequired()
                            + ", expected "
                            + x.approvalRequired());
        }
        return String.join("; ", out);
    }

    private static String name(ExpectedAction x) {
        return x.policy() + " " + x.target() + " " + x.action();
    }

    /** {@code policy target action, detectedAt in [5m, 20m), dryRun}. */
    public static String describe(ExpectedAction x) {
        String flags =
                (x.dryRun() == null ? "" : ", dryRun " + x.dryRun())
                        + (x.approvalRequired() == null
                                ? ""
                                : ", approvalRequired " + x.approvalRequired());
        String when = bounds(x);
        return name(x) + (when.equals("at any time") ? "" : ", detectedAt " + when) + flags;
    }

    /** {@code 3m20s}, {@code in [5m, 20m)}, {@code before 20m}, {@code at or after 5m}. */
    static String bounds(ExpectedAction x) {
        if (x.at() != null) {
            return PolicyTests.offset(x.at());
        }
        if (x.after() != null && x.before() != null) {
            return "in ["
                    + PolicyTests.offset(x.after())
                    + ", "
                    + PolicyTests.offset(x.before())
                    + ")";
        }
        if (x.before() != null) {
            return "before " + PolicyTests.offset(x.before());
        }
        if (x.after() != null) {
            return "at or after " + PolicyTests.offset(x.after());
        }
        return "at any time";
    }

    /** The emitted actions in detection order, then by target. */
    static List<Emitted> sorted(List<Emitted> emitted) {
        List<Emitted> out = new ArrayList<>(emitted);
        out.sort(
                Comparator.comparing(Emitted::detectedAt)
                        .thenComparing(Emitted::target)
                        .thenComparing(Emitted::policy));
        return out;
    }
}

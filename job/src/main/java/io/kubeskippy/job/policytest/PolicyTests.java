package io.kubeskippy.job.policytest;

import io.kubeskippy.model.policy.Durations;
import java.time.Duration;
import java.time.Instant;

/** The fixed clock of policy tests: every offset in a test file counts from {@link #START}. */
public final class PolicyTests {

    /** When every test case starts: the first value of each input series is taken here. */
    public static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    /** Time between two values of an input series unless a case sets {@code interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);

    private PolicyTests() {}

    /** {@link #START} plus {@code offset}. */
    public static Instant at(Duration offset) {
        return START.plus(offset);
    }

    /** The offset of {@code instant} from {@link #START}, e.g. {@code 6m15s} or {@code -1m}. */
    public static String offset(Instant instant) {
        return offset(Duration.between(START, instant));
    }

    /** An offset as a test file writes it: {@code 6m15s}, {@code -1m}, {@code 0s}. */
    public static String offset(Duration offset) {
        return offset.isNegative()
                ? "-" + Durations.format(offset.negated())
                : Durations.format(offset);
    }

    /**
     * Parses an offset: a duration such as {@code 90s} or {@code 5m}, with a leading {@code -} for
     * a time before the start.
     *
     * @throws IllegalArgumentException naming the accepted form
     */
    public static Duration parseOffset(String text) {
        String s = text.strip();
        if (s.startsWith("-")) {
            return Durations.parse(s.substring(1)).negated();
        }
        return Durations.parse(s);
    }
}

package io.kubeskippy.job.enrich;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Skips the LLM while it is failing: after {@code failures} consecutive failed enrichments the
 * breaker opens for {@code coolOff}; then one trial call is let through (half-open), and its
 * success closes the breaker while its failure opens it again. Thread-safe.
 */
final class CircuitBreaker {

    /** Closed: calls go through; open: skipped; half-open: one trial in flight. */
    enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    /** Whether a call may go ahead, and if not, why. */
    record Permit(boolean allowed, String reason) {}

    private final int failures;
    private final long coolOffNanos;
    private final LongSupplier nanoTime;

    private State state = State.CLOSED;
    private int consecutive;
    private long openedAtNanos;
    private String lastFailure = "";

    CircuitBreaker(int failures, Duration coolOff, LongSupplier nanoTime) {
        this.failures = failures;
        this.coolOffNanos = coolOff.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Asks to call; when half-open, only the first caller gets the trial. */
    synchronized Permit tryAcquire() {
        if (state == State.OPEN && nanoTime.getAsLong() - openedAtNanos >= coolOffNanos) {
            state = State.HALF_OPEN;
            return new Permit(true, null);
        }
        if (state == State.CLOSED) {
            return new Permit(true, null);
        }
        long leftMs =
                Math.max(0, (coolOffNanos - (nanoTime.getAsLong() - openedAtNanos)) / 1_000_000);
        return new Permit(
                false,
                "LLM skipped: circuit breaker "
                        + (state == State.OPEN ? "open" : "half-open, a trial call in flight")
                        + " after "
                        + consecutive
                        + " consecutive failures (last: "
                        + lastFailure
                        + ")"
                        + (state == State.OPEN ? "; next trial in " + leftMs + " ms" : ""));
    }

    synchronized void onSuccess() {
        state = State.CLOSED;
        consecutive = 0;
    }

    synchronized void onFailure(String reason) {
        consecutive++;
        lastFailure = Prompt.clip(reason, 160);
        if (state == State.HALF_OPEN || consecutive >= failures) {
            state = State.OPEN;
            openedAtNanos = nanoTime.getAsLong();
        }
    }

    synchronized State state() {
        return state;
    }
}

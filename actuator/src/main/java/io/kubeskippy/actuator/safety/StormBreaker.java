package io.kubeskippy.actuator.safety;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When the gate blocks on the storm breaker, whether the breaker just opened (so that its Event is
 * recorded once per opening, not once per blocked action), and whether the cluster-wide breaker is
 * open now. Thread-safe.
 */
public final class StormBreaker {

    /** The scope of the cluster-wide breaker; workloads use their id. */
    public static final String CLUSTER = "cluster";

    private final Duration window;
    private final Map<String, Instant> openUntil = new HashMap<>();

    public StormBreaker(Duration window) {
        this.window = window;
    }

    /**
     * Notes a block by the breaker of {@code scope} at {@code now}.
     *
     * @return true when it was closed until now: the opening to report
     */
    public synchronized boolean trip(String scope, Instant now) {
        Instant until = openUntil.get(scope);
        openUntil.put(scope, now.plus(window));
        return until == null || !now.isBefore(until);
    }

    /** Whether the cluster-wide breaker blocked within the last window. */
    public synchronized boolean clusterOpen(Instant now) {
        Instant until = openUntil.get(CLUSTER);
        return until != null && now.isBefore(until);
    }
}

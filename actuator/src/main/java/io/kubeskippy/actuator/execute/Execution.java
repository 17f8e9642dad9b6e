package io.kubeskippy.actuator.execute;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What acting and verifying one plan needs: the cluster, when the plan was first applied (for
 * telling replacement pods from old ones), the workload of the target, and until when to wait.
 *
 * @param workload the target's workload as observed; null for a bare pod
 * @param podsBefore uids of the workload's pods just before acting (none when an interrupted action
 *     is taken up again): a replacement pod is none of them
 */
public record Execution(
        Cluster cluster,
        ChangeApplier applier,
        Clock clock,
        Instant actedAt,
        Instant deadline,
        Duration pollInterval,
        LiveObject workload,
        java.util.Set<String> podsBefore) {

    public Execution {
        podsBefore = podsBefore == null ? java.util.Set.of() : java.util.Set.copyOf(podsBefore);
    }

    /** Sleeps one poll interval, not past the deadline. */
    void pause() throws InterruptedException {
        long left = Duration.between(clock.instant(), deadline).toMillis();
        Thread.sleep(Math.max(1, Math.min(pollInterval.toMillis(), left)));
    }

    boolean expired() {
        return !clock.instant().isBefore(deadline);
    }
}

package io.kubeskippy.actuator.safety;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The actions executed so far, as the rate limits and the storm breaker count them. The gate asks
 * it only about actions that do not count yet, so no action ever counts against itself.
 */
public interface ActionHistory {

    /** When {@code targetId} was last acted on, if ever. */
    Optional<Instant> lastActedOn(String targetId);

    /** Actions executed since {@code since}; of {@code policy} only, unless it is null. */
    int actedSince(Instant since, String policy);

    /** How many distinct targets were acted on since {@code since}. */
    int targetsActedSince(Instant since);

    /**
     * The distinct targets of {@code workloadId} acted on since {@code since}: its pods, and the
     * workload itself when it was acted on as a whole (a rollout restart).
     */
    Set<String> workloadTargetsActedSince(String workloadId, Instant since);

    /** An empty history. */
    ActionHistory NONE =
            new ActionHistory() {
                @Override
                public Optional<Instant> lastActedOn(String targetId) {
                    return Optional.empty();
                }

                @Override
                public int actedSince(Instant since, String policy) {
                    return 0;
                }

                @Override
                public int targetsActedSince(Instant since) {
                    return 0;
                }

                @Override
                public Set<String> workloadTargetsActedSince(String workloadId, Instant since) {
                    return Set.of();
                }
            };
}

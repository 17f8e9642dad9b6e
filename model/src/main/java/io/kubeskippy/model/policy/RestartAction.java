package io.kubeskippy.model.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How to restart: {@code rolling} by default, one at a time, 30 s grace (the seed's defaults). */
public record RestartAction(Strategy strategy, Integer maxConcurrent, Integer gracePeriodSeconds) {

    /** The seed's restart strategies. */
    public enum Strategy {
        @JsonProperty("recreate")
        RECREATE,
        @JsonProperty("rolling")
        ROLLING,
        @JsonProperty("graceful")
        GRACEFUL
    }

    public static final RestartAction DEFAULTS = new RestartAction(null, null, null);

    public RestartAction {
        strategy = strategy == null ? Strategy.ROLLING : strategy;
        maxConcurrent = maxConcurrent == null ? 1 : maxConcurrent;
        gracePeriodSeconds = gracePeriodSeconds == null ? 30 : gracePeriodSeconds;
    }
}

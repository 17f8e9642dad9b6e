package io.kubeskippy.model.policy;

import java.time.Duration;
import java.util.List;

/** The seed's safety rules: at most 10 actions per hour by default. */
public record SafetyRules(
        int maxActionsPerHour,
        List<ResourceSelector> protectedResources,
        boolean requireHealthCheck,
        Duration healthCheckTimeout) {

    public static final int DEFAULT_MAX_ACTIONS_PER_HOUR = 10;
    public static final Duration DEFAULT_HEALTH_CHECK_TIMEOUT = Duration.ofMinutes(5);
    public static final SafetyRules DEFAULTS =
            new SafetyRules(DEFAULT_MAX_ACTIONS_PER_HOUR, null, false, null);

    public SafetyRules {
        protectedResources =
                protectedResources == null ? List.of() : List.copyOf(protectedResources);
        healthCheckTimeout =
                healthCheckTimeout == null ? DEFAULT_HEALTH_CHECK_TIMEOUT : healthCheckTimeout;
    }
}

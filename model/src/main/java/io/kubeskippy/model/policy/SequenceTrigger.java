package io.kubeskippy.model.policy;

import java.time.Duration;
import java.util.List;

/**
 * Ordered steps (each an event or a condition) that all happen within {@code within}; with {@code
 * absent}, that step must not happen within {@code within} after the last one (e.g. no Ready within
 * 5m of a restart).
 */
public record SequenceTrigger(List<Step> steps, Duration within, Step absent) {

    public SequenceTrigger {
        steps = List.copyOf(steps);
    }

    /** One step: an event (reason and optional type) or a condition (type and status). */
    public record Step(String name, EventMatch event, ConditionMatch condition) {}

    /** A Kubernetes Event, matched literally. */
    public record EventMatch(String reason, String type) {}

    /** A pod condition in a status. */
    public record ConditionMatch(String type, String status) {}
}

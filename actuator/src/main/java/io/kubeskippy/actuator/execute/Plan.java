package io.kubeskippy.actuator.execute;

import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.model.record.Change;
import java.util.List;

/**
 * The desired change of one action, decided before anything is changed: the changes (old and new
 * value of each field), what to call it, and the Event reason for the target. A plan is recorded in
 * the HealingAction's status before it is applied, so an interrupted action is finished from its
 * plan, never planned twice.
 *
 * @param summary e.g. "delete Pod shop/cart-7f9c (grace 30s)"
 */
public record Plan(String summary, List<Change> changes, EventReason event) {

    public Plan {
        changes = List.copyOf(changes);
    }

    /** Nothing to change: the target is already as desired. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }
}

package io.kubeskippy.actuator.approval;

import io.kubeskippy.actuator.audit.ActionStatuses;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.actuator.safety.ApprovalState;
import io.kubeskippy.model.record.HealingAction;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Approving and rejecting actions that wait, through annotations on their HealingAction, so that
 * {@code kubectl annotate} works as well as {@code skippy actions approve}: {@code
 * kubeskippy.io/approved=true} or {@code kubeskippy.io/rejected=true}, optionally with who ({@code
 * kubeskippy.io/decided-by}), when ({@code kubeskippy.io/decided-at}) and why ({@code
 * kubeskippy.io/reason}). A rejection wins over an approval.
 */
public final class Approvals {

    public static final String APPROVED = "kubeskippy.io/approved";
    public static final String REJECTED = "kubeskippy.io/rejected";
    public static final String DECIDED_BY = "kubeskippy.io/decided-by";
    public static final String DECIDED_AT = "kubeskippy.io/decided-at";
    public static final String REASON = "kubeskippy.io/reason";

    private Approvals() {}

    /** The approval state of {@code action}, from its annotations and status. */
    public static ApprovalState state(HealingAction action) {
        Map<String, String> a = action.metadata().annotations();
        Instant requested = ActionStatuses.approvalRequestedAt(action);
        ApprovalState.Decision decision = ApprovalState.Decision.NONE;
        if ("true".equalsIgnoreCase(a.get(REJECTED))) {
            decision = ApprovalState.Decision.REJECTED;
        } else if ("true".equalsIgnoreCase(a.get(APPROVED))) {
            decision = ApprovalState.Decision.APPROVED;
        }
        if (decision == ApprovalState.Decision.NONE) {
            return ApprovalState.waitingSince(requested);
        }
        return new ApprovalState(
                decision, requested, a.get(DECIDED_BY), instant(a.get(DECIDED_AT)), a.get(REASON));
    }

    /** Whether a human decided on {@code action} (approved or rejected). */
    public static boolean decided(HealingAction action) {
        return state(action).decision() != ApprovalState.Decision.NONE;
    }

    /** How to approve {@code action}, for its status, Event and log. */
    public static String howToApprove(HealingAction action) {
        String ns = HealingActionStore.namespaceOf(action);
        return "approve with: kubectl annotate healingaction -n "
                + ns
                + " "
                + action.name()
                + " "
                + APPROVED
                + "=true (or skippy actions approve "
                + action.name()
                + "); reject with "
                + REJECTED
                + "=true (skippy actions approve --reject)";
    }

    /**
     * Approves or rejects the waiting action {@code name}, in {@code namespace} or, when that is
     * null, in whichever namespace has it.
     *
     * @return the action as annotated
     * @throws IllegalArgumentException when there is no such action, or several
     * @throws IllegalStateException when it does not wait for approval
     */
    public static HealingAction decide(
            HealingActionStore store,
            String namespace,
            String name,
            boolean approve,
            String by,
            String reason,
            Instant now) {
        HealingAction action = find(store, namespace, name);
        if (!ActionStatuses.isAwaitingApproval(action)) {
            String phase =
                    action.status() == null || action.status().phase() == null
                            ? "Pending (not decided yet)"
                            : action.status().phase().name();
            throw new IllegalStateException(
                    "HealingAction "
                            + HealingActionStore.namespaceOf(action)
                            + "/"
                            + name
                            + " does not wait for approval: it is "
                            + phase);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(approve ? APPROVED : REJECTED, "true");
        annotations.put(DECIDED_AT, now.toString());
        if (by != null && !by.isBlank()) {
            annotations.put(DECIDED_BY, by);
        }
        if (reason != null && !reason.isBlank()) {
            annotations.put(REASON, reason);
        }
        return store.annotate(action.metadata().namespace(), name, annotations);
    }

    private static HealingAction find(HealingActionStore store, String namespace, String name) {
        if (namespace != null) {
            HealingAction action = store.get(namespace, name);
            if (action == null) {
                throw new IllegalArgumentException(
                        "no HealingAction " + name + " in namespace " + namespace);
            }
            return action;
        }
        List<HealingAction> found = new ArrayList<>();
        for (HealingAction a : store.list(Set.of())) {
            if (a.name().equals(name)) {
                found.add(a);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no HealingAction " + name + " in any namespace");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException(
                    "HealingAction "
                            + name
                            + " exists in "
                            + found.size()
                            + " namespaces; name one with --namespace");
        }
        return found.get(0);
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}

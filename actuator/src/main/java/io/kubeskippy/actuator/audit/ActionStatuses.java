package io.kubeskippy.actuator.audit;

import io.kubeskippy.actuator.safety.ApprovalState;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.HealingAction.Approval;
import io.kubeskippy.model.record.HealingAction.Condition;
import io.kubeskippy.model.record.HealingAction.Phase;
import io.kubeskippy.model.record.HealingAction.Result;
import io.kubeskippy.model.record.HealingAction.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The HealingAction status of each step, built from the previous one; pure. Phases move one step at
 * a time: Pending, then Approved, InProgress, and Succeeded or Failed; Cancelled when blocked. The
 * CRD's phases have no "waiting for approval" and no "blocked": waiting is Pending with {@code
 * approval.required} and an {@code AwaitingApproval} condition, blocked is Cancelled with a {@code
 * Blocked} condition naming the rule.
 */
public final class ActionStatuses {

    public static final String AWAITING_APPROVAL = "AwaitingApproval";
    public static final String BLOCKED = "Blocked";
    public static final String DRY_RUN = "DryRun";

    private ActionStatuses() {}

    public static Status pending(Instant now) {
        return new Status(Phase.Pending, now, null, 0, null, null, null, List.of(), null);
    }

    public static Status awaitingApproval(
            Status previous, Instant now, Instant expiresAt, String howToApprove) {
        Status s = orPending(previous, now);
        return new Status(
                Phase.Pending,
                s.startTime(),
                null,
                s.attempts(),
                null,
                null,
                new Approval(true, false, null, null, howToApprove + "; expires at " + expiresAt),
                with(
                        s.conditions(),
                        condition(
                                AWAITING_APPROVAL, "True", "ApprovalRequired", howToApprove, now)),
                null);
    }

    public static Status approved(
            Status previous, Instant now, ApprovalState approval, String why) {
        Status s = orPending(previous, now);
        Approval a =
                approval != null && approval.approved()
                        ? new Approval(true, true, approval.by(), approval.at(), approval.reason())
                        : s.approval();
        List<Condition> conditions = s.conditions();
        if (approval != null && approval.approved()) {
            conditions =
                    with(
                            conditions,
                            condition(
                                    AWAITING_APPROVAL,
                                    "False",
                                    "Approved",
                                    "approved"
                                            + (approval.by() == null ? "" : " by " + approval.by()),
                                    now));
        }
        return new Status(
                Phase.Approved,
                s.startTime(),
                null,
                s.attempts(),
                null,
                new Result(null, why, null, null, null),
                a,
                conditions,
                null);
    }

    public static Status inProgress(
            Status previous, Instant now, String summary, List<Change> plan) {
        Status s = orPending(previous, now);
        int attempts = s.attempts() == null ? 1 : s.attempts() + 1;
        return new Status(
                Phase.InProgress,
                s.startTime(),
                null,
                attempts,
                now,
                new Result(null, summary, null, null, plan),
                s.approval(),
                s.conditions(),
                null);
    }

    public static Status succeeded(
            Status previous, Instant now, String message, List<Change> changes) {
        Status s = orPending(previous, now);
        return new Status(
                Phase.Succeeded,
                s.startTime(),
                now,
                s.attempts(),
                s.lastAttemptTime(),
                new Result(true, message, null, null, changes),
                s.approval(),
                s.conditions(),
                null);
    }

    public static Status failed(
            Status previous, Instant now, String message, String error, List<Change> changes) {
        Status s = orPending(previous, now);
        return new Status(
                Phase.Failed,
                s.startTime(),
                now,
                s.attempts(),
                s.lastAttemptTime(),
                new Result(false, message, error, null, changes),
                s.approval(),
                s.conditions(),
                null);
    }

    /** Blocked by the gate or refused by the executor: Cancelled, with the rule as condition. */
    public static Status cancelled(
            Status previous, Instant now, String reasonCode, String message, Approval approval) {
        Status s = orPending(previous, now);
        List<Condition> conditions = s.conditions();
        if (conditions.stream().anyMatch(c -> c.type().equals(AWAITING_APPROVAL))) {
            conditions =
                    with(
                            conditions,
                            condition(AWAITING_APPROVAL, "False", reasonCode, message, now));
        }
        return new Status(
                Phase.Cancelled,
                s.startTime(),
                now,
                s.attempts(),
                s.lastAttemptTime(),
                new Result(false, message, reasonCode, null, null),
                approval == null ? s.approval() : approval,
                with(conditions, condition(BLOCKED, "True", reasonCode, message, now)),
                null);
    }

    /** A dry run: Succeeded, changing nothing, with the changes it would make. */
    public static Status dryRun(
            Status previous, Instant now, String message, List<Change> changes) {
        Status s = orPending(previous, now);
        return new Status(
                Phase.Succeeded,
                s.startTime(),
                now,
                s.attempts(),
                s.lastAttemptTime(),
                new Result(true, message, null, null, changes),
                s.approval(),
                with(
                        s.conditions(),
                        condition(DRY_RUN, "True", "DryRun", "nothing was changed", now)),
                null);
    }

    /** When the action started waiting for approval, from its condition; null if it never did. */
    public static Instant approvalRequestedAt(HealingAction action) {
        Status s = action.status();
        if (s == null) {
            return null;
        }
        for (Condition c : s.conditions()) {
            if (AWAITING_APPROVAL.equals(c.type())) {
                return c.lastTransitionTime();
            }
        }
        return null;
    }

    /** Whether the action waits for approval now. */
    public static boolean isAwaitingApproval(HealingAction action) {
        Status s = action.status();
        if (s == null || s.phase() != Phase.Pending) {
            return false;
        }
        return s.conditions().stream()
                .anyMatch(c -> AWAITING_APPROVAL.equals(c.type()) && "True".equals(c.status()));
    }

    /** Whether the action ended: Succeeded, Failed or Cancelled. */
    public static boolean isTerminal(HealingAction action) {
        Status s = action.status();
        return s != null
                && (s.phase() == Phase.Succeeded
                        || s.phase() == Phase.Failed
                        || s.phase() == Phase.Cancelled);
    }

    /** Whether it was a dry run. */
    public static boolean isDryRun(HealingAction action) {
        Status s = action.status();
        return s != null && s.conditions().stream().anyMatch(c -> DRY_RUN.equals(c.type()));
    }

    private static Status orPending(Status previous, Instant now) {
        return previous == null ? pending(now) : previous;
    }

    private static Condition condition(
            String type, String status, String reason, String message, Instant now) {
        return new Condition(type, status, reason, EventRecorder.cut(message), now);
    }

    private static List<Condition> with(List<Condition> conditions, Condition c) {
        List<Condition> out = new ArrayList<>();
        for (Condition existing : conditions) {
            if (!existing.type().equals(c.type())) {
                out.add(existing);
            }
        }
        out.add(c);
        return out;
    }
}

package io.kubeskippy.actuator;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeskippy.actuator.approval.Approvals;
import io.kubeskippy.actuator.audit.ActionStatuses;
import io.kubeskippy.actuator.audit.AuditLog;
import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.actuator.audit.EventRecorder;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.actuator.execute.ActionExecutor;
import io.kubeskippy.actuator.execute.ChangeApplier;
import io.kubeskippy.actuator.execute.Cluster;
import io.kubeskippy.actuator.execute.Execution;
import io.kubeskippy.actuator.execute.Executors;
import io.kubeskippy.actuator.execute.LiveObject;
import io.kubeskippy.actuator.execute.Observation;
import io.kubeskippy.actuator.execute.Plan;
import io.kubeskippy.actuator.execute.PlanResult;
import io.kubeskippy.actuator.execute.TargetObserver;
import io.kubeskippy.actuator.execute.Verification;
import io.kubeskippy.actuator.safety.ActionLedger;
import io.kubeskippy.actuator.safety.ActionLedger.Entry;
import io.kubeskippy.actuator.safety.ActionLedger.State;
import io.kubeskippy.actuator.safety.ApprovalState;
import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.actuator.safety.GateDecision;
import io.kubeskippy.actuator.safety.GateDecision.Verdict;
import io.kubeskippy.actuator.safety.GateInput;
import io.kubeskippy.actuator.safety.GateSettings;
import io.kubeskippy.actuator.safety.PolicyBook;
import io.kubeskippy.actuator.safety.SafetyGate;
import io.kubeskippy.actuator.safety.StormBreaker;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionId;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one action from its record to its recorded outcome: observe (the record, its policy, the
 * live target), decide (the safety gate, then the executor's plan; both pure), act (the executor),
 * and audit (HealingAction status one phase per step, an Event on the target, an ActionOutcome on
 * the audit topic). The returned futures complete when the outcome is on the audit topic: only then
 * may the record's offset be committed.
 *
 * <p>Every step can be taken up again. The HealingAction resource, created under the action's name
 * before anything is changed, holds the phase and the plan: a record delivered again finds it and
 * is a duplicate, or, when the actuator stopped mid-action, is finished from the recorded plan
 * (each change applied only where the target does not have it yet).
 *
 * <p>With the global dry-run, nothing is written to the cluster at all: no resource, no status, no
 * Event; the outcome on the audit topic holds the changes it would make.
 */
final class ActionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ActionHandler.class);

    /** Annotation recording the target's workload, so a resumed action can verify its pods. */
    static final String WORKLOAD_ANNOTATION = "kubeskippy.io/workload";

    private final GateSettings gate;
    private final Duration verifyTimeout;
    private final Duration pollInterval;
    private final PolicyBook policies;
    private final ActionLedger ledger;
    private final StormBreaker storm;
    private final Cluster cluster;
    private final TargetObserver observer;
    private final ChangeApplier applier;
    private final Executors executors;
    private final HealingActionStore store;
    private final EventRecorder events;
    private final AuditLog audit;
    private final ActuatorMetrics metrics;
    private final Clock clock;
    private final ActuatorHooks hooks;

    ActionHandler(
            GateSettings gate,
            Duration verifyTimeout,
            Duration pollInterval,
            PolicyBook policies,
            ActionLedger ledger,
            StormBreaker storm,
            Cluster cluster,
            HealingActionStore store,
            EventRecorder events,
            AuditLog audit,
            ActuatorMetrics metrics,
            Clock clock,
            ActuatorHooks hooks) {
        this.gate = gate;
        this.verifyTimeout = verifyTimeout;
        this.pollInterval = pollInterval;
        this.policies = policies;
        this.ledger = ledger;
        this.storm = storm;
        this.cluster = cluster;
        this.observer = new TargetObserver(cluster);
        this.applier = new ChangeApplier(cluster);
        this.executors = Executors.standard();
        this.store = store;
        this.events = events;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.hooks = hooks;
    }

    // ------------------------------------------------------------------ entry points

    /**
     * Handles one record of the action topic.
     *
     * @param decoded the record, read by {@link io.kubeskippy.model.serde.RecordCodec}
     * @param producedAt the record's timestamp
     * @param consumedAt when the consumer polled it: an outcome's startedAt, so that its latency
     *     counts the wait for a lane too
     * @param raw the record's value, for naming an unreadable record in its outcome
     * @throws InterruptedException when the actuator stops mid-action (nothing is recorded)
     */
    CompletableFuture<Void> handle(
            Decoded<HealingAction> decoded, Instant producedAt, Instant consumedAt, byte[] raw)
            throws InterruptedException {
        Instant now = clock.instant();
        Instant received = consumedAt == null || consumedAt.isAfter(now) ? now : consumedAt;
        if (decoded instanceof Decoded.Tombstone<HealingAction>) {
            return CompletableFuture.completedFuture(null);
        }
        if (decoded instanceof Decoded.Invalid<HealingAction> invalid) {
            return unreadable(invalid.deadLetter(), raw, received);
        }
        HealingAction action = ((Decoded.Value<HealingAction>) decoded).value();
        return process(action, producedAt, received);
    }

    /** A human approved or rejected the waiting action {@code namespace/name}. */
    CompletableFuture<Void> decided(String namespace, String name) throws InterruptedException {
        Instant received = clock.instant();
        HealingAction cr = store.get(namespace, name);
        if (cr == null || !ActionStatuses.isAwaitingApproval(cr)) {
            return CompletableFuture.completedFuture(null);
        }
        ApprovalState approval = Approvals.state(cr);
        if (approval.rejected()) {
            return cancelled(
                    cr,
                    BlockReason.APPROVAL_REJECTED,
                    "rejected"
                            + (approval.by() == null ? "" : " by " + approval.by())
                            + (approval.reason() == null ? "" : ": " + approval.reason()),
                    new HealingAction.Approval(
                            true, false, approval.by(), approval.at(), approval.reason()),
                    received);
        }
        if (!approval.approved()) {
            return CompletableFuture.completedFuture(null);
        }
        HealingPolicy policy = policies.get(cr.spec().policyRef().name());
        Observation obs = observer.observe(cr, null);
        return decideAndRun(cr, policy, obs, null, approval, received);
    }

    /** The approval of {@code namespace/name} may have expired: cancel it if it did. */
    CompletableFuture<Void> expire(String namespace, String name) {
        Instant received = clock.instant();
        HealingAction cr = store.get(namespace, name);
        if (cr == null || !ActionStatuses.isAwaitingApproval(cr) || Approvals.decided(cr)) {
            return CompletableFuture.completedFuture(null);
        }
        Instant requested = ActionStatuses.approvalRequestedAt(cr);
        if (requested == null || !requested.plus(gate.approvalTtl()).isBefore(received)) {
            return CompletableFuture.completedFuture(null);
        }
        return cancelled(
                cr,
                BlockReason.APPROVAL_EXPIRED,
                "no approval within --approval-ttl "
                        + Durations.format(gate.approvalTtl())
                        + " (requested at "
                        + requested
                        + ")",
                new HealingAction.Approval(true, false, null, null, "expired"),
                received);
    }

    /** Records an outcome for an action that failed for good (e.g. the API server kept failing). */
    CompletableFuture<Void> gaveUp(Decoded<HealingAction> decoded, RuntimeException error) {
        Instant now = clock.instant();
        if (!(decoded instanceof Decoded.Value<HealingAction> v)) {
            return CompletableFuture.completedFuture(null);
        }
        HealingAction action = v.value();
        ledger.remove(action.name());
        return finish(
                action,
                Phase.Failed,
                "gave up: " + error.getClass().getSimpleName() + ": " + error.getMessage(),
                now,
                List.of());
    }

    // ------------------------------------------------------------------ the flow

    private CompletableFuture<Void> process(
            HealingAction action, Instant producedAt, Instant received)
            throws InterruptedException {
        Optional<Entry> known = ledger.get(action.name());
        if (known.isPresent() && known.get().settled()) {
            return finish(
                    action,
                    Phase.Duplicate,
                    "already handled ("
                            + known.get().state().name().toLowerCase(java.util.Locale.ROOT)
                            + "): not executed again",
                    received,
                    List.of());
        }
        HealingPolicy policy = policies.get(action.spec().policyRef().name());
        GateInput input = GateInput.ofRecord(action, policy, clock.instant(), producedAt, gate);
        GateDecision screen = SafetyGate.decide(input);
        if (screen.blocked()) {
            // A hostile or invalid record: refused before anything reads the cluster.
            return blockedWithoutResource(action, screen.code(), screen.message(), received);
        }
        if (gate.dryRun()) {
            return globalDryRun(action, input, received);
        }
        Observation obs = observer.observe(action, null);
        if (!obs.found() && known.isEmpty()) {
            return blockedWithoutResource(
                    action, BlockReason.TARGET_NOT_FOUND, obs.missing(), received);
        }
        Map<String, String> annotations =
                obs.workload() == null
                        ? Map.of()
                        : Map.of(WORKLOAD_ANNOTATION, obs.workload().ref().id());
        HealingActionStore.Created created = store.create(action, annotations);
        HealingAction cr = created.resource();
        if (created instanceof HealingActionStore.Created.Existing) {
            if (ActionStatuses.isTerminal(cr) || ActionStatuses.isAwaitingApproval(cr)) {
                ledger.put(ActuatorProcess.entryOf(cr, clock.instant()));
                String phase = cr.status().phase().name();
                return finish(
                        action,
                        Phase.Duplicate,
                        "HealingAction "
                                + cr.metadata().namespace()
                                + "/"
                                + cr.name()
                                + " exists ("
                                + (ActionStatuses.isAwaitingApproval(cr)
                                        ? "waiting for approval"
                                        : phase)
                                + "): not executed again",
                        received,
                        List.of());
            }
            return resume(cr, policy, producedAt, received);
        }
        cr = store.writeStatus(cr, ActionStatuses.pending(clock.instant()));
        return decideAndRun(cr, policy, obs, producedAt, ApprovalState.NONE, received);
    }

    /** Takes up an action an earlier run left Pending, Approved or InProgress. */
    private CompletableFuture<Void> resume(
            HealingAction cr, HealingPolicy policy, Instant producedAt, Instant received)
            throws InterruptedException {
        HealingAction.Phase phase =
                cr.status() == null || cr.status().phase() == null
                        ? HealingAction.Phase.Pending
                        : cr.status().phase();
        ResourceRef hint = workloadHint(cr);
        Observation obs = observer.observe(cr, hint);
        LOG.info("Taking up {} where it stopped: {}", cr.name(), phase);
        switch (phase) {
            case InProgress -> {
                List<Change> planned =
                        cr.status().result() == null ? List.of() : cr.status().result().changes();
                ActionExecutor executor = executors.of(cr.spec().action().type());
                Plan plan =
                        new Plan(
                                cr.status().result() == null
                                        ? "the recorded plan"
                                        : cr.status().result().message(),
                                planned,
                                eventFor(cr));
                Instant actedAt =
                        cr.status().lastAttemptTime() == null
                                ? received
                                : cr.status().lastAttemptTime();
                return execute(cr, executor, plan, obs.workload(), actedAt, received, false);
            }
            case Approved -> {
                if (!obs.found()) {
                    return cancelled(
                            cr, BlockReason.TARGET_NOT_FOUND, obs.missing(), null, received);
                }
                return runPlanned(cr, obs, received);
            }
            default -> {
                if (cr.status() == null) {
                    cr = store.writeStatus(cr, ActionStatuses.pending(clock.instant()));
                }
                return decideAndRun(cr, policy, obs, producedAt, ApprovalState.NONE, received);
            }
        }
    }

    private CompletableFuture<Void> decideAndRun(
            HealingAction cr,
            HealingPolicy policy,
            Observation obs,
            Instant producedAt,
            ApprovalState approval,
            Instant received)
            throws InterruptedException {
        if (!obs.found()) {
            return cancelled(cr, BlockReason.TARGET_NOT_FOUND, obs.missing(), null, received);
        }
        ApprovalState state =
                approval.decision() == ApprovalState.Decision.NONE
                        ? ApprovalState.waitingSince(ActionStatuses.approvalRequestedAt(cr))
                        : approval;
        GateInput input =
                GateInput.ofRecord(cr, policy, clock.instant(), producedAt, gate)
                        .withLive(obs.facts(), state, null);
        // An earlier try of this very step (retried after an API error) must not count against
        // itself.
        ledger.get(cr.name())
                .filter(e -> !e.settled() && e.counts())
                .ifPresent(e -> ledger.remove(e.name()));
        Entry reservation = entry(cr, obs, clock.instant(), State.ACTED, false);
        GateDecision decision =
                ledger.decide(
                        history -> SafetyGate.decide(input.withHistory(history)),
                        d -> d.verdict() == Verdict.PROCEED ? reservation : null);
        switch (decision.verdict()) {
            case BLOCK -> {
                noteStorm(decision, cr, obs, received);
                ledger.put(entry(cr, obs, clock.instant(), State.DONE, true));
                return cancelled(cr, decision.code(), decision.message(), null, received);
            }
            case AWAIT_APPROVAL -> {
                Instant expires = clock.instant().plus(gate.approvalTtl());
                String how = Approvals.howToApprove(cr);
                cr =
                        store.writeStatus(
                                cr,
                                ActionStatuses.awaitingApproval(
                                        cr.status(), clock.instant(), expires, how));
                ledger.put(entry(cr, obs, clock.instant(), State.AWAITING_APPROVAL, true));
                events.record(
                        cr.spec().targetResource(),
                        EventReason.AwaitingApproval,
                        "HealingAction "
                                + cr.name()
                                + " ("
                                + cr.spec().action().name()
                                + ") "
                                + decision.message()
                                + "; "
                                + how
                                + "; expires at "
                                + expires,
                        cr);
                LOG.info("{} waits for approval: {}", cr.name(), how);
                return finish(
                        cr,
                        Phase.AwaitingApproval,
                        decision.message() + "; expires at " + expires,
                        received,
                        List.of());
            }
            case DRY_RUN -> {
                PlanResult result = executors.of(cr.spec().action().type()).plan(cr, obs, received);
                ledger.put(entry(cr, obs, clock.instant(), State.DONE, true));
                if (result instanceof PlanResult.Refused refused) {
                    return cancelled(cr, refused.reason(), refused.message(), null, received);
                }
                Plan plan = ((PlanResult.Planned) result).plan();
                String message = decision.message() + ": would " + plan.summary();
                cr =
                        store.writeStatus(
                                cr,
                                ActionStatuses.dryRun(
                                        cr.status(), clock.instant(), message, plan.changes()));
                events.record(cr.spec().targetResource(), EventReason.DryRun, message, cr);
                return finish(cr, Phase.DryRun, message, received, plan.changes());
            }
            default -> {
                try {
                    cr =
                            store.writeStatus(
                                    cr,
                                    ActionStatuses.approved(
                                            cr.status(),
                                            clock.instant(),
                                            approval,
                                            decision.notes().isEmpty()
                                                    ? "passed the safety gate"
                                                    : "passed the safety gate; "
                                                            + decision.message()));
                } catch (HealingActionStore.ConcurrentUpdateException e) {
                    // Someone else moved it first (a second actuator, a second look at the same
                    // approval): theirs is the run.
                    ledger.remove(cr.name());
                    LOG.info("{}: {}", cr.name(), e.getMessage());
                    return CompletableFuture.completedFuture(null);
                }
                return runPlanned(cr, obs, received);
            }
        }
    }

    private CompletableFuture<Void> runPlanned(HealingAction cr, Observation obs, Instant received)
            throws InterruptedException {
        ActionExecutor executor = executors.of(cr.spec().action().type());
        Instant now = clock.instant();
        PlanResult result = executor.plan(cr, obs, now);
        if (result instanceof PlanResult.Refused refused) {
            ledger.put(entry(cr, obs, clock.instant(), State.DONE, true));
            return cancelled(cr, refused.reason(), refused.message(), null, received);
        }
        Plan plan = ((PlanResult.Planned) result).plan();
        cr =
                store.writeStatus(
                        cr,
                        ActionStatuses.inProgress(
                                cr.status(), now, plan.summary(), plan.changes()));
        return execute(cr, executor, plan, obs.workload(), now, received, true);
    }

    private CompletableFuture<Void> execute(
            HealingAction cr,
            ActionExecutor executor,
            Plan plan,
            LiveObject workload,
            Instant actedAt,
            Instant received,
            boolean fresh)
            throws InterruptedException {
        String type = cr.spec().action().type().wireName();
        Duration timeout = verifyTimeout;
        try {
            Duration own = Durations.parse(cr.spec().timeout());
            if (own.compareTo(timeout) < 0) {
                timeout = own;
            }
        } catch (IllegalArgumentException e) {
            // the gate refuses such a record; a resource edited by hand keeps the default
        }
        Execution execution =
                new Execution(
                        cluster,
                        applier,
                        clock,
                        actedAt,
                        actedAt.plus(timeout),
                        pollInterval,
                        workload,
                        fresh ? podsOf(plan, workload) : null);
        long started = System.nanoTime();
        List<Change> applied;
        hooks.beforeAct(cr.name());
        try {
            applied = executor.act(cr, plan, execution);
        } catch (ChangeApplier.ConflictException e) {
            return failed(
                    cr, plan, "not applied: " + e.getMessage(), "Conflict", List.of(), received);
        } catch (KubernetesClientException e) {
            metrics.error("kubernetes");
            return failed(
                    cr,
                    plan,
                    "the API server refused the change: " + apiError(e),
                    "ApiError",
                    List.of(),
                    received);
        }
        hooks.afterAct(cr.name());
        Verification verification;
        try {
            verification = executor.verify(cr, plan, execution);
        } catch (KubernetesClientException e) {
            metrics.error("kubernetes");
            verification = Verification.failed("cannot verify: " + apiError(e));
        }
        metrics.execution(type, (System.nanoTime() - started) / 1e9);
        if (!verification.ok()) {
            return failed(cr, plan, verification.message(), "NotVerified", applied, received);
        }
        Instant now = clock.instant();
        if (cr.spec().detection() != null) {
            metrics.timeToHeal(type, seconds(cr.spec().detection().detectedAt(), now));
        }
        String message = plan.summary() + "; " + verification.message();
        cr = store.writeStatus(cr, ActionStatuses.succeeded(cr.status(), now, message, applied));
        ledger.put(entry(cr, workload, actedAt, State.ACTED, true));
        events.record(cr.spec().targetResource(), plan.event(), message, cr);
        LOG.info("{}: {}", cr.name(), message);
        return finish(cr, Phase.Succeeded, message, received, applied);
    }

    private CompletableFuture<Void> failed(
            HealingAction cr,
            Plan plan,
            String message,
            String error,
            List<Change> applied,
            Instant received) {
        Instant now = clock.instant();
        cr =
                store.writeStatus(
                        cr, ActionStatuses.failed(cr.status(), now, message, error, applied));
        Optional<Entry> reserved = ledger.get(cr.name());
        reserved.ifPresent(e -> ledger.put(e.with(State.ACTED, true)));
        events.record(
                cr.spec().targetResource(),
                EventReason.ActionFailed,
                plan.summary() + ": " + message,
                cr);
        LOG.warn("{} failed: {}: {}", cr.name(), plan.summary(), message);
        return finish(cr, Phase.Failed, message, received, applied);
    }

    private CompletableFuture<Void> globalDryRun(
            HealingAction action, GateInput input, Instant received) {
        Observation obs = observer.observe(action, null);
        if (!obs.found()) {
            return blockedWithoutResource(
                    action, BlockReason.TARGET_NOT_FOUND, obs.missing(), received);
        }
        Entry simulated = entry(action, obs, clock.instant(), State.SIMULATED, true);
        GateDecision decision =
                ledger.decide(
                        history ->
                                SafetyGate.decide(
                                        input.withLive(obs.facts(), ApprovalState.NONE, history)),
                        d -> d.verdict() == Verdict.DRY_RUN ? simulated : null);
        if (decision.blocked()) {
            noteStorm(decision, action, obs, received);
            ledger.put(entry(action, obs, clock.instant(), State.DONE, true));
            return blockedWithoutResource(action, decision.code(), decision.message(), received);
        }
        PlanResult result = executors.of(action.spec().action().type()).plan(action, obs, received);
        if (result instanceof PlanResult.Refused refused) {
            ledger.put(entry(action, obs, clock.instant(), State.DONE, true));
            return blockedWithoutResource(action, refused.reason(), refused.message(), received);
        }
        Plan plan = ((PlanResult.Planned) result).plan();
        return finish(
                action,
                Phase.DryRun,
                decision.message() + ": would " + plan.summary(),
                received,
                plan.changes());
    }

    // ------------------------------------------------------------------ outcomes

    private CompletableFuture<Void> cancelled(
            HealingAction current,
            BlockReason reason,
            String message,
            HealingAction.Approval approval,
            Instant received) {
        Instant now = clock.instant();
        HealingAction cr =
                store.writeStatus(
                        current,
                        ActionStatuses.cancelled(
                                current.status(),
                                now,
                                reason.conditionReason(),
                                message,
                                approval));
        Optional<Entry> known = ledger.get(cr.name());
        if (known.isEmpty() || !known.get().settled() || known.get().state() != State.DONE) {
            ledger.put(
                    known.map(e -> e.with(State.DONE, true))
                            .orElseGet(() -> entry(cr, (Observation) null, now, State.DONE, true)));
        }
        EventReason event =
                switch (reason) {
                    case APPROVAL_REJECTED -> EventReason.ActionRejected;
                    case APPROVAL_EXPIRED -> EventReason.ApprovalExpired;
                    default -> EventReason.ActionBlocked;
                };
        events.record(cr.spec().targetResource(), event, message, cr);
        metrics.blocked(reason);
        LOG.info("{} blocked ({}): {}", cr.name(), reason.label(), message);
        return finish(cr, Phase.Blocked, reason.label() + ": " + message, received, List.of());
    }

    private CompletableFuture<Void> blockedWithoutResource(
            HealingAction action, BlockReason reason, String message, Instant received) {
        metrics.blocked(reason);
        LOG.info("{} blocked ({}): {}", action.name(), reason.label(), message);
        return finish(action, Phase.Blocked, reason.label() + ": " + message, received, List.of());
    }

    private CompletableFuture<Void> unreadable(DeadLetter letter, byte[] raw, Instant received) {
        metrics.deadLetter();
        metrics.blocked(BlockReason.MALFORMED);
        Instant now = clock.instant();
        ActionOutcome outcome =
                new ActionOutcome(
                        nameOf(raw, letter),
                        targetOf(raw),
                        Phase.Blocked,
                        BlockReason.MALFORMED.label()
                                + ": unreadable record ("
                                + letter.sourceTopic()
                                + " partition "
                                + letter.partition()
                                + " offset "
                                + letter.offset()
                                + ", sent to the dead-letter topic): "
                                + letter.reason(),
                        received,
                        now,
                        List.of());
        metrics.outcome("unknown", Phase.Blocked, seconds(received, now));
        LOG.warn("Unreadable action record: {}", letter.reason());
        return CompletableFuture.allOf(audit.deadLetter(letter), audit.outcome(outcome));
    }

    private CompletableFuture<Void> finish(
            HealingAction action,
            Phase phase,
            String reason,
            Instant received,
            List<Change> changes) {
        Instant now = clock.instant();
        ActionOutcome outcome =
                new ActionOutcome(
                        action.name(),
                        action.spec().targetResource(),
                        phase,
                        reason,
                        received,
                        now.isBefore(received) ? received : now,
                        changes);
        metrics.outcome(action.spec().action().type().wireName(), phase, seconds(received, now));
        return audit.outcome(outcome);
    }

    private void noteStorm(
            GateDecision decision, HealingAction action, Observation obs, Instant now) {
        for (GateDecision.Reason r : decision.reasons()) {
            if (r.code() != BlockReason.STORM_BREAKER) {
                continue;
            }
            boolean cluster = r.message().startsWith("storm breaker open:");
            String scope =
                    cluster || obs.workload() == null
                            ? StormBreaker.CLUSTER
                            : obs.workload().ref().id();
            if (storm.trip(scope, now)) {
                metrics.stormTrip(cluster ? "cluster" : "workload");
                LOG.warn("Storm breaker opened: {}", r.message());
                if (!gate.dryRun()) {
                    events.record(
                            action.spec().targetResource(),
                            EventReason.StormBreakerOpen,
                            r.message(),
                            action);
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Entry entry(
            HealingAction action, Observation obs, Instant at, State state, boolean settled) {
        return entry(action, obs == null ? null : obs.workload(), at, state, settled);
    }

    private static Entry entry(
            HealingAction action, LiveObject workload, Instant at, State state, boolean settled) {
        String workloadId = workload == null ? null : workload.ref().id();
        if (workloadId == null) {
            workloadId = action.metadata().annotations().get(WORKLOAD_ANNOTATION);
        }
        if (!takesPodsDown(action)) {
            workloadId = null; // a scale takes no pod down: it never counts for the storm breaker
        }
        return new Entry(
                action.name(),
                action.spec().policyRef().name(),
                action.spec().targetResource().id(),
                workloadId,
                at,
                state,
                settled);
    }

    /** The uids of the workload's pods now, when the plan deletes pods (to tell replacements). */
    private java.util.Set<String> podsOf(Plan plan, LiveObject workload) {
        boolean deletes =
                plan.changes().stream()
                        .anyMatch(
                                c ->
                                        io.kubeskippy.actuator.execute.Changes.form(c)
                                                == io.kubeskippy.actuator.execute.Changes.Form
                                                        .POD_DELETE);
        if (!deletes || workload == null || workload.selectorLabels().isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<String> uids = new java.util.HashSet<>();
        for (LiveObject pod : cluster.pods(workload.namespace(), workload.selectorLabels())) {
            uids.add(pod.uid());
        }
        return uids;
    }

    /** Whether the action takes pods down (all but scaling), as the storm breaker counts. */
    static boolean takesPodsDown(HealingAction action) {
        return action.spec().action().type() != io.kubeskippy.model.policy.ActionType.SCALE;
    }

    private static ResourceRef workloadHint(HealingAction cr) {
        String id = cr.metadata().annotations().get(WORKLOAD_ANNOTATION);
        if (id == null) {
            return null;
        }
        String[] parts = id.split("/", 3);
        if (parts.length != 3) {
            return null;
        }
        return TargetKind.named(parts[0])
                .map(k -> new ResourceRef(k.apiVersion(), k.kind(), parts[1], parts[2], null))
                .orElse(null);
    }

    private static EventReason eventFor(HealingAction cr) {
        return switch (cr.spec().action().type()) {
            case RESTART ->
                    "Pod".equals(cr.spec().targetResource().kind())
                            ? EventReason.PodRestarted
                            : EventReason.WorkloadRestarted;
            case SCALE -> EventReason.Scaled;
            case PATCH -> EventReason.ResourcesPatched;
            default -> EventReason.PodDeleted;
        };
    }

    private static String apiError(KubernetesClientException e) {
        String status = e.getStatus() == null ? null : e.getStatus().getMessage();
        return (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "")
                + (status != null ? status : e.getMessage());
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }

    /** The action's name for an unreadable record, as far as it can be read. */
    static String nameOf(byte[] raw, DeadLetter letter) {
        JsonNode tree = tree(raw);
        if (tree != null) {
            JsonNode name = tree.path("metadata").path("name");
            if (name.isTextual()) {
                try {
                    return ActionId.requireValid(name.asText());
                } catch (IllegalArgumentException e) {
                    // fall through to the position
                }
            }
        }
        return "unreadable-" + Math.max(0, letter.partition()) + "-" + Math.max(0, letter.offset());
    }

    /** The target of an unreadable record, as far as it can be read. */
    static ResourceRef targetOf(byte[] raw) {
        JsonNode tree = tree(raw);
        if (tree != null) {
            JsonNode t = tree.path("spec").path("targetResource");
            try {
                if (t.path("apiVersion").isTextual()
                        && t.path("kind").isTextual()
                        && t.path("name").isTextual()) {
                    return new ResourceRef(
                            t.path("apiVersion").asText(),
                            t.path("kind").asText(),
                            t.path("namespace").isTextual() ? t.path("namespace").asText() : null,
                            t.path("name").asText(),
                            null);
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
        }
        return new ResourceRef("v1", "Unknown", null, "unknown", null);
    }

    private static JsonNode tree(byte[] raw) {
        if (raw == null || raw.length == 0 || raw.length > 2 * 1024 * 1024) {
            return null;
        }
        try {
            return Json.mapper().readTree(raw);
        } catch (Exception e) {
            return null;
        }
    }
}

package io.kubeskippy.actuator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeskippy.actuator.approval.ApprovalWatcher;
import io.kubeskippy.actuator.audit.ActionStatuses;
import io.kubeskippy.actuator.audit.AuditLog;
import io.kubeskippy.actuator.audit.EventRecorder;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.actuator.execute.Cluster;
import io.kubeskippy.actuator.safety.ActionLedger;
import io.kubeskippy.actuator.safety.ActionLedger.Entry;
import io.kubeskippy.actuator.safety.ActionLedger.State;
import io.kubeskippy.actuator.safety.PolicyBook;
import io.kubeskippy.actuator.safety.StormBreaker;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Decoded;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actuator process: follows the policy topic, rebuilds its memory of actions from the
 * HealingAction resources, consumes the action topic into lanes where {@link ActionHandler} heals
 * behind the safety gate, watches waiting actions for approvals and expiries, and serves {@code
 * /metrics} and {@code /healthz}.
 */
public final class ActuatorProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ActuatorProcess.class);
    private static final int RETRIES = 5;

    private final ActuatorOptions options;
    private final Clock clock;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final ActuatorMetrics metrics = new ActuatorMetrics();
    private final PolicyBook policies = new PolicyBook();
    private final ActionLedger ledger = new ActionLedger(Duration.ofHours(24));
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    private final CountDownLatch failed = new CountDownLatch(1);
    private KubernetesClient client;
    private boolean ownsClient;
    private StormBreaker storm;
    private PolicyFollower policyFollower;
    private AuditLog audit;
    private Lanes lanes;
    private ActionHandler handler;
    private ActionConsumer consumer;
    private ApprovalWatcher watcher;
    private ScheduledExecutorService timer;
    private StatusServer status;
    private int rebuilt;
    private volatile Throwable failure;
    private Instant nextPrune = Instant.MIN;

    private ActuatorProcess(ActuatorOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    /** Starts with the Kubernetes client of {@code options} (kubeconfig, else the default). */
    public static ActuatorProcess start(ActuatorOptions options) throws ActuatorStartException {
        return start(options, null, Clock.systemUTC(), ActuatorHooks.NONE);
    }

    /**
     * @param client the cluster to act on, or null to connect as {@code options} say; a given
     *     client is not closed
     */
    static ActuatorProcess start(
            ActuatorOptions options, KubernetesClient client, Clock clock, ActuatorHooks hooks)
            throws ActuatorStartException {
        ActuatorProcess process = new ActuatorProcess(options, clock);
        try {
            process.startParts(client, hooks);
            return process;
        } catch (ActuatorStartException e) {
            process.close();
            throw e;
        } catch (InterruptedException e) {
            process.close();
            Thread.currentThread().interrupt();
            throw new ActuatorStartException("interrupted while starting", e);
        } catch (RuntimeException e) {
            process.close();
            throw new ActuatorStartException("cannot start the actuator: " + e, e);
        }
    }

    private void startParts(KubernetesClient given, ActuatorHooks hooks)
            throws ActuatorStartException, InterruptedException {
        checkKafka();
        client = given != null ? given : connect();
        ownsClient = given == null;
        HealingActionStore store = new HealingActionStore(client);
        rebuildLedger(store);

        policyFollower = new PolicyFollower(options.kafka(), options.topics().policies(), policies);
        started.add(policyFollower);
        policyFollower.start();
        if (!policyFollower.awaitCaughtUp(options.startTimeout())) {
            Throwable why = policyFollower.failure();
            throw new ActuatorStartException(
                    "cannot read the policy topic "
                            + options.topics().policies()
                            + (why == null
                                    ? " within --start-timeout "
                                            + Durations.format(options.startTimeout())
                                    : ": " + why.getMessage()));
        }

        storm = new StormBreaker(options.stormWindow());
        metrics.gauges(
                () -> watcher != null ? watcher.waiting().size() : ledger.awaitingApproval(),
                () -> storm.clusterOpen(clock.instant()) ? 1 : 0,
                policies::size);
        try {
            status =
                    StatusServer.start(
                            options.listenAddress(),
                            options.metricsPort(),
                            metrics.registry(),
                            this::health);
            started.add(status);
        } catch (IOException e) {
            throw new ActuatorStartException(
                    "cannot serve /metrics on "
                            + options.listenAddress()
                            + ":"
                            + options.metricsPort()
                            + ": "
                            + e.getMessage()
                            + "; choose another --metrics-port");
        }

        audit =
                new AuditLog(
                        options.kafka(), options.topics().audit(), options.topics().deadletter());
        started.add(audit);
        lanes = new Lanes(options.workers());
        handler =
                new ActionHandler(
                        options.gateSettings(),
                        options.verifyTimeout(),
                        options.pollInterval(),
                        policies,
                        ledger,
                        storm,
                        new Cluster(client, clock),
                        store,
                        new EventRecorder(client, clock),
                        audit,
                        metrics,
                        clock,
                        hooks);

        if (!options.dryRun()) {
            watcher =
                    new ApprovalWatcher(
                            store,
                            options.namespaces(),
                            w ->
                                    schedule(
                                            "decided/" + w.namespace() + "/" + w.name(),
                                            w.targetId(),
                                            () -> handler.decided(w.namespace(), w.name())));
            watcher.start();
            long deadline = System.nanoTime() + options.startTimeout().toNanos();
            while (!watcher.hasSynced()) {
                if (System.nanoTime() > deadline) {
                    throw new ActuatorStartException(
                            "cannot list HealingActions within --start-timeout");
                }
                Thread.sleep(20);
            }
        }

        consumer =
                new ActionConsumer(
                        options.kafka(),
                        options.groupId(),
                        options.topics().actions(),
                        lanes,
                        this::handleRecord,
                        Math.max(100, options.workers() * 250),
                        this::fail);
        consumer.start();

        timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "actuator-timer");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void checkKafka() throws ActuatorStartException, InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.kafka());
        p.put(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(30_000, options.startTimeout().toMillis()));
        List<String> topics =
                List.of(
                        options.topics().actions(),
                        options.topics().audit(),
                        options.topics().policies(),
                        options.topics().deadletter());
        p.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, options.startTimeout().toMillis()));
        Admin admin = Admin.create(p);
        boolean reached = false;
        long startedAt = System.nanoTime();
        try {
            long deadline = System.nanoTime() + options.startTimeout().toNanos();
            List<String> missing;
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                Set<String> existing = admin.listTopics().names().get(left, TimeUnit.MILLISECONDS);
                reached = true;
                missing = topics.stream().filter(t -> !existing.contains(t)).toList();
                // Topics just created (by an operator, a test) reach every broker's metadata
                // shortly after: look again for a few seconds before giving up.
                if (missing.isEmpty()
                        || System.nanoTime() > Math.min(deadline, startedAt + 5_000_000_000L)) {
                    break;
                }
                Thread.sleep(200);
            }
            if (!missing.isEmpty()) {
                throw new ActuatorStartException(
                        "Kafka at "
                                + options.kafka()
                                + " has no topic "
                                + String.join(", ", missing)
                                + "; create the KubeSkippy topics (skippy kafka creates them all)");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ActuatorStartException(
                    "cannot reach Kafka at "
                            + options.kafka()
                            + " within --start-timeout "
                            + Durations.format(options.startTimeout())
                            + ": "
                            + (e.getCause() == null ? e : e.getCause()).getMessage());
        } finally {
            admin.close(reached ? Duration.ofSeconds(5) : Duration.ZERO);
        }
    }

    private KubernetesClient connect() throws ActuatorStartException {
        Config config;
        try {
            config =
                    options.kubeconfig() != null
                            ? Config.fromKubeconfig(options.kubeconfig().toFile())
                            : Config.autoConfigure(null);
        } catch (RuntimeException e) {
            throw new ActuatorStartException(
                    "cannot read the kubeconfig "
                            + (options.kubeconfig() == null ? "" : options.kubeconfig())
                            + ": "
                            + e.getMessage());
        }
        config = new ConfigBuilder(config).withUserAgent(EventRecorder.COMPONENT).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void rebuildLedger(HealingActionStore store) throws ActuatorStartException {
        try {
            Instant now = clock.instant();
            List<Entry> entries = new ArrayList<>();
            for (HealingAction action : store.list(options.namespaces())) {
                entries.add(entryOf(action, now));
            }
            ledger.rebuild(entries);
            rebuilt = entries.size();
        } catch (KubernetesClientException e) {
            String why =
                    e.getCode() == 404
                            ? "the HealingAction CRD is not installed (kubectl apply -f"
                                    + " flink-deployment/crds/healingaction.yaml)"
                            : "cannot list HealingActions at "
                                    + client.getMasterUrl()
                                    + ": "
                                    + e.getMessage();
            if (options.dryRun()) {
                LOG.warn("{}; the dry run starts with no history", why);
                return;
            }
            throw new ActuatorStartException(why);
        }
    }

    /**
     * What an existing HealingAction means for the limits: executed ones count, waiting ones wait,
     * and an action left Pending, Approved or InProgress by a stopped actuator is unsettled (taken
     * up again when its record comes back).
     */
    static Entry entryOf(HealingAction action, Instant now) {
        HealingAction.Status s = action.status();
        HealingAction.Phase phase =
                s == null || s.phase() == null ? HealingAction.Phase.Pending : s.phase();
        State state;
        boolean settled;
        switch (phase) {
            case Approved, InProgress -> {
                state = State.ACTED;
                settled = false;
            }
            case Failed -> {
                state = State.ACTED;
                settled = true;
            }
            case Succeeded -> {
                state = ActionStatuses.isDryRun(action) ? State.DONE : State.ACTED;
                settled = true;
            }
            case Cancelled -> {
                state = State.DONE;
                settled = true;
            }
            default -> {
                boolean waiting = ActionStatuses.isAwaitingApproval(action);
                state = waiting ? State.AWAITING_APPROVAL : State.DONE;
                settled = waiting;
            }
        }
        Instant at =
                s != null && s.lastAttemptTime() != null
                        ? s.lastAttemptTime()
                        : s != null && s.startTime() != null
                                ? s.startTime()
                                : action.metadata().creationTimestamp() != null
                                        ? action.metadata().creationTimestamp()
                                        : now;
        return new Entry(
                action.name(),
                action.spec().policyRef().name(),
                action.spec().targetResource().id(),
                ActionHandler.takesPodsDown(action)
                        ? action.metadata().annotations().get(ActionHandler.WORKLOAD_ANNOTATION)
                        : null,
                at,
                state,
                settled);
    }

    /** One record, tried again on API errors (each try takes up where the last stopped). */
    private CompletableFuture<Void> handleRecord(
            Decoded<HealingAction> decoded, Instant producedAt, Instant consumedAt, byte[] raw)
            throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= RETRIES; attempt++) {
            try {
                return handler.handle(decoded, producedAt, consumedAt, raw);
            } catch (RuntimeException e) {
                last = e;
                metrics.error("kubernetes");
                LOG.warn(
                        "Handling an action failed (try {} of {}): {}",
                        attempt,
                        RETRIES,
                        e.toString());
                if (attempt < RETRIES) {
                    Thread.sleep(Math.min(16_000, 500L << attempt));
                }
            }
        }
        return handler.gaveUp(decoded, last);
    }

    /** Runs a follow-up step (an approval, an expiry) on its target's lane, once at a time. */
    private void schedule(String key, String lane, Lanes.Task task) {
        if (lanes == null || !scheduled.add(key)) {
            return;
        }
        lanes.submit(lane, task)
                .whenComplete(
                        (ok, error) -> {
                            scheduled.remove(key);
                            if (error != null && !(error instanceof InterruptedException)) {
                                LOG.warn("{} failed: {}", key, error.toString());
                            }
                        });
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            if (watcher != null) {
                for (ApprovalWatcher.Waiting w : watcher.expired(now, options.approvalTtl())) {
                    schedule(
                            "expire/" + w.namespace() + "/" + w.name(),
                            w.targetId(),
                            () -> handler.expire(w.namespace(), w.name()));
                }
            }
            if (!now.isBefore(nextPrune)) {
                ledger.prune(now);
                nextPrune = now.plus(Duration.ofMinutes(1));
            }
        } catch (RuntimeException e) {
            LOG.warn("Timer step failed: {}", e.toString());
        }
    }

    private void fail(Throwable error) {
        failure = error;
        failed.countDown();
    }

    /** Blocks until the process fails for good (e.g. outcomes cannot be recorded). */
    public Throwable awaitFailure() throws InterruptedException {
        failed.await();
        return failure;
    }

    public Throwable failure() {
        return failure;
    }

    StatusServer.Health health() {
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        if (failure != null) {
            ok = false;
            lines.add("failed: " + failure.getMessage());
        }
        boolean consuming = consumer != null && consumer.running();
        ok &= consuming;
        lines.add(
                "actions: "
                        + (consuming
                                ? (consumer.assigned() ? "consuming " : "joining the group for ")
                                        + options.topics().actions()
                                : "not consuming"));
        boolean policiesOk =
                policyFollower != null
                        && policyFollower.caughtUp()
                        && policyFollower.failure() == null;
        ok &= policiesOk;
        lines.add("policies: " + (policiesOk ? policies.size() + " known" : "not read"));
        if (watcher != null) {
            ok &= watcher.hasSynced();
            lines.add("approvals: " + (watcher.hasSynced() ? "watching" : "not synced"));
        }
        return new StatusServer.Health(
                ok, (ok ? "ok" : "unhealthy") + "\n" + String.join("\n", lines) + "\n");
    }

    /** What the process runs, one line each, for the command line. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(
                "kafka: "
                        + options.kafka()
                        + " ("
                        + options.topics().actions()
                        + " -> "
                        + options.topics().audit()
                        + ", group "
                        + options.groupId()
                        + ")");
        lines.add(
                "kubernetes: "
                        + client.getMasterUrl()
                        + (options.namespaces().isEmpty()
                                ? " all namespaces"
                                : " namespaces "
                                        + String.join(",", new TreeSet<>(options.namespaces())))
                        + "; protected: "
                        + String.join(
                                ",", new TreeSet<>(options.gateSettings().protectedNamespaces())));
        lines.add("policies: " + policies.size() + " from " + options.topics().policies());
        lines.add("history: " + rebuilt + " HealingActions read");
        lines.add(
                "gate: cooldown "
                        + Durations.format(options.cooldown())
                        + ", at most "
                        + options.maxActionsPerHour()
                        + " actions/hour, storm breaker at "
                        + options.stormMaxTargets()
                        + " targets or "
                        + Math.round(options.stormWorkloadShare() * 100)
                        + "% of a workload per "
                        + Durations.format(options.stormWindow())
                        + ", approvals expire after "
                        + Durations.format(options.approvalTtl()));
        lines.add(
                "metrics: http://"
                        + options.listenAddress()
                        + ":"
                        + metricsPort()
                        + "/metrics, /healthz");
        if (options.dryRun()) {
            lines.add(
                    "DRY RUN: no HealingAction, status, Event or change is written to the cluster");
        }
        return lines;
    }

    public int metricsPort() {
        return status == null ? -1 : status.port();
    }

    public ActuatorMetrics metrics() {
        return metrics;
    }

    ActionLedger ledger() {
        return ledger;
    }

    /** Stops: no new records, the ones in flight finish (at most 30 s), their offsets commit. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (lanes != null) {
            lanes.stop(Duration.ofSeconds(5));
        }
        closeStarted();
    }

    /** Stops at once, as a crash would: running actions are interrupted, nothing more commits. */
    void kill() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (lanes != null) {
            lanes.kill();
        }
        if (consumer != null) {
            consumer.kill();
        }
        closeStarted();
    }

    private void closeStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Cannot close {}: {}", started.get(i), e.toString());
            }
        }
        started.clear();
        if (ownsClient && client != null) {
            client.close();
        }
    }
}

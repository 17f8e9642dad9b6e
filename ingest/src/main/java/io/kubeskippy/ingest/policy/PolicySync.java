package io.kubeskippy.ingest.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeskippy.ingest.RecordPublisher;
import io.kubeskippy.ingest.policy.PolicyCatalog.Accepted;
import io.kubeskippy.ingest.policy.PolicyCatalog.Change;
import io.kubeskippy.ingest.policy.PolicyCatalog.Plan;
import io.kubeskippy.ingest.policy.PolicyCatalog.Publish;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the HealingPolicies of a directory and of HealingPolicy custom resources to {@code
 * skippy.policies}, keyed by policy name, with a tombstone when a policy goes away.
 *
 * <p>Reloads like Alertmanager: content with the same hash as the published version is a no-op; a
 * file or resource with any error publishes nothing, every diagnostic is logged, {@link
 * #reloadSuccess()} drops to 0, a rejected resource gets a {@code PolicyRejected} Warning Event,
 * and the last good version of its policies stays; {@link #lastSuccessTimestampSeconds()} is when a
 * changed configuration was last loaded whole. All state changes on one thread.
 */
public final class PolicySync implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySync.class);

    private final RecordPublisher publisher;
    private final String topic;
    private final PolicySyncOptions options;
    private final KubernetesClient client;
    private final Clock clock;
    private final PolicyCatalog catalog = new PolicyCatalog();
    private final ScheduledExecutorService executor;
    private final PolicyEventRecorder events;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers =
            new ArrayList<>();

    // Touched only on the executor thread.
    private final Set<String> fileSources = new TreeSet<>();
    private PolicyDirectory directory;
    private boolean directoryFailing;
    private boolean resourcesSynced;
    private Map<String, List<String>> reportedConflicts = Map.of();
    private boolean lastOk;

    private volatile int reloadSuccess;
    private volatile Instant lastSuccess;
    private volatile Map<String, String> active = Map.of();
    // The policies on the topic, by name; written on the executor thread only.
    private final Map<String, HealingPolicy> activeDocuments = new TreeMap<>();
    private volatile Map<String, HealingPolicy> activeSnapshot = Map.of();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong tombstones = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    private Thread watchThread;
    private volatile boolean closed;
    private boolean started;

    /**
     * @param topic the policy topic's name ({@code skippy.policies} by default)
     * @param client for HealingPolicy resources and their Events; may be null when {@code
     *     options.customResources()} is off. The caller owns it, as it owns {@code publisher}
     */
    public PolicySync(
            RecordPublisher publisher,
            String topic,
            PolicySyncOptions options,
            KubernetesClient client,
            Clock clock) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (options.customResources() && client == null) {
            throw new IllegalArgumentException(
                    "HealingPolicy resources are on, but there is no Kubernetes client");
        }
        this.client = client;
        // Without resources, the directory is every source there is.
        this.resourcesSynced = !options.customResources();
        this.events = client == null ? null : new PolicyEventRecorder(client, clock);
        this.executor =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "kubeskippy-policy-sync");
                            t.setDaemon(true);
                            return t;
                        });
    }

    public PolicySync(
            RecordPublisher publisher,
            String topic,
            PolicySyncOptions options,
            KubernetesClient client) {
        this(publisher, topic, options, client, Clock.systemUTC());
    }

    /**
     * Tells the sync what the topic already holds (see {@link PolicyTopicSnapshot}), so that
     * unchanged policies are not published again after a restart and policies removed while it was
     * down get their tombstone. Call before {@link #start()}.
     */
    public synchronized void seed(Map<String, JsonNode> documents) {
        if (started) {
            throw new IllegalStateException("seed before start");
        }
        documents.forEach(
                (name, document) -> {
                    PolicyDocument read = PolicyReader.readJson(topic, document);
                    if (read.policy() != null) {
                        catalog.seed(name, read.policy().contentHash(), read.policy().version());
                        activeDocuments.put(name, read.policy());
                    } else {
                        // Unreadable on the topic: republish or remove it, whatever the sources
                        // say.
                        catalog.seed(name, "", "");
                    }
                });
        active = snapshot();
    }

    /**
     * Reads the sources and starts following them.
     *
     * @return completes once the directory was read and the resources were listed, and what they
     *     define was published
     */
    public synchronized CompletableFuture<Void> start() {
        if (started || closed) {
            throw new IllegalStateException("a PolicySync starts once");
        }
        started = true;
        List<CompletableFuture<?>> ready = new ArrayList<>();
        if (options.directory() != null) {
            try {
                directory = new PolicyDirectory(options.directory());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot watch " + options.directory(), e);
            }
            ready.add(CompletableFuture.runAsync(guarded(this::syncDirectory), executor));
            watchThread = new Thread(this::watchLoop, "kubeskippy-policy-watch");
            watchThread.setDaemon(true);
            watchThread.start();
        } else {
            long everyMs = options.rescanInterval().toMillis();
            executor.scheduleWithFixedDelay(
                    guarded(() -> reconcile(false)), everyMs, everyMs, TimeUnit.MILLISECONDS);
        }
        if (options.customResources()) {
            ready.add(startResourceInformers());
        }
        LOG.info(
                "Syncing policies from {}{} to {}",
                options.directory() == null ? "" : options.directory(),
                !options.customResources()
                        ? ""
                        : (options.directory() == null ? "" : " and ")
                                + "HealingPolicy resources in "
                                + (options.namespaces().isEmpty()
                                        ? "all namespaces"
                                        : "namespaces " + options.namespaces()),
                topic);
        return CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> startResourceInformers() {
        List<String> namespaces =
                options.namespaces().isEmpty()
                        ? Collections.singletonList(null)
                        : options.namespaces();
        List<CompletableFuture<Void>> listed = new ArrayList<>();
        ResourceEventHandler<GenericKubernetesResource> handler = new ResourceHandler();
        for (String namespace : namespaces) {
            var resources = client.genericKubernetesResources(HealingPolicyResources.CONTEXT);
            SharedIndexInformer<GenericKubernetesResource> informer =
                    (namespace == null
                                    ? resources.inAnyNamespace()
                                    : resources.inNamespace(namespace))
                            .runnableInformer(0);
            informer.addEventHandler(handler);
            String where = namespace == null ? "all namespaces" : "namespace " + namespace;
            informer.exceptionHandler(
                    (isStarted, error) -> {
                        errors.incrementAndGet();
                        LOG.warn(
                                "Cannot watch HealingPolicy resources in {} (is the CRD installed,"
                                        + " and may ingest list them?); retrying: {}",
                                where,
                                error.toString());
                        return !ExceptionHandler.isDeserializationException(error);
                    });
            informers.add(informer);
            listed.add(informer.start().toCompletableFuture());
        }
        return CompletableFuture.allOf(listed.toArray(CompletableFuture[]::new))
                .thenRunAsync(
                        guarded(
                                () -> {
                                    resourcesSynced = true;
                                    reconcile(true);
                                }),
                        executor);
    }

    /** Reads the directory now and publishes what changed; returns when done. */
    public void reloadNow() throws InterruptedException {
        try {
            CompletableFuture.runAsync(guarded(this::syncDirectory), executor).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** 1 if the current configuration was loaded whole, else 0 (a rejected source, a conflict). */
    public int reloadSuccess() {
        return reloadSuccess;
    }

    /** When a changed configuration was last loaded whole, in Unix seconds; 0 if never. */
    public double lastSuccessTimestampSeconds() {
        Instant at = lastSuccess;
        return at == null ? 0 : at.toEpochMilli() / 1000.0;
    }

    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /** The policies on the topic as far as this sync knows: name to version. */
    public Map<String, String> activePolicies() {
        return active;
    }

    /**
     * The policies on the topic as far as this sync knows, read and validated: name to policy.
     * Policies found on the topic at start that could not be read are left out.
     */
    public Map<String, HealingPolicy> activeHealingPolicies() {
        return activeSnapshot;
    }

    /** Policy records published (tombstones excluded). */
    public long publishedCount() {
        return published.get();
    }

    public long tombstoneCount() {
        return tombstones.get();
    }

    /** Files and resources rejected because of errors (each rejected content counts once). */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Failed publishes, unreadable directory, failed watches. */
    public long errorCount() {
        return errors.get();
    }

    // ---- the directory ----

    private void watchLoop() {
        while (!closed) {
            try {
                directory.awaitChange(options.rescanInterval(), options.quietPeriod());
                if (closed) {
                    return;
                }
                CompletableFuture.runAsync(guarded(this::syncDirectory), executor).get();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
                if (closed) {
                    return;
                }
                LOG.warn("Policy directory sync failed: {}", e.toString());
            }
        }
    }

    private void syncDirectory() {
        if (directory == null) {
            reconcile(false);
            return;
        }
        SortedMap<String, PolicyDirectory.FileContent> files;
        try {
            files = directory.scan();
        } catch (IOException e) {
            if (!directoryFailing) {
                errors.incrementAndGet();
                LOG.error(
                        "Cannot read the policies directory {}: {}; the last good policies stay"
                                + " active",
                        directory.path(),
                        e.toString());
            }
            directoryFailing = true;
            reconcile(false);
            return;
        }
        boolean reloaded = directoryFailing;
        if (directoryFailing) {
            LOG.info("The policies directory {} is readable again", directory.path());
            directoryFailing = false;
        }
        for (String source : new ArrayList<>(fileSources)) {
            if (!files.containsKey(source)) {
                Set<String> names = catalog.lastGoodNames(source);
                catalog.remove(source);
                fileSources.remove(source);
                LOG.info("Policy file {} is gone (it defined {})", source, names);
                reloaded = true;
            }
        }
        for (Map.Entry<String, PolicyDirectory.FileContent> e : files.entrySet()) {
            String source = e.getKey();
            PolicyDirectory.FileContent content = e.getValue();
            if (catalog.isUnchanged(source, content.sha256())) {
                continue;
            }
            PolicyFile file =
                    content.bytes() == null
                            ? PolicyReader.readFile(content.path())
                            : PolicyReader.readText(source, content.bytes());
            Accepted accepted = catalog.accept(source, content.sha256(), file);
            fileSources.add(source);
            report(source, file, accepted);
            reloaded = true;
        }
        reconcile(reloaded);
    }

    // ---- HealingPolicy resources ----

    /** Hands informer notifications to the sync thread. */
    private final class ResourceHandler implements ResourceEventHandler<GenericKubernetesResource> {
        @Override
        public void onAdd(GenericKubernetesResource resource) {
            submit(() -> syncResource(resource));
        }

        @Override
        public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource resource) {
            submit(() -> syncResource(resource));
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
            submit(() -> removeResource(resource));
        }

        private void submit(Runnable task) {
            if (!closed) {
                executor.execute(guarded(task));
            }
        }
    }

    private void syncResource(GenericKubernetesResource resource) {
        String source = HealingPolicyResources.source(resource);
        ObjectNode document =
                HealingPolicyResources.document(resource, client.getKubernetesSerialization());
        String contentKey;
        try {
            contentKey = PolicyDirectory.sha256(Json.mapper().writeValueAsBytes(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + source, e);
        }
        if (catalog.isUnchanged(source, contentKey)) {
            return; // a status update or a resync: same policy
        }
        PolicyDocument read = PolicyReader.readJson(source, document);
        PolicyFile file = new PolicyFile(source, List.of(read), List.of());
        Accepted accepted = catalog.accept(source, contentKey, file);
        report(source, file, accepted);
        if (!accepted.valid()) {
            events.rejected(resource, accepted.errors());
        }
        reconcile(true);
    }

    private void removeResource(GenericKubernetesResource resource) {
        String source = HealingPolicyResources.source(resource);
        Set<String> names = catalog.lastGoodNames(source);
        if (catalog.remove(source)) {
            LOG.info("{} was deleted (it defined {})", source, names);
            reconcile(true);
        }
    }

    // ---- reload ----

    private void report(String source, PolicyFile file, Accepted accepted) {
        List<Diagnostic> all = new ArrayList<>(file.diagnostics());
        for (Diagnostic error : accepted.errors()) {
            if (!all.contains(error)) {
                all.add(error);
            }
        }
        for (Diagnostic d : all) {
            switch (d.severity()) {
                case ERROR -> LOG.error("{}", d.format());
                case WARNING -> LOG.warn("{}", d.format());
                default -> LOG.info("{}", d.format());
            }
        }
        if (accepted.valid()) {
            LOG.info("Read {}: policies {}", source, accepted.policyNames());
            return;
        }
        rejected.incrementAndGet();
        Set<String> kept = catalog.lastGoodNames(source);
        LOG.error(
                "Rejected {} ({} {}); {}",
                source,
                accepted.errors().size(),
                accepted.errors().size() == 1 ? "error" : "errors",
                kept.isEmpty()
                        ? "nothing from it is published"
                        : "the last good version of " + kept + " stays active");
    }

    private void reconcile(boolean reloaded) {
        Plan plan = catalog.plan(resourcesSynced && !directoryFailing);
        if (!plan.conflicts().equals(reportedConflicts)) {
            plan.conflicts()
                    .forEach(
                            (name, sources) -> {
                                if (!sources.equals(reportedConflicts.get(name))) {
                                    PolicyCatalog.Published current = catalog.published().get(name);
                                    LOG.error(
                                            "Policy '{}' is defined in both {}; a policy name must"
                                                    + " be unique. Neither replaces the last good"
                                                    + " version ({}) until one is renamed or"
                                                    + " removed",
                                            name,
                                            String.join(" and ", sources),
                                            current == null
                                                    ? "none published"
                                                    : "version "
                                                            + current.version()
                                                            + (current.source() == null
                                                                    ? ""
                                                                    : " from " + current.source()));
                                }
                            });
            reportedConflicts = plan.conflicts();
        }
        boolean publishedAll = publish(plan.changes());
        boolean ok = plan.ok() && !directoryFailing && resourcesSynced && publishedAll;
        reloadSuccess = ok ? 1 : 0;
        if (ok && (reloaded || !lastOk)) {
            lastSuccess = clock.instant();
        }
        if (ok && !lastOk) {
            LOG.info("Policies loaded: {} active", catalog.published().size());
        }
        lastOk = ok;
        active = snapshot();
    }

    /** Publishes {@code changes} and waits for them; false if any failed (retried next time). */
    private boolean publish(List<Change> changes) {
        Map<Change, CompletableFuture<Void>> sent = new LinkedHashMap<>();
        for (Change change : changes) {
            byte[] value = null;
            if (change instanceof Publish p) {
                try {
                    value = Json.mapper().writeValueAsBytes(p.entry().document());
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("cannot write policy " + p.name(), e);
                }
            }
            sent.put(change, publisher.publish(topic, change.name(), value));
        }
        boolean ok = true;
        long deadline = System.nanoTime() + options.publishTimeout().toNanos();
        for (Map.Entry<Change, CompletableFuture<Void>> e : sent.entrySet()) {
            Change change = e.getKey();
            try {
                e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException failure) {
                ok = false;
                errors.incrementAndGet();
                Throwable cause =
                        failure instanceof ExecutionException ? failure.getCause() : failure;
                LOG.warn(
                        "Cannot publish {} of policy '{}' to {}; retrying within {}: {}",
                        change instanceof Publish ? "the new version" : "the removal",
                        change.name(),
                        topic,
                        options.rescanInterval(),
                        String.valueOf(cause));
                continue;
            }
            catalog.applied(change);
            if (change instanceof Publish p) {
                activeDocuments.put(p.name(), p.entry().policy());
                published.incrementAndGet();
                LOG.info(
                        "Published policy '{}' version {} from {}",
                        p.name(),
                        p.entry().version(),
                        p.source());
            } else {
                activeDocuments.remove(change.name());
                tombstones.incrementAndGet();
                LOG.info("Removed policy '{}': no file or resource defines it", change.name());
            }
        }
        return ok;
    }

    private Map<String, String> snapshot() {
        activeSnapshot = Collections.unmodifiableMap(new TreeMap<>(activeDocuments));
        Map<String, String> versions = new TreeMap<>();
        catalog.published().forEach((name, p) -> versions.put(name, p.version()));
        return Collections.unmodifiableMap(versions);
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                LOG.error("Policy sync step failed; the last good policies stay active", e);
            }
        };
    }

    /** Stops watching. The publisher and the client stay open: the caller owns them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
            try {
                informer.close();
            } catch (RuntimeException e) {
                LOG.warn("Cannot stop the HealingPolicy informer cleanly: {}", e.toString());
            }
        }
        if (watchThread != null) {
            watchThread.interrupt();
        }
        executor.shutdownNow();
        try {
            if (directory != null) {
                directory.close();
            }
            executor.awaitTermination(10, TimeUnit.SECONDS);
            if (watchThread != null) {
                watchThread.join(10_000);
            }
        } catch (IOException e) {
            LOG.warn("Cannot close the directory watch: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.kubeskippy.ingest.kubernetes;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeskippy.ingest.RecordPublisher;
import io.kubeskippy.model.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the cluster's Pods and (core v1) Events into Kafka as {@link
 * io.kubeskippy.model.record.WatchEvent} records: pods to {@code skippy.pods} keyed {@code
 * namespace/pod}, with a tombstone after each DELETED; events to {@code skippy.events} keyed {@code
 * namespace/involvedObject.name}.
 *
 * <p>fabric8 informers list, then watch, and relist on their own after a reconnect or a 410 Gone;
 * {@link WatchEventHandler} keeps those relists and the periodic resyncs from publishing unchanged
 * objects again.
 */
public final class ClusterWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);

    private final KubernetesClient client;
    private final Topics topics;
    private final ClusterWatchOptions options;
    private final WatchCounters counters = new WatchCounters();
    private final PublishedVersions podVersions;
    private final PublishedVersions eventVersions;
    private final WatchEventHandler<Pod> podHandler;
    private final WatchEventHandler<Event> eventHandler;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private volatile String lastError;
    private boolean started;
    private boolean closed;

    public ClusterWatch(
            KubernetesClient client,
            RecordPublisher publisher,
            Topics topics,
            ClusterWatchOptions options,
            Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.options = Objects.requireNonNull(options, "options");
        this.podVersions = new PublishedVersions(options.maxTrackedObjects());
        this.eventVersions = new PublishedVersions(options.maxTrackedObjects());
        this.podHandler =
                new WatchEventHandler<>(
                        topics.pods(),
                        true,
                        publisher,
                        client.getKubernetesSerialization(),
                        clock,
                        podVersions,
                        counters);
        // skippy.events is not compacted and keyed by the involved object: no tombstones there.
        this.eventHandler =
                new WatchEventHandler<>(
                        topics.events(),
                        false,
                        publisher,
                        client.getKubernetesSerialization(),
                        clock,
                        eventVersions,
                        counters);
    }

    public ClusterWatch(
            KubernetesClient client,
            RecordPublisher publisher,
            Topics topics,
            ClusterWatchOptions options) {
        this(client, publisher, topics, options, Clock.systemUTC());
    }

    /**
     * Starts the informers.
     *
     * @return completes once every informer has listed its objects and handed them to the
     *     publisher; it keeps retrying (and counting errors) while the API server cannot be reached
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    public synchronized CompletableFuture<Void> start() {
        if (started || closed) {
            throw new IllegalStateException("a ClusterWatch starts once");
        }
        started = true;
        List<String> namespaces =
                options.allNamespaces() ? Collections.singletonList(null) : options.namespaces();
        long resyncMs = options.resync().toMillis();
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (String namespace : namespaces) {
            var pods =
                    namespace == null
                            ? client.pods().inAnyNamespace()
                            : client.pods().inNamespace(namespace);
            Informable<Pod> podInformable =
                    options.podLabelSelector() == null
                            ? pods
                            : pods.withLabelSelector(options.podLabelSelector());
            synced.add(
                    run(podInformable, podHandler, resyncMs, "pods", namespace)
                            .toCompletableFuture());
            var events =
                    namespace == null
                            ? client.v1().events().inAnyNamespace()
                            : client.v1().events().inNamespace(namespace);
            synced.add(run(events, eventHandler, resyncMs, "events", namespace));
        }
        LOG.info(
                "Watching pods{} and events in {} -> {}, {}",
                options.podLabelSelector() == null
                        ? ""
                        : " (labels " + options.podLabelSelector() + ")",
                options.allNamespaces() ? "all namespaces" : "namespaces " + options.namespaces(),
                topics.pods(),
                topics.events());
        return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new));
    }

    private <T> CompletableFuture<Void> run(
            Informable<T> informable,
            WatchEventHandler<? super T> handler,
            long resyncMs,
            String what,
            String namespace) {
        SharedIndexInformer<T> informer =
                informable.withLimit(options.listPageSize()).runnableInformer(resyncMs);
        informer.addEventHandler(handler);
        String where = namespace == null ? "all namespaces" : "namespace " + namespace;
        informer.exceptionHandler(
                (isStarted, error) -> {
                    counters.countError();
                    lastError = what + " in " + where + ": " + error;
                    if (ExceptionHandler.isDeserializationException(error)) {
                        LOG.error(
                                "Watch of {} in {} failed to read a response; it stops: {}",
                                what,
                                where,
                                error.toString());
                        return false;
                    }
                    // Keep retrying (with fabric8's back-off): a missing RBAC rule or an API
                    // server that is down is fixed from outside, and we should resume then.
                    LOG.warn(
                            "Watch of {} in {} failed; retrying: {}",
                            what,
                            where,
                            error.toString());
                    return true;
                });
        synchronized (this) {
            informers.add(informer);
        }
        return informer.start().toCompletableFuture();
    }

    /** Whether every informer has listed its objects at least once. */
    public synchronized boolean hasSynced() {
        return started && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public WatchCounters counters() {
        return counters;
    }

    /** Records handed to the publisher for {@code topic}, tombstones included. */
    public long published(String topic) {
        return counters.published(topic);
    }

    public long errors() {
        return counters.errors();
    }

    /** The last error of a watch, e.g. why the API server could not be reached; null if none. */
    public String lastError() {
        return lastError;
    }

    public long duplicatesSuppressed() {
        return counters.duplicatesSuppressed();
    }

    /** Objects whose last published version is remembered for de-duplication. */
    public int trackedObjects() {
        return podVersions.size() + eventVersions.size();
    }

    /** Stops the informers. The client and the publisher stay open: the caller owns them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (SharedIndexInformer<?> informer : informers) {
            try {
                informer.close();
            } catch (RuntimeException e) {
                LOG.warn("Cannot stop an informer cleanly: {}", e.toString());
            }
        }
        informers.clear();
        LOG.info("Stopped watching pods and events ({})", counters);
    }
}

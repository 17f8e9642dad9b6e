package io.kubeskippy.ingest;

import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.kubernetes.ClusterWatch;
import io.kubeskippy.ingest.policy.PolicySync;
import io.kubeskippy.ingest.prometheus.PrometheusPoller;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The ingest process's metrics, prefixed {@code kubeskippy_ingest_} (the two policy reload metrics
 * keep the names Alertmanager's reload taught operators: {@code kubeskippy_policy_reload_success}
 * and {@code kubeskippy_policy_last_success_timestamp_seconds}).
 *
 * <p>Nothing is counted twice: every metric reads {@link IngestCounters} or a part's own counters
 * when it is scraped. Only the enabled parts' metrics are registered; a part that is still starting
 * reports nothing yet.
 */
final class IngestMetrics {

    private static final String PREFIX = "kubeskippy_ingest_";

    private final PrometheusRegistry registry;
    private final IngestCounters counters;

    private IngestMetrics(PrometheusRegistry registry, IngestCounters counters) {
        this.registry = registry;
        this.counters = counters;
    }

    /** Registers the metrics of the parts {@code options} enables, read from {@code process}. */
    static PrometheusRegistry register(IngestOptions options, IngestProcess process) {
        IngestMetrics metrics = new IngestMetrics(new PrometheusRegistry(), process.counters());
        metrics.kafka();
        metrics.errors(options, process);
        if (options.remoteWritePort().isPresent()) {
            metrics.remoteWrite();
        }
        if (options.prometheus() != null) {
            metrics.poll(process::poller);
        }
        if (options.kubernetes()) {
            metrics.watch(process::clusterWatch);
        }
        if (options.syncsPolicies()) {
            metrics.policies(process::policySync);
        }
        return metrics.registry;
    }

    private void kafka() {
        counter(
                "records_sent",
                "Records Kafka acknowledged, by topic.",
                cb -> counters.recordsSentByTopic().forEach((topic, n) -> cb.call(n, topic)),
                "topic");
        counter(
                "records_dropped",
                "Records not written to Kafka, by topic and reason: buffer_full (no buffer space"
                        + " within --kafka-max-block), timeout (no metadata or acknowledgement in"
                        + " time), error.",
                cb ->
                        counters.recordsFailedByTopic()
                                .forEach(
                                        (topic, byReason) ->
                                                byReason.forEach(
                                                        (reason, n) ->
                                                                cb.call(n, topic, reason.label()))),
                "topic",
                "reason");
    }

    private void errors(IngestOptions options, IngestProcess process) {
        counter(
                "errors",
                "Errors by component: kafka (records dropped), kubernetes (watch and conversion"
                        + " errors), policies (failed publishes and reads), prometheus (unreachable"
                        + " or refused queries), remote_write (requests answered 5xx).",
                cb -> {
                    cb.call(counters.recordsFailed(), "kafka");
                    ClusterWatch watch = process.clusterWatch();
                    if (watch != null) {
                        cb.call(watch.errors(), "kubernetes");
                    }
                    PolicySync policies = process.policySync();
                    if (policies != null) {
                        cb.call(policies.errorCount(), "policies");
                    }
                    if (process.poller() != null) {
                        cb.call(counters.pollErrors() + counters.pollQueryErrors(), "prometheus");
                    }
                    if (options.remoteWritePort().isPresent()) {
                        cb.call(
                                counters.remoteWriteRejected(Rejection.INTERNAL_ERROR)
                                        + counters.remoteWriteRejected(Rejection.KAFKA_UNAVAILABLE),
                                "remote_write");
                    }
                },
                "component");
    }

    private void remoteWrite() {
        counter(
                "remote_write_requests",
                "remote_write requests by outcome: accepted (204, every sample acknowledged by"
                        + " Kafka) or the reason of the error answer.",
                cb -> {
                    cb.call(counters.remoteWriteAccepted(), "accepted");
                    for (Rejection r : Rejection.values()) {
                        cb.call(counters.remoteWriteRejected(r), r.label());
                    }
                },
                "outcome");
        counter(
                "remote_write_received_bytes",
                "remote_write body bytes as sent (snappy-compressed).",
                cb -> cb.call(counters.remoteWriteBytes()));
        counter(
                "remote_write_decoded_bytes",
                "remote_write body bytes after snappy decompression.",
                cb -> cb.call(counters.remoteWriteDecodedBytes()));
        samples(
                "remote_write_samples",
                "remote_write samples by outcome: written (in accepted requests) or why dropped.",
                counters::remoteWriteSamples,
                counters::remoteWriteDropped);
    }

    private void poll(Supplier<PrometheusPoller> poller) {
        counter(
                "poll_evaluations",
                "Query evaluations that returned a result, one per query per step.",
                cb -> cb.call(counters.pollEvaluations()));
        counter(
                "poll_errors",
                "Failed polls: unreachable (connection error, timeout, 5xx) or query (refused by"
                        + " Prometheus, or an unreadable answer).",
                cb -> {
                    cb.call(counters.pollErrors(), "unreachable");
                    cb.call(counters.pollQueryErrors(), "query");
                },
                "kind");
        counter(
                "poll_missed_evaluations",
                "Evaluation steps that passed without an evaluation: the gaps in the polled"
                        + " series.",
                cb -> cb.call(counters.pollMissedEvaluations()));
        counter(
                "poll_outages",
                "Times Prometheus became unreachable.",
                cb -> cb.call(counters.pollOutages()));
        samples(
                "poll_samples",
                "Polled samples by outcome: written or why dropped.",
                counters::pollSamples,
                counters::pollDropped);
        gauge(
                "poll_lag_seconds",
                "Seconds since the evaluation time of the latest step done; grows during an"
                        + " outage.",
                cb -> {
                    long last = counters.pollLastStepMs();
                    if (last > 0) {
                        cb.call(Math.max(0, System.currentTimeMillis() - last) / 1000.0);
                    }
                });
        gauge(
                "poll_queries",
                "Queries evaluated every step: the queries file's and the policies' PromQL"
                        + " triggers.",
                cb -> {
                    if (poller.get() != null) {
                        cb.call(poller.get().queryCount());
                    }
                });
    }

    private void watch(Supplier<ClusterWatch> watch) {
        counter(
                "watch_tombstones",
                "Tombstones published after deleted pods.",
                cb -> ifPresent(watch, w -> cb.call(w.counters().tombstones())));
        counter(
                "watch_duplicates_suppressed",
                "Informer notifications of an already published version (resyncs, relists),"
                        + " not published again.",
                cb -> ifPresent(watch, w -> cb.call(w.duplicatesSuppressed())));
        gauge(
                "watch_tracked_objects",
                "Objects whose last published version is remembered for de-duplication.",
                cb -> ifPresent(watch, w -> cb.call(w.trackedObjects())));
        gauge(
                "watch_synced",
                "1 once every pod and event informer has listed its objects, else 0.",
                cb -> cb.call(watch.get() != null && watch.get().hasSynced() ? 1 : 0));
    }

    private void policies(Supplier<PolicySync> sync) {
        GaugeWithCallback.builder()
                .name("kubeskippy_policy_reload_success")
                .help(
                        "1 if the policies were loaded whole at the last reload, 0 if a file or"
                                + " resource was rejected (the last good version stays).")
                .callback(cb -> ifPresent(sync, s -> cb.call(s.reloadSuccess())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("kubeskippy_policy_last_success_timestamp_seconds")
                .help("When a changed policy configuration was last loaded whole, Unix seconds.")
                .callback(cb -> ifPresent(sync, s -> cb.call(s.lastSuccessTimestampSeconds())))
                .register(registry);
        counter(
                "policy_reloads",
                "Policy reload results: published (a new version), removed (a tombstone),"
                        + " rejected (a file or resource with errors).",
                cb ->
                        ifPresent(
                                sync,
                                s -> {
                                    cb.call(s.publishedCount(), "published");
                                    cb.call(s.tombstoneCount(), "removed");
                                    cb.call(s.rejectedCount(), "rejected");
                                }),
                "outcome");
        gauge(
                "policies_active",
                "Policies on the policy topic.",
                cb -> ifPresent(sync, s -> cb.call(s.activePolicies().size())));
    }

    /** {@code <prefix><name>_total{outcome}}: written, then one series per drop reason. */
    private void samples(
            String name, String help, LongSupplier written, ToLongFunction<Drop> dropped) {
        counter(
                name,
                help,
                cb -> {
                    cb.call(written.getAsLong(), "written");
                    for (Drop drop : Drop.values()) {
                        cb.call(dropped.applyAsLong(drop), drop.label());
                    }
                },
                "outcome");
    }

    private void counter(
            String name,
            String help,
            Consumer<CounterWithCallback.Callback> callback,
            String... labels) {
        CounterWithCallback.builder()
                .name(PREFIX + name)
                .help(help)
                .labelNames(labels)
                .callback(callback)
                .register(registry);
    }

    private void gauge(
            String name,
            String help,
            Consumer<GaugeWithCallback.Callback> callback,
            String... labels) {
        GaugeWithCallback.builder()
                .name(PREFIX + name)
                .help(help)
                .labelNames(labels)
                .callback(callback)
                .register(registry);
    }

    private static <T> void ifPresent(Supplier<T> part, Consumer<T> action) {
        T value = part.get();
        if (value != null) {
            action.accept(value);
        }
    }
}

package io.kubeskippy.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeskippy.ingest.kafka.KafkaSink;
import io.kubeskippy.ingest.kafka.KafkaTopicCheck;
import io.kubeskippy.ingest.kubernetes.ClusterWatch;
import io.kubeskippy.ingest.policy.PolicySync;
import io.kubeskippy.ingest.policy.PolicyTopicSnapshot;
import io.kubeskippy.ingest.prometheus.PolicyQueries;
import io.kubeskippy.ingest.prometheus.PrometheusPoller;
import io.kubeskippy.ingest.prometheus.PrometheusQuery;
import io.kubeskippy.ingest.prometheus.QueryFile;
import io.kubeskippy.ingest.prometheus.QueryFileException;
import io.kubeskippy.ingest.remotewrite.RemoteWriteReceiver;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.policy.HealingPolicy;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest process: the parts its {@link IngestOptions} enable, writing through one {@link
 * KafkaSink}, with {@code /metrics} and {@code /healthz}.
 *
 * <p>{@link #start} checks Kafka and its topics, serves /metrics and /healthz, then starts the
 * cluster watch, policy sync, poller and remote_write receiver, each ready before the next; any
 * failure stops what started and is one {@link IngestStartException} that names the part and the
 * fix. {@link #close} stops them in reverse: the inputs first, so that what they accepted is
 * flushed to Kafka, then the producer, then the status server.
 */
public final class IngestProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestProcess.class);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

    private final IngestOptions options;
    private final IngestCounters counters = new IngestCounters();
    private KafkaSink kafka;
    private StatusServer status;
    private KubernetesClient client;
    private volatile ClusterWatch clusterWatch;
    private volatile PolicySync policySync;
    private volatile CompletableFuture<Void> policiesRead;
    private volatile PrometheusPoller poller;
    private volatile RemoteWriteReceiver receiver;
    private volatile boolean closing;

    private IngestProcess(IngestOptions options) {
        this.options = options;
    }

    /**
     * Starts every enabled part and returns once each is ready.
     *
     * @throws IngestStartException naming the part that could not start, why, and what to do;
     *     whatever had started is stopped
     */
    public static IngestProcess start(IngestOptions options) throws IngestStartException {
        IngestProcess process = new IngestProcess(options);
        try {
            process.startParts();
            return process;
        } catch (IngestStartException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    private void startParts() throws IngestStartException {
        List<PrometheusQuery> fileQueries = loadQueries();
        Duration timeout = options.startTimeout();
        try {
            KafkaTopicCheck.requireTopics(
                    options.kafka(), Map.of(), options.writtenTopics(), timeout);
        } catch (IllegalStateException e) {
            throw new IngestStartException(e.getMessage(), e);
        }
        kafka = new KafkaSink(options.kafkaSinkOptions(), counters);
        try {
            status =
                    StatusServer.start(
                            options.listenAddress(),
                            options.metricsPort(),
                            IngestMetrics.register(options, this),
                            this::health);
        } catch (IOException | RuntimeException e) {
            throw cannotListen(IngestOption.METRICS_PORT, options.metricsPort(), e);
        }
        if (options.kubernetes()) {
            startClusterWatch(timeout);
        }
        if (options.syncsPolicies()) {
            startPolicySync(timeout);
        }
        if (options.prometheus() != null) {
            Supplier<Map<String, HealingPolicy>> policies =
                    policySync == null ? Map::of : policySync::activeHealingPolicies;
            PrometheusPoller started =
                    new PrometheusPoller(
                            options.pollerOptions(),
                            PolicyQueries.withFile(fileQueries, policies),
                            kafka.samples(options.topics().metrics()),
                            counters);
            started.start();
            poller = started;
        }
        if (options.remoteWritePort().isPresent()) {
            try {
                receiver =
                        RemoteWriteReceiver.start(
                                options.remoteWriteOptions(),
                                kafka.samples(options.topics().metrics()),
                                counters);
            } catch (IOException | RuntimeException e) {
                throw cannotListen(
                        IngestOption.REMOTE_WRITE_PORT, options.remoteWritePort().getAsInt(), e);
            }
        }
        LOG.info("ingest started: {}", String.join("; ", summary()));
    }

    private List<PrometheusQuery> loadQueries() throws IngestStartException {
        if (options.queries() == null) {
            return List.of();
        }
        try {
            return QueryFile.load(options.queries());
        } catch (QueryFileException e) {
            throw new IngestStartException(String.join("; ", e.errors()), e);
        } catch (IOException e) {
            throw new IngestStartException(
                    "--queries " + options.queries() + ": cannot read it: " + e.getMessage(), e);
        }
    }

    private void startClusterWatch(Duration timeout) throws IngestStartException {
        try {
            client = options.clusterAccess().connect();
        } catch (RuntimeException e) {
            throw new IngestStartException(
                    "cannot connect to Kubernetes (" + options.clusterAccess() + "): " + message(e),
                    e);
        }
        ClusterWatch watch =
                new ClusterWatch(client, kafka, options.topics(), options.clusterWatchOptions());
        clusterWatch = watch;
        await(
                watch.start(),
                timeout,
                () ->
                        "Kubernetes API at "
                                + client.getMasterUrl()
                                + ": pods and events not listed within "
                                + timeout.toSeconds()
                                + "s"
                                + (watch.lastError() == null ? "" : " (" + watch.lastError() + ")")
                                + "; check --kubeconfig and that ingest may list and watch pods"
                                + " and events");
    }

    private void startPolicySync(Duration timeout) throws IngestStartException {
        Map<String, JsonNode> onTopic;
        try {
            onTopic =
                    PolicyTopicSnapshot.read(
                            options.kafka(), options.topics().policies(), Map.of(), timeout);
        } catch (TimeoutException | RuntimeException e) {
            throw new IngestStartException(
                    "cannot read the policy topic "
                            + options.topics().policies()
                            + " within "
                            + timeout.toSeconds()
                            + "s: "
                            + message(e),
                    e);
        }
        PolicySync sync =
                new PolicySync(
                        kafka, options.topics().policies(), options.policySyncOptions(), client);
        sync.seed(onTopic);
        policySync = sync;
        CompletableFuture<Void> read;
        try {
            read = sync.start();
        } catch (RuntimeException e) {
            throw new IngestStartException(
                    "cannot watch the policies in " + options.policies() + ": " + message(e), e);
        }
        policiesRead = read;
        await(
                read,
                timeout,
                () ->
                        "policies not read within "
                                + timeout.toSeconds()
                                + "s"
                                + (options.policyCrs()
                                        ? "; is the HealingPolicy CRD installed, and may ingest"
                                                + " list and watch healingpolicies?"
                                        : ""));
    }

    private static void await(
            CompletableFuture<Void> ready, Duration timeout, Supplier<String> timedOut)
            throws IngestStartException {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IngestStartException(timedOut.get(), e);
        } catch (ExecutionException e) {
            throw new IngestStartException(timedOut.get() + ": " + message(e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestStartException("interrupted while starting", e);
        }
    }

    private IngestStartException cannotListen(IngestOption option, int port, Exception e) {
        return new IngestStartException(
                "cannot listen on "
                        + options.listenAddress()
                        + ":"
                        + port
                        + " ("
                        + option.optionName()
                        + "): "
                        + message(e),
                e);
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text =
                root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return text.replaceAll("\\s+", " ").trim();
    }

    // ---- what it serves ----

    public IngestOptions options() {
        return options;
    }

    /** Every counter of the process; /metrics reads them. */
    public IngestCounters counters() {
        return counters;
    }

    /** The port /metrics and /healthz are served on (the chosen one when 0 was asked for). */
    public int metricsPort() {
        return status.port();
    }

    /** The remote_write receiver's port; empty when it is off. */
    public OptionalInt remoteWritePort() {
        RemoteWriteReceiver r = receiver;
        return r == null ? OptionalInt.empty() : OptionalInt.of(r.port());
    }

    ClusterWatch clusterWatch() {
        return clusterWatch;
    }

    PolicySync policySync() {
        return policySync;
    }

    PrometheusPoller poller() {
        return poller;
    }

    /** What runs, one line per part, e.g. for the command line to print. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        String host = options.listenAddress();
        lines.add("kafka: " + options.kafka() + " (topics " + options.writtenTopics() + ")");
        if (status != null) {
            String base = "http://" + host + ":" + status.port();
            lines.add("metrics: " + base + "/metrics, " + base + StatusServer.HEALTH_PATH);
        }
        if (receiver != null) {
            lines.add(
                    "remote_write: http://"
                            + host
                            + ":"
                            + receiver.port()
                            + RemoteWriteReceiver.PATH
                            + " -> "
                            + options.topics().metrics());
        }
        if (poller != null) {
            lines.add(
                    "prometheus: "
                            + options.prometheus()
                            + " every "
                            + Durations.format(options.step())
                            + ", "
                            + poller.queryCount()
                            + " queries -> "
                            + options.topics().metrics());
        }
        if (clusterWatch != null) {
            lines.add(
                    "kubernetes: "
                            + (client == null ? "" : client.getMasterUrl() + " ")
                            + "pods, events in "
                            + (options.namespaces().isEmpty()
                                    ? "all namespaces"
                                    : String.join(",", options.namespaces()))
                            + (options.podSelector() == null
                                    ? ""
                                    : " (pods " + options.podSelector() + ")")
                            + " -> "
                            + options.topics().pods()
                            + ", "
                            + options.topics().events());
        }
        if (policySync != null) {
            List<String> sources = new ArrayList<>();
            if (options.policies() != null) {
                sources.add(options.policies().toString());
            }
            if (options.policyCrs()) {
                sources.add("HealingPolicy resources");
            }
            lines.add(
                    "policies: "
                            + String.join(" and ", sources)
                            + ", "
                            + policySync.activePolicies().size()
                            + " active -> "
                            + options.topics().policies());
        }
        return lines;
    }

    /** Healthy when every enabled part runs and has synced; otherwise says which does not. */
    public IngestHealth health() {
        List<String> problems = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        if (closing) {
            problems.add("stopping");
        }
        parts.add(
                "kafka: "
                        + options.kafka()
                        + ", "
                        + counters.recordsFailed()
                        + " records dropped so far");
        if (options.kubernetes()) {
            ClusterWatch watch = clusterWatch;
            if (watch != null && watch.hasSynced()) {
                parts.add("kubernetes: pods and events listed and watched");
            } else {
                String problem =
                        "kubernetes: pods and events not listed yet"
                                + (watch == null || watch.lastError() == null
                                        ? ""
                                        : " (" + watch.lastError() + ")");
                problems.add(problem);
                parts.add(problem);
            }
        }
        if (options.syncsPolicies()) {
            CompletableFuture<Void> read = policiesRead;
            PolicySync sync = policySync;
            if (read != null && read.isDone() && !read.isCompletedExceptionally()) {
                parts.add(
                        "policies: "
                                + sync.activePolicies().size()
                                + " active, last reload "
                                + (sync.reloadSuccess() == 1 ? "ok" : "failed (see the log)"));
            } else {
                problems.add("policies: not read yet");
                parts.add("policies: not read yet");
            }
        }
        if (options.prometheus() != null) {
            PrometheusPoller p = poller;
            if (p != null && p.isRunning()) {
                parts.add(
                        "prometheus: "
                                + p.queryCount()
                                + " queries"
                                + (p.inOutage() ? ", unreachable: retrying with backoff" : ""));
            } else {
                problems.add("prometheus: poller not running");
                parts.add("prometheus: poller not running");
            }
        }
        if (options.remoteWritePort().isPresent()) {
            RemoteWriteReceiver r = receiver;
            if (r != null && r.isRunning()) {
                parts.add("remote_write: listening on port " + r.port());
            } else {
                problems.add("remote_write: not listening");
                parts.add("remote_write: not listening");
            }
        }
        return new IngestHealth(problems, parts);
    }

    /** The URL of /healthz, as served on the loopback interface. */
    public URI healthUrl() {
        return URI.create("http://127.0.0.1:" + metricsPort() + StatusServer.HEALTH_PATH);
    }

    // ---- stopping ----

    /**
     * Stops every part, inputs first: the receiver finishes the requests in flight, the poller and
     * the watches stop, the producer sends what it holds (for at most 30 s), then the status server
     * closes. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        stop("remote_write receiver", receiver);
        stop("Prometheus poller", poller);
        stop("policy sync", policySync);
        stop("cluster watch", clusterWatch);
        if (kafka != null) {
            try {
                kafka.close(FLUSH_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warn("Kafka producer did not close cleanly: {}", e.toString());
            }
        }
        stop("Kubernetes client", client);
        stop("status server", status);
        LOG.info(
                "ingest stopped; records sent by topic: {}, dropped: {}",
                counters.recordsSentByTopic(),
                counters.recordsFailedByTopic());
    }

    private static void stop(String what, AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("{} did not stop cleanly: {}", what, e.toString());
        }
    }
}

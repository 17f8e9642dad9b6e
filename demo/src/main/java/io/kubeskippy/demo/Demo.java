package io.kubeskippy.demo;

import io.kubeskippy.actuator.ActuatorOptions;
import io.kubeskippy.actuator.ActuatorProcess;
import io.kubeskippy.demo.cluster.AppSnapshot;
import io.kubeskippy.demo.cluster.SimulatedCluster;
import io.kubeskippy.demo.cluster.SimulatedClusters;
import io.kubeskippy.demo.cluster.SimulationSettings;
import io.kubeskippy.demo.observe.DemoSummary;
import io.kubeskippy.demo.observe.LoopRecorder;
import io.kubeskippy.demo.observe.LoopSnapshot;
import io.kubeskippy.demo.view.TerminalView;
import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.embedded.PrometheusProcess;
import io.kubeskippy.ingest.IngestOptions;
import io.kubeskippy.ingest.IngestProcess;
import io.kubeskippy.job.JobArgs;
import io.kubeskippy.job.JobSettings;
import io.kubeskippy.model.Topics;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole loop in this process: embedded Kafka, a simulated cluster behind a real Kubernetes API
 * endpoint (or a real cluster's context), ingest, the detection job in a local Flink cluster with
 * its dashboard, the actuator (not in dry-run), optionally Prometheus scraping every part, and a
 * recorder of what the loop does. {@link #start(DemoOptions)} returns once every part runs; {@link
 * #close()} stops them in reverse order.
 */
public final class Demo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    private static final Duration JOB_START_TIMEOUT = Duration.ofSeconds(120);

    private final DemoOptions options;
    private final long startedNanos = System.nanoTime();
    private final Deque<Part> started = new ArrayDeque<>();
    private final Map<String, String> metricsEndpoints = new LinkedHashMap<>();
    private EmbeddedKafka kafka;
    private SimulatedCluster cluster;
    private IngestProcess ingest;
    private JobCluster job;
    private ActuatorProcess actuator;
    private PrometheusProcess prometheus;
    private LoopRecorder recorder;
    private URI remoteWriteUrl;
    private Path kubeconfig;
    private Duration loopUp;
    private volatile DemoSummary finalSummary;
    private boolean closed;

    private record Part(String name, AutoCloseable closeable) {}

    private Demo(DemoOptions options) {
        this.options = options;
    }

    /**
     * Starts every part and returns once the job's tasks run and the actuator consumes.
     *
     * @throws DemoStartException naming the part that could not start; what had started is stopped
     */
    public static Demo start(DemoOptions options) throws DemoStartException {
        Demo demo = new Demo(options);
        try {
            demo.startParts();
            return demo;
        } catch (DemoStartException e) {
            demo.close();
            throw e;
        } catch (InterruptedException e) {
            demo.close();
            Thread.currentThread().interrupt();
            throw new DemoStartException("interrupted while starting", e);
        } catch (Exception e) {
            demo.close();
            throw new DemoStartException("cannot start the demo: " + e, e);
        }
    }

    private void startParts() throws Exception {
        Path work = options.workDir();
        Files.createDirectories(work);

        if (options.realCluster()) {
            // First, as it is the likeliest to fail: the context must exist.
            kubeconfig =
                    KubeContext.writeKubeconfig(
                            options.kubeContext(),
                            options.kubeconfigFiles().isEmpty()
                                    ? KubeContext.defaultFiles()
                                    : options.kubeconfigFiles(),
                            work.resolve("kubeconfig"));
        }

        // Kafka: a fresh log each run, so the view and the summary count this run only.
        Path kafkaDir = work.resolve("kafka");
        deleteRecursively(kafkaDir);
        try {
            kafka = EmbeddedKafka.builder(kafkaDir).port(options.kafkaPort()).start();
        } catch (RuntimeException e) {
            throw new DemoStartException("cannot start Kafka: " + e.getMessage(), e);
        }
        started.push(new Part("Kafka", kafka));
        kafka.createTopics(Topics.defaults(), 2);
        appendTimeOnActions();
        LOG.info("demo: Kafka on {}", kafka.bootstrapServers());

        // The simulated cluster, unless a real one was found above.
        if (!options.realCluster()) {
            SimulationSettings settings = options.simulationSettings();
            try {
                cluster = SimulatedClusters.start(settings);
            } catch (RuntimeException e) {
                throw new DemoStartException(
                        "cannot start the simulated cluster: " + e.getMessage(), e);
            }
            started.push(new Part("simulated cluster", cluster));
            kubeconfig = cluster.kubeconfig();
            metricsEndpoints.put("kubelet", "127.0.0.1:" + cluster.metricsPort());
        }

        // ingest: pods, events and policies from the cluster and demo/policies; samples by
        // remote_write.
        Map<String, String> in = new LinkedHashMap<>();
        in.put("kafka", kafka.bootstrapServers());
        in.put("kubeconfig", kubeconfig.toString());
        in.put("policies", options.policiesDir().toString());
        in.put("remote-write-port", String.valueOf(options.remoteWritePort()));
        in.put("metrics-port", String.valueOf(options.ingestMetricsPort()));
        in.put("listen-address", options.realCluster() ? "0.0.0.0" : "127.0.0.1");
        if (!options.namespaces().isEmpty()) {
            in.put("namespaces", String.join(",", options.namespaces()));
        }
        try {
            ingest = IngestProcess.start(IngestOptions.from(in));
        } catch (Exception e) {
            throw new DemoStartException("cannot start ingest: " + e.getMessage(), e);
        }
        started.push(new Part("ingest", ingest));
        metricsEndpoints.put("ingest", "127.0.0.1:" + ingest.metricsPort());
        remoteWriteUrl =
                URI.create(
                        "http://127.0.0.1:"
                                + ingest.remoteWritePort().orElseThrow()
                                + "/api/v1/write");
        if (cluster != null) {
            // Samples flow into Kafka while Flink starts; the job reads them from the beginning.
            cluster.sendSamplesTo(remoteWriteUrl);
        }

        // The job, in a local Flink cluster.
        int flinkMetricsPort =
                options.flinkMetricsPort() == 0 ? freePort() : options.flinkMetricsPort();
        List<String> jobArgs = new ArrayList<>();
        jobArgs.addAll(
                List.of(
                        "--kafka",
                        kafka.bootstrapServers(),
                        "--start-from",
                        "earliest",
                        "--checkpoint-interval",
                        "5s",
                        "--metric-step",
                        "5s",
                        // Samples come every 5 s, in order: event time need not wait 10 s for
                        // stragglers nor 30 s for a quiet partition (the pods topic often is),
                        // and a step's point need not wait 30 s for late samples.
                        "--out-of-orderness",
                        "5s",
                        "--source-idleness",
                        "10s",
                        "--lateness",
                        "10s",
                        "--web-ui-port",
                        String.valueOf(options.webUiPort()),
                        "--prometheus-port",
                        String.valueOf(flinkMetricsPort)));
        jobArgs.addAll(options.jobArgs());
        JobSettings settings;
        try {
            settings = JobArgs.parse(jobArgs);
        } catch (IllegalArgumentException e) {
            throw new DemoStartException("bad job option: " + e.getMessage(), e);
        }
        try {
            job =
                    JobCluster.start(
                            settings,
                            options.webUiPort(),
                            flinkMetricsPort,
                            work.resolve("flink-tmp"));
        } catch (Exception e) {
            throw new DemoStartException("cannot start the Flink job: " + e.getMessage(), e);
        }
        started.push(new Part("Flink", job));
        metricsEndpoints.put("flink", "127.0.0.1:" + flinkMetricsPort);

        // The actuator: acts for real (no dry-run) behind its safety gate.
        Map<String, String> act = new LinkedHashMap<>();
        act.put("kafka", kafka.bootstrapServers());
        act.put("kubeconfig", kubeconfig.toString());
        act.put("metrics-port", String.valueOf(options.actuatorMetricsPort()));
        act.put("listen-address", "127.0.0.1");
        act.put("cooldown", options.actuatorCooldown().toSeconds() + "s");
        act.put("verify-timeout", "90s");
        // At demo scale, as the policies: the shipped 10m would keep a workload's one pod
        // "acted on" for most of a five-minute demo.
        act.put("storm-window", "2m");
        if (!options.namespaces().isEmpty()) {
            act.put("namespaces", String.join(",", options.namespaces()));
        }
        try {
            actuator = ActuatorProcess.start(ActuatorOptions.from(act));
        } catch (Exception e) {
            throw new DemoStartException("cannot start the actuator: " + e.getMessage(), e);
        }
        started.push(new Part("actuator", actuator));
        metricsEndpoints.put("actuator", "127.0.0.1:" + actuator.metricsPort());

        recorder = new LoopRecorder(kafka.bootstrapServers(), Topics.defaults());
        recorder.start();
        started.push(new Part("view", recorder));

        try {
            job.awaitRunning(JOB_START_TIMEOUT);
        } catch (IllegalStateException e) {
            throw new DemoStartException(e.getMessage(), e);
        }
        loopUp = Duration.ofNanos(System.nanoTime() - startedNanos);
        LOG.info("demo: every part runs after {} ms", loopUp.toMillis());

        // Prometheus last: it only watches.
        if (options.prometheus() != DemoOptions.PrometheusMode.OFF) {
            startPrometheus();
        }
    }

    /**
     * The job's sink stamps each action with its event time (the detection's); the broker's append
     * time says when the job wrote it, which is what the detection latency needs.
     */
    private void appendTimeOnActions() throws Exception {
        try (Admin admin = kafka.admin()) {
            ConfigResource topic =
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.defaults().actions());
            AlterConfigOp appendTime =
                    new AlterConfigOp(
                            new ConfigEntry("message.timestamp.type", "LogAppendTime"),
                            AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(appendTime)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private void startPrometheus() throws DemoStartException {
        boolean onPath = onPath("prometheus");
        if (!onPath) {
            if (options.prometheus() == DemoOptions.PrometheusMode.REQUIRED) {
                throw new DemoStartException("prometheus is not on PATH", null);
            }
            LOG.info("demo: prometheus is not on PATH; not scraping");
            return;
        }
        Path dir = options.workDir().resolve("prometheus");
        RuntimeException failure = null;
        for (int port :
                options.prometheusPort() == 0
                        ? new int[] {0}
                        : new int[] {options.prometheusPort(), 0}) {
            try {
                PrometheusProcess.Builder b =
                        PrometheusProcess.builder(dir)
                                .port(port)
                                .scrapeInterval(options.prometheusScrapeInterval());
                metricsEndpoints.forEach(b::scrapeTarget);
                prometheus = b.start();
                started.push(new Part("Prometheus", prometheus));
                return;
            } catch (RuntimeException e) {
                failure = e;
                LOG.warn("demo: Prometheus on port {} did not start: {}", port, e.getMessage());
            }
        }
        if (options.prometheus() == DemoOptions.PrometheusMode.REQUIRED) {
            throw new DemoStartException(
                    "cannot start Prometheus: " + failure.getMessage(), failure);
        }
    }

    // ---- what runs ----

    public DemoOptions options() {
        return options;
    }

    /** Flink's REST API and web dashboard, e.g. {@code http://127.0.0.1:8081}. */
    public URI flinkRestUrl() {
        return job.restUrl();
    }

    /** The job's status, e.g. RUNNING. */
    public JobStatus jobStatus() {
        return job.status();
    }

    /** The Prometheus the demo started, when it did. */
    public Optional<URI> prometheusUrl() {
        return Optional.ofNullable(prometheus).map(PrometheusProcess::baseUrl);
    }

    /** The Prometheus process, when the demo started one. */
    public Optional<PrometheusProcess> prometheus() {
        return Optional.ofNullable(prometheus);
    }

    /**
     * Every /metrics endpoint by scrape job name, {@code host:port}, in the order they started:
     * {@code kubelet} (the simulated cluster's cAdvisor and kube-state-metrics samples; absent on a
     * real cluster), {@code ingest}, {@code flink} (the job's reporter), {@code actuator}.
     */
    public Map<String, String> metricsEndpoints() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(metricsEndpoints));
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** ingest's remote_write receiver, where a Prometheus sends samples. */
    public URI remoteWriteUrl() {
        return remoteWriteUrl;
    }

    /** The kubeconfig ingest and the actuator use. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The simulated cluster; empty on a real cluster. */
    public Optional<SimulatedCluster> simulatedCluster() {
        return Optional.ofNullable(cluster);
    }

    /** Time from {@link #start} until every part ran. */
    public Duration loopUp() {
        return loopUp;
    }

    public Duration running() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** "rule-only", or the model the job asks. */
    public String llmStatus() {
        if (!options.llmEnabled()) {
            return "rule-only";
        }
        return options.jobOption("llm-model", "qwen2.5:1.5b-instruct")
                + " via "
                + options.jobOption("llm-provider", "ollama")
                + " at "
                + options.jobOption("llm-url", "");
    }

    /** What the loop did so far. */
    public LoopSnapshot loop() {
        return recorder.snapshot();
    }

    /** The apps of the simulated cluster now; null on a real cluster. */
    public List<AppSnapshot> apps() {
        return cluster == null ? null : cluster.apps();
    }

    /** The summary now; after {@link #close()}, the one taken when it closed. */
    public DemoSummary summary() {
        DemoSummary last = finalSummary;
        if (last != null) {
            return last;
        }
        return DemoSummary.of(loop(), apps(), running(), loopUp, llmStatus());
    }

    /** What the terminal view shows now. */
    public TerminalView.Status status(Duration remaining) {
        return new TerminalView.Status(
                apps(),
                loop(),
                running(),
                loopUp,
                remaining,
                jobStatus().name(),
                flinkRestUrl(),
                prometheusUrl(),
                llmStatus(),
                options.realCluster()
                        ? "context " + options.kubeContext()
                        : "simulated (" + options.simulationSettings().namespace() + ")");
    }

    /**
     * Takes the final summary (after letting the recorder read what is committed), then stops every
     * part in reverse order of start. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (recorder != null && job != null) {
            try {
                // The recorder polls every 500 ms: let it read what was committed last.
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                finalSummary = summary();
            } catch (RuntimeException e) {
                LOG.warn("demo: cannot take the final summary: {}", e.toString());
            }
        }
        while (!started.isEmpty()) {
            Part part = started.pop();
            try {
                part.closeable().close();
            } catch (Exception e) {
                LOG.warn("demo: {} did not stop cleanly: {}", part.name(), e.toString());
            }
        }
        LOG.info("demo stopped");
    }

    // ---- helpers ----

    private static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return true;
            }
        }
        return false;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package io.kubeskippy.demo.cluster;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated cluster while it runs: the API server, the controller and the kubelet on one
 * simulation thread (so they never race each other, only the API's other clients), a sampler thread
 * that scrapes the kubelet every scrape interval, serves the scrape on /metrics and hands it to the
 * remote write pusher.
 */
final class RunningCluster implements SimulatedCluster {

    private static final Logger LOG = LoggerFactory.getLogger(RunningCluster.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final SimulationSettings settings;
    private final String threadPrefix;
    private final Clock clock;
    private final ApiServer api;
    private final KubernetesClient client;
    private final Path kubeconfig;
    private final List<DemoApp> apps;
    private final WorkloadController controller;
    private final Kubelet kubelet;
    private final EventRecorder events;
    private final ScheduledExecutorService simulation;
    private final ScheduledExecutorService sampler;
    private final MetricsServer metrics;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong failedRounds = new AtomicLong();
    private final AtomicLong scrapes = new AtomicLong();
    private volatile Map<String, Integer> desired = Map.of();
    private volatile String exposition = "";
    private volatile RemoteWritePusher pusher;
    private volatile String lastRoundError;
    private boolean closed;

    private RunningCluster(SimulationSettings settings, Clock clock, ApiServer api) {
        this.settings = settings;
        this.threadPrefix = "simulated-cluster-" + INSTANCES.incrementAndGet();
        this.clock = clock;
        this.api = api;
        this.kubeconfig = api.writeKubeconfig(settings.workDir());
        this.client = api.client("kubeskippy-demo");
        KubernetesClient system = api.client("simulated-node");
        Random random = new Random(settings.seed());
        this.apps = DemoApp.all(settings);
        this.events = new EventRecorder(system);
        Deletions deletions = new Deletions();
        this.controller =
                new WorkloadController(
                        system, settings.namespace(), Kubelet.NODE, events, deletions, random);
        this.kubelet = new Kubelet(system, settings.namespace(), apps, events, deletions, random);
        this.simulation = singleThread(threadPrefix);
        this.sampler = singleThread(threadPrefix + "-sampler");
        this.metrics =
                new MetricsServer(
                        settings.listenAddress(),
                        settings.metricsPort(),
                        threadPrefix + "-metrics",
                        () -> exposition);
    }

    /** See {@link SimulatedClusters#start(SimulationSettings)}. */
    static RunningCluster start(SimulationSettings settings, Clock clock) {
        ApiServer api = new ApiServer(settings.inPlaceResize());
        RunningCluster cluster = null;
        try {
            cluster = new RunningCluster(settings, clock, api);
            cluster.createApps();
            cluster.awaitPodsRunning();
            cluster.schedule();
            return cluster;
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            } else {
                api.close();
            }
            throw new IllegalStateException("the simulated cluster did not start: " + e, e);
        }
    }

    private void createApps() {
        client.nodes()
                .resource(
                        new NodeBuilder()
                                .withNewMetadata()
                                .withName(Kubelet.NODE)
                                .addToLabels("kubernetes.io/hostname", Kubelet.NODE)
                                .addToLabels("kubernetes.io/os", "linux")
                                .endMetadata()
                                .withNewStatus()
                                .addToCapacity("cpu", new Quantity("8"))
                                .addToCapacity("memory", new Quantity("16Gi"))
                                .addToCapacity("pods", new Quantity("110"))
                                .addToAllocatable("cpu", new Quantity("8"))
                                .addToAllocatable("memory", new Quantity("16Gi"))
                                .addToAllocatable("pods", new Quantity("110"))
                                .addNewCondition()
                                .withType("Ready")
                                .withStatus("True")
                                .withReason("KubeletReady")
                                .endCondition()
                                .addNewAddress()
                                .withType("InternalIP")
                                .withAddress(Kubelet.NODE_IP)
                                .endAddress()
                                .endStatus()
                                .build())
                .create();
        client.namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(settings.namespace())
                                .addToLabels("kubernetes.io/metadata.name", settings.namespace())
                                .endMetadata()
                                .build())
                .create();
        for (DemoApp app : apps) {
            client.apps()
                    .deployments()
                    .inNamespace(settings.namespace())
                    .resource(deployment(app, settings.namespace()))
                    .create();
        }
    }

    /** The Deployment of a demo app, as its manifest would declare it. */
    static Deployment deployment(DemoApp app, String namespace) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", app.name());
        labels.put("app.kubernetes.io/part-of", "kubeskippy-demo");
        Map<String, String> annotations = new LinkedHashMap<>();
        if (app.role() == AppRole.PROTECTED) {
            labels.put(DemoApp.PROTECTED, "true");
            annotations.put(DemoApp.PROTECTED, "true");
        }
        ContainerBuilder container =
                new ContainerBuilder()
                        .withName(DemoApp.CONTAINER)
                        .withImage(app.image())
                        .withImagePullPolicy("IfNotPresent")
                        .withNewResources()
                        .addToLimits("memory", bytes(app.memoryLimitBytes()))
                        .addToLimits("cpu", new Quantity(app.cpuLimitMillis() + "m"))
                        .addToRequests("memory", bytes(app.memoryRequestBytes()))
                        .addToRequests("cpu", new Quantity(app.cpuRequestMillis() + "m"))
                        .endResources();
        if (app.behaviour().requestsPerSecond() > 0) {
            container
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(8080)
                    .endPort()
                    .withNewReadinessProbe()
                    .withNewHttpGet()
                    .withPath("/ready")
                    .withNewPort("http")
                    .endHttpGet()
                    .withPeriodSeconds(5)
                    .withFailureThreshold(1)
                    .endReadinessProbe();
        }
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(app.name())
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withReplicas(app.replicas())
                .withNewSelector()
                .addToMatchLabels("app", app.name())
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withContainers(container.build())
                .withTerminationGracePeriodSeconds(30L)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** "256Mi" when the bytes are whole MiB, else the bytes. */
    private static Quantity bytes(long b) {
        long mib = SimulationSettings.MIB;
        return new Quantity(b % mib == 0 ? (b / mib) + "Mi" : Long.toString(b));
    }

    private void awaitPodsRunning() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            round();
            Map<String, Integer> ready = kubelet.readyPods();
            boolean all = true;
            for (DemoApp app : apps) {
                all &= ready.getOrDefault(app.name(), 0) >= app.replicas();
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "demo pods not running after "
                                + START_TIMEOUT.toSeconds()
                                + "s: "
                                + ready
                                + (lastRoundError == null
                                        ? ""
                                        : "; last error: " + lastRoundError));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
        }
    }

    private void schedule() {
        long tick = settings.tick().toMillis();
        simulation.scheduleWithFixedDelay(this::round, tick, tick, TimeUnit.MILLISECONDS);
        sampler.scheduleAtFixedRate(
                this::scrape, 0, settings.scrapeInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round of the controller and the kubelet. Never throws (a scheduled task must not). */
    private void round() {
        try {
            var now = clock.instant();
            controller.reconcile(now);
            desired = controller.desiredReplicas();
            kubelet.tick(now);
            rounds.incrementAndGet();
        } catch (RuntimeException e) {
            // a race with another client (a pod deleted between list and update, a conflict):
            // the next round reads again
            failedRounds.incrementAndGet();
            lastRoundError = e.toString();
            LOG.debug("simulation round failed: {}", e.toString());
        }
    }

    private void scrape() {
        try {
            List<Sample> samples = kubelet.scrape(clock.instant(), desired);
            exposition = Exposition.format(samples);
            scrapes.incrementAndGet();
            RemoteWritePusher p = pusher;
            if (p != null) {
                p.offer(samples);
            }
        } catch (RuntimeException e) {
            LOG.warn("scrape failed: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ SimulatedCluster

    @Override
    public Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    @Override
    public synchronized void sendSamplesTo(URI remoteWriteUrl) {
        Objects.requireNonNull(remoteWriteUrl, "remoteWriteUrl");
        if (closed) {
            throw new IllegalStateException("closed");
        }
        RemoteWritePusher old = pusher;
        pusher = new RemoteWritePusher(remoteWriteUrl, threadPrefix + "-remote-write");
        if (old != null) {
            old.close();
        }
    }

    @Override
    public int metricsPort() {
        return metrics.port();
    }

    @Override
    public List<AppSnapshot> apps() {
        return kubelet.snapshots(desired);
    }

    /** The demo apps' namespace. */
    String namespace() {
        return settings.namespace();
    }

    long rounds() {
        return rounds.get();
    }

    long failedRounds() {
        return failedRounds.get();
    }

    long scrapes() {
        return scrapes.get();
    }

    /** The pusher now, or null before {@link #sendSamplesTo}. */
    RemoteWritePusher pusher() {
        return pusher;
    }

    /** Every thread of this cluster has a name that starts with this. */
    String threadPrefix() {
        return threadPrefix;
    }

    String exposition() {
        return exposition;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(sampler);
        stop(simulation);
        if (pusher != null) {
            pusher.close();
        }
        metrics.close();
        api.close();
    }

    private static void stop(ScheduledExecutorService executor) {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a simulated cluster thread did not stop in 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ScheduledExecutorService singleThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }
}

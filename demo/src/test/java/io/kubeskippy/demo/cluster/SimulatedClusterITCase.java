package io.kubeskippy.demo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeskippy.actuator.execute.Cluster;
import io.kubeskippy.actuator.execute.LiveObject;
import io.kubeskippy.actuator.execute.Rollouts;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.remotewrite.RemoteWriteOptions;
import io.kubeskippy.ingest.remotewrite.RemoteWriteReceiver;
import io.kubeskippy.model.policy.DeleteAction;
import io.kubeskippy.model.record.MetricSample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated cluster through the real fabric8 client and the actuator's own cluster access: the
 * controller keeps Deployments, ReplicaSets and Pods alive as Kubernetes does, the kubelet runs the
 * demo apps' faults in (fast) real time, and the samples reach a real remote_write receiver and a
 * real /metrics endpoint. One cluster for the class, with rates that make things happen in seconds.
 */
class SimulatedClusterITCase {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration TIME_TO_OOM = Duration.ofSeconds(6);

    static SimulatedCluster cluster;
    static KubernetesClient k8s;
    static String ns;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "sim-");
        SimulationSettings settings =
                SimulationSettings.defaults(work)
                        .withTick(Duration.ofMillis(100))
                        .withScrapeInterval(Duration.ofSeconds(1))
                        .withTimeToOom(TIME_TO_OOM)
                        .withCrashLoopRunTime(Duration.ofSeconds(2))
                        .withCrashLoopBackOff(Duration.ofSeconds(3))
                        .withUnhealthyInterval(Duration.ofSeconds(2));
        cluster = SimulatedClusters.start(settings);
        ns = settings.namespace();
        // a client of its own, built from the kubeconfig file, as ingest and the actuator build
        // theirs
        k8s =
                new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(cluster.kubeconfig().toFile()))
                        .build();
    }

    @AfterAll
    static void stop() {
        if (k8s != null) {
            k8s.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    // ------------------------------------------------------------------ the controller

    @Test
    void startsEveryDemoAppWithOwnedRunningPods() {
        List<AppSnapshot> apps = cluster.apps();
        assertThat(apps)
                .extracting(AppSnapshot::name)
                .containsExactly(
                        "continuous-memory-degradation",
                        "memory-leak-app",
                        "continuous-cpu-oscillation",
                        "crashloop-app",
                        "random-crasher",
                        "flaky-web-app",
                        "chaos-monkey-component",
                        "steady-api",
                        "steady-worker");
        assertThat(apps.stream().filter(a -> a.role() == AppRole.CONTROL)).hasSize(2);
        AppSnapshot chaos = app("chaos-monkey-component");
        assertThat(chaos.role()).isEqualTo(AppRole.PROTECTED);
        Pod pod = pods("chaos-monkey-component").get(0);
        assertThat(pod.getMetadata().getLabels()).containsEntry("kubeskippy.io/protected", "true");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("kubeskippy.io/protected", "true");

        Pod steady = pods("steady-api").get(0);
        ReplicaSet rs = ownerReplicaSet(steady);
        OwnerReference toDeployment = rs.getMetadata().getOwnerReferences().get(0);
        assertThat(toDeployment.getKind()).isEqualTo("Deployment");
        assertThat(toDeployment.getUid())
                .isEqualTo(deployment("steady-api").getMetadata().getUid());
        assertThat(steady.getSpec().getContainers().get(0).getResources().getLimits())
                .containsKeys("memory", "cpu");
        assertThat(steady.getSpec().getContainers().get(0).getResources().getRequests())
                .containsKeys("memory", "cpu");
        assertThat(steady.getStatus().getPhase()).isEqualTo("Running");
        ContainerStatus status = steady.getStatus().getContainerStatuses().get(0);
        assertThat(status.getStarted()).isTrue();
        assertThat(status.getReady()).isTrue();
        assertThat(status.getState().getRunning()).isNotNull();
        assertThat(
                        Rollouts.rollout(
                                        new LiveObject(
                                                TargetKind.DEPLOYMENT, deployment("steady-api")))
                                .done())
                .isTrue();
    }

    @Test
    void deletedPodIsRecreatedWithNewNameAndUid() {
        Pod victim = pods("steady-api").get(0);
        int replacedBefore = app("steady-api").podsReplaced();
        k8s.pods().inNamespace(ns).resource(victim).delete();

        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            List<Pod> now = pods("steady-api");
                            assertThat(now).hasSize(2);
                            assertThat(now)
                                    .extracting(p -> p.getMetadata().getUid())
                                    .doesNotContain(victim.getMetadata().getUid());
                            assertThat(now)
                                    .extracting(p -> p.getMetadata().getName())
                                    .doesNotContain(victim.getMetadata().getName());
                            assertThat(now).allMatch(SimulatedClusterITCase::ready);
                            assertThat(app("steady-api").podsReplaced())
                                    .isEqualTo(replacedBefore + 1);
                        });
        Pod replacement =
                pods("steady-api").stream()
                        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
                        .orElseThrow();
        assertThat(ownerReplicaSet(replacement).getMetadata().getUid())
                .isEqualTo(ownerReplicaSet(victim).getMetadata().getUid());
        await().atMost(WAIT)
                .until(() -> eventsOf(victim.getMetadata().getName(), "Killing").size() == 1);
    }

    @Test
    void rolloutRestartReplacesEveryPodThroughANewReplicaSet() {
        Deployment before = deployment("steady-worker");
        Set<String> oldUids = uids(pods("steady-worker"));
        String oldHash =
                pods("steady-worker").get(0).getMetadata().getLabels().get("pod-template-hash");
        Cluster actuatorAccess = new Cluster(k8s, Clock.systemUTC());
        // exactly the patch the actuator's RestartExecutor makes
        actuatorAccess.mergePatch(
                TargetKind.DEPLOYMENT,
                ns,
                "steady-worker",
                "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                        + "{\"kubectl.kubernetes.io/restartedAt\":\""
                        + Instant.now()
                        + "\"}}}}}");

        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            Deployment d = deployment("steady-worker");
                            assertThat(d.getMetadata().getGeneration())
                                    .isGreaterThan(before.getMetadata().getGeneration());
                            assertThat(
                                            Rollouts.rollout(
                                                            new LiveObject(
                                                                    TargetKind.DEPLOYMENT, d))
                                                    .done())
                                    .as(
                                            "%s",
                                            Rollouts.rollout(
                                                            new LiveObject(
                                                                    TargetKind.DEPLOYMENT, d))
                                                    .message())
                                    .isTrue();
                            List<Pod> now = pods("steady-worker");
                            assertThat(now).hasSize(1).allMatch(SimulatedClusterITCase::ready);
                            assertThat(uids(now)).doesNotContainAnyElementsOf(oldUids);
                            assertThat(
                                            now.get(0)
                                                    .getMetadata()
                                                    .getLabels()
                                                    .get("pod-template-hash"))
                                    .isNotEqualTo(oldHash);
                            assertThat(now.get(0).getMetadata().getAnnotations())
                                    .containsKey("kubectl.kubernetes.io/restartedAt");
                        });
        List<ReplicaSet> sets =
                k8s.apps()
                        .replicaSets()
                        .inNamespace(ns)
                        .withLabel("app", "steady-worker")
                        .list()
                        .getItems();
        assertThat(sets).hasSize(2);
        assertThat(sets)
                .filteredOn(
                        rs -> rs.getMetadata().getLabels().get("pod-template-hash").equals(oldHash))
                .singleElement()
                .satisfies(rs -> assertThat(rs.getSpec().getReplicas()).isZero());
    }

    @Test
    void scaleChangesTheReplicaCount() {
        String app = "continuous-cpu-oscillation";
        Cluster actuatorAccess = new Cluster(k8s, Clock.systemUTC());
        actuatorAccess.scale(TargetKind.DEPLOYMENT, ns, app, 3);
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(pods(app))
                                    .hasSize(3)
                                    .allMatch(SimulatedClusterITCase::ready);
                            Deployment d = deployment(app);
                            assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
                            assertThat(
                                            Rollouts.rollout(
                                                            new LiveObject(
                                                                    TargetKind.DEPLOYMENT, d))
                                                    .done())
                                    .isTrue();
                            assertThat(app(app).desiredReplicas()).isEqualTo(3);
                            assertThat(app(app).readyPods()).isEqualTo(3);
                        });
        int replaced = app(app).podsReplaced();
        actuatorAccess.scale(TargetKind.DEPLOYMENT, ns, app, 1);
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(pods(app)).hasSize(1);
                            assertThat(deployment(app).getStatus().getReplicas()).isEqualTo(1);
                        });
        assertThat(app(app).podsReplaced()).as("a scale-down replaces nothing").isEqualTo(replaced);
    }

    @Test
    void resourcePatchOfTheTemplateRollsOutTheNewLimit() {
        String app = "random-crasher";
        Cluster actuatorAccess = new Cluster(k8s, Clock.systemUTC());
        assertThat(actuatorAccess.resizeSupported()).isFalse();
        // the actuator's ResourcePatchExecutor on a server without pods/resize
        actuatorAccess.jsonPatch(
                TargetKind.DEPLOYMENT,
                ns,
                app,
                null,
                "[{\"op\":\"test\",\"path\":\"/spec/template/spec/containers/0/name\",\"value\":\"app\"},"
                        + "{\"op\":\"test\",\"path\":\"/spec/template/spec/containers/0/resources/limits/memory\",\"value\":\"256Mi\"},"
                        + "{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/resources/limits/memory\",\"value\":\"384Mi\"}]");
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            Deployment d = deployment(app);
                            assertThat(
                                            Rollouts.rollout(
                                                            new LiveObject(
                                                                    TargetKind.DEPLOYMENT, d))
                                                    .done())
                                    .isTrue();
                            List<Pod> now = pods(app);
                            assertThat(now).hasSize(2).allMatch(SimulatedClusterITCase::ready);
                            for (Pod p : now) {
                                assertThat(
                                                p.getSpec()
                                                        .getContainers()
                                                        .get(0)
                                                        .getResources()
                                                        .getLimits()
                                                        .get("memory"))
                                        .isEqualTo(new Quantity("384Mi"));
                                assertThat(
                                                Quantity.getAmountInBytes(
                                                                p.getStatus()
                                                                        .getContainerStatuses()
                                                                        .get(0)
                                                                        .getResources()
                                                                        .getLimits()
                                                                        .get("memory"))
                                                        .longValue())
                                        .isEqualTo(384L << 20);
                            }
                            assertThat(app(app).memoryLimitBytes()).isEqualTo(384L << 20);
                        });
    }

    // ------------------------------------------------------------------ the kubelet

    @Test
    void leakThatIsNotHealedIsOomKilledAtItsLimit() {
        String app = "memory-leak-app";
        await().atMost(TIME_TO_OOM.plus(WAIT))
                .untilAsserted(
                        () -> {
                            assertThat(app(app).oomKills()).isPositive();
                            Pod killed =
                                    pods(app).stream()
                                            .filter(p -> status(p).getRestartCount() > 0)
                                            .findFirst()
                                            .orElseThrow();
                            ContainerStatus s = status(killed);
                            assertThat(s.getLastState().getTerminated().getReason())
                                    .isEqualTo("OOMKilled");
                            assertThat(s.getLastState().getTerminated().getExitCode())
                                    .isEqualTo(137);
                            List<Event> oom =
                                    eventsOf(killed.getMetadata().getName(), "OOMKilling");
                            assertThat(oom).isNotEmpty();
                            assertThat(oom.get(0).getType()).isEqualTo("Warning");
                            assertThat(oom.get(0).getInvolvedObject().getUid())
                                    .isEqualTo(killed.getMetadata().getUid());
                            assertThat(oom.get(0).getLastTimestamp()).isNotNull();
                        });
        AppSnapshot snapshot = app(app);
        assertThat(snapshot.memoryBytes()).isNotEmpty();
        assertThat(snapshot.memoryBytes().stream().mapToDouble(Double::doubleValue).max().orElse(0))
                .isLessThanOrEqualTo(snapshot.memoryLimitBytes());
    }

    @Test
    void leakingPodDeletedBeforeItsLimitCountsAsPrevented() {
        String app = "continuous-memory-degradation";
        Cluster actuatorAccess = new Cluster(k8s, Clock.systemUTC());
        int before = app(app).oomKillsPrevented();
        // a pod whose container started less than 2 s ago is far below its limit (7.5 s away)
        Pod young =
                await().atMost(WAIT)
                        .until(
                                () ->
                                        pods(app).stream()
                                                .filter(
                                                        p -> {
                                                            var running =
                                                                    status(p)
                                                                            .getState()
                                                                            .getRunning();
                                                            return running != null
                                                                    && Duration.between(
                                                                                            Instant
                                                                                                    .parse(
                                                                                                            running
                                                                                                                    .getStartedAt()),
                                                                                            Instant
                                                                                                    .now())
                                                                                    .toMillis()
                                                                            < 2000;
                                                        })
                                                .findFirst()
                                                .orElse(null),
                                java.util.Objects::nonNull);
        // the actuator's delete: with the pod's uid as precondition
        assertThat(
                        actuatorAccess.deletePod(
                                ns,
                                young.getMetadata().getName(),
                                young.getMetadata().getUid(),
                                new DeleteAction(10, false, null)))
                .isTrue();
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            assertThat(app(app).oomKillsPrevented()).isEqualTo(before + 1);
                            assertThat(pods(app))
                                    .hasSize(1)
                                    .allMatch(SimulatedClusterITCase::ready);
                        });
    }

    @Test
    void crashLoopBacksOffWithEvents() {
        String app = "crashloop-app";
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            Pod pod = pods(app).get(0);
                            ContainerStatus s = status(pod);
                            assertThat(s.getRestartCount()).isGreaterThanOrEqualTo(2);
                            assertThat(s.getState().getWaiting()).isNotNull();
                            assertThat(s.getState().getWaiting().getReason())
                                    .isEqualTo("CrashLoopBackOff");
                            assertThat(s.getReady()).isFalse();
                            assertThat(s.getLastState().getTerminated().getReason())
                                    .isEqualTo("Error");
                            List<Event> backOff = eventsOf(pod.getMetadata().getName(), "BackOff");
                            assertThat(backOff)
                                    .singleElement()
                                    .satisfies(
                                            e -> {
                                                assertThat(e.getType()).isEqualTo("Warning");
                                                assertThat(e.getCount()).isGreaterThanOrEqualTo(2);
                                            });
                        });
    }

    @Test
    void flakyWebAppFailsItsReadinessProbe() {
        await().atMost(WAIT)
                .untilAsserted(
                        () -> {
                            List<Event> unhealthy = new ArrayList<>();
                            for (Pod p : pods("flaky-web-app")) {
                                unhealthy.addAll(eventsOf(p.getMetadata().getName(), "Unhealthy"));
                            }
                            assertThat(unhealthy).isNotEmpty();
                            assertThat(unhealthy.get(0).getType()).isEqualTo("Warning");
                            assertThat(unhealthy.get(0).getMessage())
                                    .startsWith("Readiness probe failed");
                        });
    }

    // ------------------------------------------------------------------ samples

    @Test
    void remoteWriteReachesARealReceiver() throws Exception {
        List<MetricSample> received = new CopyOnWriteArrayList<>();
        try (RemoteWriteReceiver receiver =
                RemoteWriteReceiver.start(
                        RemoteWriteOptions.defaults().withAddress("127.0.0.1", 0),
                        samples -> {
                            received.addAll(samples);
                            return CompletableFuture.completedFuture(null);
                        },
                        new IngestCounters())) {
            cluster.sendSamplesTo(receiver.url());
            // a steady pod runs all along; a leaking one may wait in back-off between OOM kills
            String steady = pods("steady-worker").get(0).getMetadata().getName();
            String leaky = pods("memory-leak-app").get(0).getMetadata().getName();
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> {
                                assertThat(received.stream().map(MetricSample::name))
                                        .contains(
                                                "container_memory_working_set_bytes",
                                                "container_cpu_usage_seconds_total",
                                                "container_spec_memory_limit_bytes",
                                                "kube_pod_container_status_restarts_total",
                                                "kube_pod_container_resource_limits",
                                                "http_requests_total");
                                assertThat(samples(received, WORKING_SET, steady))
                                        .hasSizeGreaterThan(1);
                                assertThat(samples(received, CPU, steady)).hasSizeGreaterThan(1);
                                assertThat(samples(received, LIMITS, leaky)).isNotEmpty();
                            });
            MetricSample ws = samples(received, WORKING_SET, steady).get(0);
            assertThat(ws.labels())
                    .containsEntry("namespace", ns)
                    .containsEntry("container", "app")
                    .containsEntry("pod", steady);
            assertThat(ws.value()).isBetween(150.0 * MIB, 250.0 * MIB);
            assertThat(ws.timestampMs()).isCloseTo(System.currentTimeMillis(), within(30_000L));
            List<MetricSample> cpu = samples(received, CPU, steady);
            assertThat(cpu.get(cpu.size() - 1).value())
                    .as("a counter")
                    .isGreaterThan(cpu.get(0).value());
            assertThat(samples(received, LIMITS, leaky))
                    .filteredOn(s -> "memory".equals(s.labels().get("resource")))
                    .first()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(256.0 * MIB));
        }
    }

    static final String WORKING_SET = "container_memory_working_set_bytes";
    static final String CPU = "container_cpu_usage_seconds_total";
    static final String LIMITS = "kube_pod_container_resource_limits";
    static final double MIB = 1024 * 1024;

    static List<MetricSample> samples(List<MetricSample> all, String name, String pod) {
        return all.stream()
                .filter(s -> s.name().equals(name) && pod.equals(s.labels().get("pod")))
                .toList();
    }

    @Test
    void metricsEndpointServesTheTextFormat() throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + cluster.metricsPort()
                                                                + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/plain; version=0.0.4");
        String body = response.body();
        assertThat(body)
                .contains("# TYPE container_cpu_usage_seconds_total counter\n")
                .contains("# TYPE container_memory_working_set_bytes gauge\n")
                .contains("# TYPE kube_pod_container_status_restarts_total counter\n");
        String pod = pods("steady-worker").get(0).getMetadata().getName();
        assertThat(body.lines())
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith("container_memory_working_set_bytes{")
                                        .contains("container=\"app\"")
                                        .contains("namespace=\"" + ns + "\"")
                                        .contains("pod=\"" + pod + "\""));
    }

    // ------------------------------------------------------------------ a Kubernetes 1.33+ server

    @Test
    void inPlaceResizeAndRolloutOfLeakingPodsCountAsPreventedAndCloseStopsEverything()
            throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "sim-resize-");
        SimulationSettings settings =
                SimulationSettings.defaults(work)
                        .withTick(Duration.ofMillis(100))
                        .withScrapeInterval(Duration.ofSeconds(1))
                        .withTimeToOom(Duration.ofSeconds(30))
                        .withInPlaceResize(true);
        SimulatedCluster second = SimulatedClusters.start(settings);
        int port = second.metricsPort();
        try (KubernetesClient client =
                new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(second.kubeconfig().toFile()))
                        .build()) {
            Cluster actuatorAccess = new Cluster(client, Clock.systemUTC());
            assertThat(actuatorAccess.resizeSupported()).isTrue();
            String app = "continuous-memory-degradation";
            Pod pod = client.pods().inNamespace(ns).withLabel("app", app).list().getItems().get(0);
            // the actuator's ResourcePatchExecutor on a server with pods/resize
            actuatorAccess.jsonPatch(
                    TargetKind.POD,
                    ns,
                    pod.getMetadata().getName(),
                    "resize",
                    "[{\"op\":\"test\",\"path\":\"/spec/containers/0/name\",\"value\":\"app\"},"
                            + "{\"op\":\"replace\",\"path\":\"/spec/containers/0/resources/limits/memory\","
                            + "\"value\":\"384Mi\"}]");
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> {
                                Pod now =
                                        client.pods()
                                                .inNamespace(ns)
                                                .withName(pod.getMetadata().getName())
                                                .get();
                                assertThat(now.getMetadata().getUid())
                                        .isEqualTo(pod.getMetadata().getUid());
                                var limits = status(now).getResources().getLimits();
                                assertThat(
                                                Quantity.getAmountInBytes(limits.get("memory"))
                                                        .longValue())
                                        .isEqualTo(384L << 20);
                                AppSnapshot s = snapshot(second, app);
                                assertThat(s.oomKillsPrevented()).isEqualTo(1);
                                assertThat(s.memoryLimitBytes()).isEqualTo(384L << 20);
                                assertThat(s.podsReplaced()).isZero();
                            });

            // a rollout restart of a leaking app replaces both its pods before their limit
            actuatorAccess.mergePatch(
                    TargetKind.DEPLOYMENT,
                    ns,
                    "memory-leak-app",
                    "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                            + "{\"kubectl.kubernetes.io/restartedAt\":\""
                            + Instant.now()
                            + "\"}}}}}");
            await().atMost(WAIT)
                    .untilAsserted(
                            () -> {
                                AppSnapshot s = snapshot(second, "memory-leak-app");
                                assertThat(s.podsReplaced()).isEqualTo(2);
                                assertThat(s.oomKillsPrevented()).isEqualTo(2);
                                assertThat(s.oomKills()).isZero();
                                assertThat(s.readyPods()).isEqualTo(2);
                            });
        } finally {
            second.close();
        }
        String prefix = ((RunningCluster) second).threadPrefix();
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .noneMatch(n -> n.startsWith(prefix + "-") || n.equals(prefix));
        assertThatThrownBy(
                        () ->
                                HttpClient.newHttpClient()
                                        .send(
                                                HttpRequest.newBuilder(
                                                                URI.create(
                                                                        "http://127.0.0.1:"
                                                                                + port
                                                                                + "/metrics"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    static AppSnapshot snapshot(SimulatedCluster c, String name) {
        return c.apps().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    static AppSnapshot app(String name) {
        return cluster.apps().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Pod> pods(String app) {
        return k8s.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    static Deployment deployment(String name) {
        return k8s.apps().deployments().inNamespace(ns).withName(name).get();
    }

    static ReplicaSet ownerReplicaSet(Pod pod) {
        OwnerReference o = pod.getMetadata().getOwnerReferences().get(0);
        assertThat(o.getKind()).isEqualTo("ReplicaSet");
        assertThat(o.getController()).isTrue();
        return k8s.apps().replicaSets().inNamespace(ns).withName(o.getName()).get();
    }

    static ContainerStatus status(Pod pod) {
        return pod.getStatus().getContainerStatuses().get(0);
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static Set<String> uids(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    }

    static List<Event> eventsOf(String pod, String reason) {
        return k8s.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }
}

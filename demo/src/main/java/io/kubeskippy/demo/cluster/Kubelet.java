package io.kubeskippy.demo.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node: runs each demo pod's container as its {@link Behaviour} says, in real time. It reports
 * pod status through the API (phase, conditions, containerStatuses with started, ready,
 * restartCount, state and lastState, resources), records the Events a kubelet records (Scheduled,
 * Pulled, Created, Started, Killing, BackOff, Unhealthy, OOMKilling), OOM-kills a container whose
 * working set reaches its memory limit, and serves cAdvisor and kube-state-metrics samples.
 *
 * <p>It also counts, per app, what happened: OOM kills, pods replaced through the API, and OOM
 * kills prevented (a leaking pod deleted, rolled or given a higher limit while still below it).
 * Thread-safe: the simulation thread ticks it, the sampler scrapes it, the demo reads snapshots.
 */
final class Kubelet {

    static final String NODE = "demo-node-1";
    static final String NODE_IP = "10.0.0.10";
    static final int HISTORY = 60;

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
    private static final EventRecorder.Source KUBELET = new EventRecorder.Source("kubelet", NODE);
    private static final EventRecorder.Source SCHEDULER =
            new EventRecorder.Source("default-scheduler", null);
    private static final Duration CRASH_RESET = Duration.ofMinutes(5);
    private static final Duration DEFAULT_BACK_OFF = Duration.ofSeconds(10);
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(5);
    private static final Duration BACK_OFF_EVENT_EVERY = Duration.ofSeconds(10);
    private static final Duration NOT_READY_AFTER_PROBE_FAILURE = Duration.ofSeconds(4);

    private final KubernetesClient client;
    private final String namespace;
    private final EventRecorder events;
    private final Deletions deletions;
    private final Random random;
    private final Map<String, DemoApp> apps = new LinkedHashMap<>();
    private final Map<String, AppStats> stats = new LinkedHashMap<>();
    private final Map<String, PodSim> pods = new LinkedHashMap<>();
    private long lastTickMs;
    private int podIps;

    Kubelet(
            KubernetesClient client,
            String namespace,
            List<DemoApp> demoApps,
            EventRecorder events,
            Deletions deletions,
            Random random) {
        this.client = client;
        this.namespace = namespace;
        this.events = events;
        this.deletions = deletions;
        this.random = random;
        for (DemoApp app : demoApps) {
            apps.put(app.name(), app);
            stats.put(app.name(), new AppStats());
        }
    }

    // ------------------------------------------------------------------ the node's loop

    /** One round: picks up new pods, notices deleted ones, runs containers, reports status. */
    synchronized void tick(Instant now) {
        long nowMs = now.toEpochMilli();
        double dt = lastTickMs == 0 ? 0 : Math.min(5.0, (nowMs - lastTickMs) / 1000.0);
        lastTickMs = nowMs;
        Set<String> seen = new HashSet<>();
        for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
            if (pod.getMetadata().getDeletionTimestamp() != null
                    || !Kubelet.NODE.equals(pod.getSpec().getNodeName())) {
                continue;
            }
            String uid = pod.getMetadata().getUid();
            PodSim sim = pods.get(uid);
            if (sim == null) {
                DemoApp app = apps.get(labels(pod).get("app"));
                if (app == null) {
                    continue; // not a demo pod
                }
                sim = new PodSim(pod, app, nowMs);
                pods.put(uid, sim);
                started(sim, now, true);
            } else {
                sim.pod = pod;
                resized(sim, pod);
            }
            seen.add(uid);
        }
        for (Iterator<PodSim> it = pods.values().iterator(); it.hasNext(); ) {
            PodSim sim = it.next();
            if (!seen.contains(sim.uid)) {
                gone(sim, now);
                it.remove();
            }
        }
        for (PodSim sim : pods.values()) {
            advance(sim, now, dt);
            report(sim, now);
        }
    }

    private void started(PodSim sim, Instant now, boolean fresh) {
        Pod pod = sim.pod;
        String field = "spec.containers{" + sim.container + "}";
        if (fresh) {
            events.record(
                    pod,
                    null,
                    "Normal",
                    "Scheduled",
                    "Successfully assigned " + namespace + "/" + sim.name + " to " + NODE,
                    SCHEDULER,
                    now);
        }
        events.record(
                pod,
                field,
                "Normal",
                "Pulled",
                "Container image \"" + sim.app.image() + "\" already present on machine",
                KUBELET,
                now);
        events.record(
                pod,
                field,
                "Normal",
                "Created",
                "Created container " + sim.container,
                KUBELET,
                now);
        events.record(
                pod,
                field,
                "Normal",
                "Started",
                "Started container " + sim.container,
                KUBELET,
                now);
        sim.running = true;
        sim.containerStartMs = now.toEpochMilli();
        sim.cpuSecondsTotal = 0;
        sim.memoryBytes = sim.app.behaviour().memoryBytes() + sim.startJitterBytes;
        sim.cpuCores = sim.app.behaviour().cpuCores();
        sim.containerId = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        Behaviour b = sim.app.behaviour();
        if (b.meanTimeBetweenCrashes() != null && sim.nextRandomCrashMs == 0) {
            sim.nextRandomCrashMs = now.toEpochMilli() + exponential(b.meanTimeBetweenCrashes());
        }
        if (b.unhealthyInterval() != null && sim.nextUnhealthyMs == 0) {
            sim.nextUnhealthyMs = now.toEpochMilli() + jittered(b.unhealthyInterval());
        }
    }

    /** A pod left the API: deleted by the controller or by someone through the API. */
    private void gone(PodSim sim, Instant now) {
        Deletions.Cause cause = deletions.take(sim.uid);
        events.record(
                sim.pod,
                "spec.containers{" + sim.container + "}",
                "Normal",
                "Killing",
                "Stopping container " + sim.container,
                KUBELET,
                now);
        AppStats s = stats.get(sim.app.name());
        if (cause == Deletions.Cause.SCALE_DOWN) {
            return;
        }
        s.podsReplaced++;
        if (headingToOom(sim)) {
            s.oomKillsPrevented++;
            LOG.debug(
                    "{} deleted at {} MiB of {} MiB ({}): OOM kill prevented",
                    sim.name,
                    Math.round(sim.memoryBytes / SimulationSettings.MIB),
                    sim.memoryLimitBytes / SimulationSettings.MIB,
                    cause == null ? "deleted through the API" : "rollout");
        }
    }

    /** A leaking container still running below its limit: it would be OOM-killed. */
    private static boolean headingToOom(PodSim sim) {
        return sim.app.behaviour().leaks()
                && sim.running
                && sim.memoryLimitBytes > 0
                && sim.memoryBytes < sim.memoryLimitBytes;
    }

    /** Applies a limit changed in place (pods/resize). */
    private void resized(PodSim sim, Pod pod) {
        Container c = container(pod, sim.container);
        if (c == null) {
            return;
        }
        long memory = quantity(c, "limits", "memory").longValue();
        double cpu = quantity(c, "limits", "cpu").doubleValue();
        if (memory != sim.memoryLimitBytes || cpu != sim.cpuLimitCores) {
            if (memory > sim.memoryLimitBytes && headingToOom(sim) && !sim.raisedInTime) {
                sim.raisedInTime = true;
                stats.get(sim.app.name()).oomKillsPrevented++;
                LOG.debug(
                        "{}: memory limit raised in place to {} MiB at {} MiB: OOM kill prevented",
                        sim.name,
                        memory / SimulationSettings.MIB,
                        Math.round(sim.memoryBytes / SimulationSettings.MIB));
            }
            sim.memoryLimitBytes = memory;
            sim.cpuLimitCores = cpu;
            sim.memoryRequestBytes = quantity(c, "requests", "memory").longValue();
            sim.cpuRequestCores = quantity(c, "requests", "cpu").doubleValue();
        }
    }

    private void advance(PodSim sim, Instant now, double dt) {
        long nowMs = now.toEpochMilli();
        Behaviour b = sim.app.behaviour();
        if (!sim.running) {
            sim.memoryBytes = 0;
            sim.cpuCores = 0;
            if (nowMs >= sim.waitingUntilMs) {
                started(sim, now, false);
            } else if (nowMs - sim.lastBackOffEventMs >= BACK_OFF_EVENT_EVERY.toMillis()) {
                backOffEvent(sim, now);
            }
            return;
        }
        double t = (nowMs - sim.containerStartMs) / 1000.0;
        sim.memoryBytes =
                Math.max(
                        1 << 20,
                        b.memoryBytes()
                                + sim.startJitterBytes
                                + b.leakBytesPerSecond() * sim.rateFactor * t
                                + random.nextGaussian() * b.memoryNoiseBytes());
        if (sim.memoryLimitBytes > 0 && sim.memoryBytes >= sim.memoryLimitBytes) {
            sim.memoryBytes = sim.memoryLimitBytes;
            crashed(sim, now, "OOMKilled", 137);
            return;
        }
        double swing =
                b.cpuSwingCores() == 0
                        ? 0
                        : b.cpuSwingCores()
                                * Math.sin(2 * Math.PI * nowMs / (double) b.cpuPeriod().toMillis());
        double cpu = b.cpuCores() + swing + random.nextGaussian() * b.cpuNoiseCores();
        sim.cpuCores =
                Math.max(0.001, sim.cpuLimitCores > 0 ? Math.min(sim.cpuLimitCores, cpu) : cpu);
        sim.cpuSecondsTotal += sim.cpuCores * dt;
        if (b.requestsPerSecond() > 0) {
            double served =
                    Math.max(0, b.requestsPerSecond() * (1 + 0.1 * random.nextGaussian())) * dt;
            double errors = served * b.errorRatio();
            sim.requestsOk += served - errors;
            sim.requestsFailed += errors;
        }
        if (b.runTime() != null && t >= b.runTime().toMillis() / 1000.0) {
            crashed(sim, now, "Error", 1);
            return;
        }
        if (b.meanTimeBetweenCrashes() != null && nowMs >= sim.nextRandomCrashMs) {
            sim.nextRandomCrashMs = nowMs + exponential(b.meanTimeBetweenCrashes());
            crashed(sim, now, "Error", 2);
            return;
        }
        if (b.unhealthyInterval() != null && nowMs >= sim.nextUnhealthyMs) {
            sim.nextUnhealthyMs = nowMs + jittered(b.unhealthyInterval());
            sim.notReadyUntilMs = nowMs + NOT_READY_AFTER_PROBE_FAILURE.toMillis();
            events.record(
                    sim.pod,
                    "spec.containers{" + sim.container + "}",
                    "Warning",
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503",
                    KUBELET,
                    now);
        }
    }

    /** The container exited: restart at once, or after a back-off if it crashed recently. */
    private void crashed(PodSim sim, Instant now, String reason, int exitCode) {
        long nowMs = now.toEpochMilli();
        sim.running = false;
        sim.restartCount++;
        sim.lastReason = reason;
        sim.lastExitCode = exitCode;
        sim.lastStartedMs = sim.containerStartMs;
        sim.lastFinishedMs = nowMs;
        sim.lastContainerId = sim.containerId;
        AppStats s = stats.get(sim.app.name());
        if ("OOMKilled".equals(reason)) {
            s.oomKills++;
            events.record(
                    sim.pod,
                    "spec.containers{" + sim.container + "}",
                    "Warning",
                    "OOMKilling",
                    "Memory cgroup out of memory: Killed process "
                            + (1000 + random.nextInt(30000))
                            + " ("
                            + sim.app.name()
                            + ") total-vm:"
                            + (sim.memoryLimitBytes / 1024 + 262144)
                            + "kB, anon-rss:"
                            + sim.memoryLimitBytes / 1024
                            + "kB, file-rss:0kB, shmem-rss:0kB",
                    KUBELET,
                    now);
            LOG.debug(
                    "{} OOM-killed at its limit of {} MiB",
                    sim.name,
                    sim.memoryLimitBytes / SimulationSettings.MIB);
        }
        Behaviour b = sim.app.behaviour();
        long wait;
        if (b.backOff() != null) {
            wait = b.backOff().toMillis();
        } else if (sim.lastCrashMs > 0 && nowMs - sim.lastCrashMs < CRASH_RESET.toMillis()) {
            sim.quickCrashes++;
            wait =
                    Math.min(
                            MAX_BACK_OFF.toMillis(),
                            DEFAULT_BACK_OFF.toMillis() << Math.min(10, sim.quickCrashes - 1));
        } else {
            sim.quickCrashes = 0;
            wait = 0;
        }
        sim.lastCrashMs = nowMs;
        if (wait == 0) {
            started(sim, now, false);
            return;
        }
        sim.waitingUntilMs = nowMs + wait;
        sim.backOffMs = wait;
        backOffEvent(sim, now);
    }

    private void backOffEvent(PodSim sim, Instant now) {
        sim.lastBackOffEventMs = now.toEpochMilli();
        events.record(
                sim.pod,
                "spec.containers{" + sim.container + "}",
                "Warning",
                "BackOff",
                "Back-off restarting failed container "
                        + sim.container
                        + " in pod "
                        + sim.name
                        + "_"
                        + namespace
                        + "("
                        + sim.uid
                        + ")",
                KUBELET,
                now);
    }

    // ------------------------------------------------------------------ status

    /**
     * Writes the pod's status when it changed since the last write; retried next tick on failure.
     */
    private void report(PodSim sim, Instant now) {
        long nowMs = now.toEpochMilli();
        boolean ready = sim.running && nowMs >= sim.notReadyUntilMs;
        if (ready != sim.ready) {
            sim.ready = ready;
            sim.readyChangedMs = nowMs;
        }
        String signature =
                sim.running
                        + "|"
                        + ready
                        + "|"
                        + sim.restartCount
                        + "|"
                        + sim.containerStartMs
                        + "|"
                        + sim.memoryLimitBytes
                        + "|"
                        + sim.cpuLimitCores;
        if (signature.equals(sim.written)) {
            return;
        }
        Pod pod = sim.pod;
        pod.setStatus(status(sim));
        try {
            sim.pod = client.pods().inNamespace(namespace).resource(pod).updateStatus();
            sim.written = signature;
        } catch (KubernetesClientException e) {
            LOG.debug("status of {} not written ({}); next tick", sim.name, e.getMessage());
        }
    }

    private PodStatus status(PodSim sim) {
        String ready = sim.ready ? "True" : "False";
        String readySince =
                Instant.ofEpochMilli(sim.readyChangedMs)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
        String created =
                Instant.ofEpochMilli(sim.createdMs)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString();
        List<PodCondition> conditions =
                List.of(
                        condition("PodReadyToStartContainers", "True", created),
                        condition("Initialized", "True", created),
                        condition("Ready", ready, readySince),
                        condition("ContainersReady", ready, readySince),
                        condition("PodScheduled", "True", created));
        ContainerStatusBuilder c =
                new ContainerStatusBuilder()
                        .withName(sim.container)
                        .withImage(sim.app.image())
                        .withImageID("docker.io/" + sim.app.image() + "@sha256:" + "0".repeat(64))
                        .withContainerID("containerd://" + sim.containerId)
                        .withReady(sim.ready)
                        .withStarted(sim.running)
                        .withRestartCount(sim.restartCount)
                        .withResources(
                                new ResourceRequirementsBuilder()
                                        .addToLimits(
                                                "memory",
                                                new Quantity(Long.toString(sim.memoryLimitBytes)))
                                        .addToLimits("cpu", cpu(sim.cpuLimitCores))
                                        .addToRequests(
                                                "memory",
                                                new Quantity(Long.toString(sim.memoryRequestBytes)))
                                        .addToRequests("cpu", cpu(sim.cpuRequestCores))
                                        .build());
        if (sim.running) {
            c.withState(
                    new ContainerStateBuilder()
                            .withNewRunning()
                            .withStartedAt(iso(sim.containerStartMs))
                            .endRunning()
                            .build());
        } else {
            c.withState(
                    new ContainerStateBuilder()
                            .withNewWaiting()
                            .withReason("CrashLoopBackOff")
                            .withMessage(
                                    "back-off "
                                            + sim.backOffMs / 1000
                                            + "s restarting failed container="
                                            + sim.container
                                            + " pod="
                                            + sim.name
                                            + "_"
                                            + namespace
                                            + "("
                                            + sim.uid
                                            + ")")
                            .endWaiting()
                            .build());
        }
        if (sim.lastReason != null) {
            c.withLastState(
                    new ContainerStateBuilder()
                            .withNewTerminated()
                            .withReason(sim.lastReason)
                            .withExitCode(sim.lastExitCode)
                            .withStartedAt(iso(sim.lastStartedMs))
                            .withFinishedAt(iso(sim.lastFinishedMs))
                            .withContainerID("containerd://" + sim.lastContainerId)
                            .endTerminated()
                            .build());
        }
        ContainerStatus containerStatus = c.build();
        return new PodStatusBuilder()
                .withPhase("Running")
                .withConditions(conditions)
                .withHostIP(NODE_IP)
                .withPodIP(sim.podIp)
                .addNewPodIP(sim.podIp)
                .withStartTime(created)
                .withQosClass("Burstable")
                .withContainerStatuses(containerStatus)
                .build();
    }

    private static PodCondition condition(String type, String status, String since) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withLastTransitionTime(since)
                .build();
    }

    // ------------------------------------------------------------------ samples

    /**
     * The samples of every pod now, cAdvisor's and kube-state-metrics' names and labels, plus the
     * web apps' {@code http_requests_total}; also appends to each app's history.
     */
    synchronized List<Sample> scrape(Instant now, Map<String, Integer> desiredReplicas) {
        long ts = now.toEpochMilli();
        List<Sample> out = new ArrayList<>(pods.size() * 16);
        Map<String, double[]> maxima = new LinkedHashMap<>();
        Map<String, Integer> readyByApp = new LinkedHashMap<>();
        for (DemoApp app : apps.values()) {
            maxima.put(app.name(), new double[] {Double.NaN, Double.NaN});
            readyByApp.put(app.name(), 0);
        }
        for (PodSim sim : sorted()) {
            Map<String, String> base =
                    Map.of("namespace", namespace, "pod", sim.name, "container", sim.container);
            if (sim.running) {
                Map<String, String> cadvisor =
                        with(
                                base,
                                "job",
                                "kubelet",
                                "instance",
                                NODE,
                                "image",
                                sim.app.image(),
                                "metrics_path",
                                "/metrics/cadvisor");
                out.add(
                        gauge(
                                "container_memory_working_set_bytes",
                                "Current working set of the container in bytes",
                                cadvisor,
                                sim.memoryBytes,
                                ts));
                out.add(
                        gauge(
                                "container_memory_usage_bytes",
                                "Current memory usage in bytes, including all memory regardless of when it was accessed",
                                cadvisor,
                                Math.round(sim.memoryBytes * 1.08 + 2 * SimulationSettings.MIB),
                                ts));
                out.add(
                        counter(
                                "container_cpu_usage_seconds_total",
                                "Cumulative cpu time consumed in seconds",
                                cadvisor,
                                sim.cpuSecondsTotal,
                                ts));
                out.add(
                        gauge(
                                "container_spec_memory_limit_bytes",
                                "Memory limit for the container",
                                cadvisor,
                                sim.memoryLimitBytes,
                                ts));
                out.add(
                        gauge(
                                "container_spec_cpu_quota",
                                "CPU quota of the container",
                                cadvisor,
                                Math.round(sim.cpuLimitCores * 100_000),
                                ts));
                double[] m = maxima.get(sim.app.name());
                m[0] = Double.isNaN(m[0]) ? sim.memoryBytes : Math.max(m[0], sim.memoryBytes);
                m[1] = Double.isNaN(m[1]) ? sim.cpuCores : Math.max(m[1], sim.cpuCores);
            }
            if (sim.ready) {
                readyByApp.merge(sim.app.name(), 1, Integer::sum);
            }
            Map<String, String> ksm =
                    with(base, "job", "kube-state-metrics", "instance", "kube-state-metrics:8080");
            out.add(
                    counter(
                            "kube_pod_container_status_restarts_total",
                            "The number of container restarts per container.",
                            ksm,
                            sim.restartCount,
                            ts));
            out.add(
                    gauge(
                            "kube_pod_container_resource_limits",
                            "The number of requested limit resource by a container.",
                            with(ksm, "resource", "memory", "unit", "byte"),
                            sim.memoryLimitBytes,
                            ts));
            out.add(
                    gauge(
                            "kube_pod_container_resource_limits",
                            "The number of requested limit resource by a container.",
                            with(ksm, "resource", "cpu", "unit", "core"),
                            sim.cpuLimitCores,
                            ts));
            out.add(
                    gauge(
                            "kube_pod_container_resource_requests",
                            "The number of requested request resource by a container.",
                            with(ksm, "resource", "memory", "unit", "byte"),
                            sim.memoryRequestBytes,
                            ts));
            out.add(
                    gauge(
                            "kube_pod_container_resource_requests",
                            "The number of requested request resource by a container.",
                            with(ksm, "resource", "cpu", "unit", "core"),
                            sim.cpuRequestCores,
                            ts));
            out.add(
                    gauge(
                            "kube_pod_container_status_ready",
                            "Describes whether the containers readiness check succeeded.",
                            ksm,
                            sim.ready ? 1 : 0,
                            ts));
            out.add(
                    gauge(
                            "kube_pod_container_status_running",
                            "Describes whether the container is currently in running state.",
                            ksm,
                            sim.running ? 1 : 0,
                            ts));
            if (!sim.running) {
                out.add(
                        gauge(
                                "kube_pod_container_status_waiting_reason",
                                "Describes the reason the container is currently in waiting state.",
                                with(ksm, "reason", "CrashLoopBackOff"),
                                1,
                                ts));
            }
            if (sim.lastReason != null) {
                out.add(
                        gauge(
                                "kube_pod_container_status_last_terminated_reason",
                                "Describes the last reason the container was in terminated state.",
                                with(ksm, "reason", sim.lastReason),
                                1,
                                ts));
            }
            if (sim.app.behaviour().requestsPerSecond() > 0) {
                Map<String, String> http =
                        with(
                                base,
                                "job",
                                "demo-apps",
                                "instance",
                                sim.podIp + ":8080",
                                "method",
                                "GET");
                out.add(
                        counter(
                                "http_requests_total",
                                "HTTP requests served, by status code.",
                                with(http, "code", "200"),
                                Math.floor(sim.requestsOk),
                                ts));
                if (sim.app.behaviour().errorRatio() > 0) {
                    out.add(
                            counter(
                                    "http_requests_total",
                                    "HTTP requests served, by status code.",
                                    with(http, "code", "503"),
                                    Math.floor(sim.requestsFailed),
                                    ts));
                }
            }
        }
        for (DemoApp app : apps.values()) {
            Map<String, String> d =
                    Map.of(
                            "namespace",
                            namespace,
                            "deployment",
                            app.name(),
                            "job",
                            "kube-state-metrics",
                            "instance",
                            "kube-state-metrics:8080");
            Integer desired = desiredReplicas.get(app.name());
            if (desired != null) {
                out.add(
                        gauge(
                                "kube_deployment_spec_replicas",
                                "Number of desired pods for a deployment.",
                                d,
                                desired,
                                ts));
                out.add(
                        gauge(
                                "kube_deployment_status_replicas_available",
                                "The number of available replicas per deployment.",
                                d,
                                readyByApp.get(app.name()),
                                ts));
            }
            double[] m = maxima.get(app.name());
            AppStats s = stats.get(app.name());
            s.add(s.memory, Double.isNaN(m[0]) ? 0 : m[0]);
            s.add(s.cpu, Double.isNaN(m[1]) ? 0 : m[1]);
        }
        return out;
    }

    /** What happened to each app so far, in the apps' order. */
    synchronized List<AppSnapshot> snapshots(Map<String, Integer> desiredReplicas) {
        List<AppSnapshot> out = new ArrayList<>(apps.size());
        for (DemoApp app : apps.values()) {
            int ready = 0;
            int restarts = 0;
            long limit = 0;
            for (PodSim sim : pods.values()) {
                if (sim.app == app) {
                    ready += sim.ready ? 1 : 0;
                    restarts += sim.restartCount;
                    limit = Math.max(limit, sim.memoryLimitBytes);
                }
            }
            AppStats s = stats.get(app.name());
            out.add(
                    new AppSnapshot(
                            app.name(),
                            namespace,
                            app.role(),
                            app.fault(),
                            ready,
                            desiredReplicas.getOrDefault(app.name(), app.replicas()),
                            List.copyOf(s.memory),
                            List.copyOf(s.cpu),
                            limit == 0 ? app.memoryLimitBytes() : limit,
                            restarts,
                            s.oomKills,
                            s.oomKillsPrevented,
                            s.podsReplaced));
        }
        return out;
    }

    /** Pods of each app that run and are ready, by app. */
    synchronized Map<String, Integer> readyPods() {
        Map<String, Integer> ready = new LinkedHashMap<>();
        for (DemoApp app : apps.values()) {
            ready.put(app.name(), 0);
        }
        for (PodSim sim : pods.values()) {
            if (sim.ready) {
                ready.merge(sim.app.name(), 1, Integer::sum);
            }
        }
        return ready;
    }

    private List<PodSim> sorted() {
        List<PodSim> list = new ArrayList<>(pods.values());
        List<String> order = new ArrayList<>(apps.keySet());
        list.sort(
                java.util.Comparator.comparingInt((PodSim p) -> order.indexOf(p.app.name()))
                        .thenComparing(p -> p.name));
        return list;
    }

    // ------------------------------------------------------------------ helpers

    private long exponential(Duration mean) {
        return Math.max(1000L, Math.round(-Math.log(1 - random.nextDouble()) * mean.toMillis()));
    }

    private long jittered(Duration interval) {
        return Math.round(interval.toMillis() * (0.6 + 0.8 * random.nextDouble()));
    }

    private static Sample gauge(
            String name, String help, Map<String, String> labels, double v, long ts) {
        return new Sample(name, Sample.Type.GAUGE, help, labels, v, ts);
    }

    private static Sample counter(
            String name, String help, Map<String, String> labels, double v, long ts) {
        return new Sample(name, Sample.Type.COUNTER, help, labels, v, ts);
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> labels(Pod pod) {
        return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    }

    static Container container(Pod pod, String name) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return null;
        }
        for (Container c : pod.getSpec().getContainers()) {
            if (name.equals(c.getName())) {
                return c;
            }
        }
        return pod.getSpec().getContainers().isEmpty()
                ? null
                : pod.getSpec().getContainers().get(0);
    }

    /** A container's limit or request in base units (bytes, cores); 0 when unset. */
    static BigDecimal quantity(Container c, String section, String resource) {
        if (c.getResources() == null) {
            return BigDecimal.ZERO;
        }
        Map<String, Quantity> m =
                "limits".equals(section)
                        ? c.getResources().getLimits()
                        : c.getResources().getRequests();
        Quantity q = m == null ? null : m.get(resource);
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }

    private static Quantity cpu(double cores) {
        return new Quantity(Math.round(cores * 1000) + "m");
    }

    private static String iso(long ms) {
        return Instant.ofEpochMilli(ms)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString();
    }

    /** Counts and history of one app. */
    private static final class AppStats {
        final Deque<Double> memory = new ArrayDeque<>();
        final Deque<Double> cpu = new ArrayDeque<>();
        int oomKills;
        int oomKillsPrevented;
        int podsReplaced;

        void add(Deque<Double> history, double v) {
            history.addLast(v);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    /** One pod on the node and its one container. */
    private final class PodSim {
        final String uid;
        final String name;
        final DemoApp app;
        final String container;
        final long createdMs;
        final String podIp;
        final double startJitterBytes;
        final double rateFactor;
        Pod pod;
        long memoryLimitBytes;
        long memoryRequestBytes;
        double cpuLimitCores;
        double cpuRequestCores;
        boolean running;
        boolean ready;
        long readyChangedMs;
        long containerStartMs;
        String containerId = "";
        int restartCount;
        String lastReason;
        int lastExitCode;
        long lastStartedMs;
        long lastFinishedMs;
        String lastContainerId;
        long lastCrashMs;
        int quickCrashes;
        long waitingUntilMs;
        long backOffMs;
        long lastBackOffEventMs;
        long nextRandomCrashMs;
        long nextUnhealthyMs;
        long notReadyUntilMs;
        double memoryBytes;
        double cpuCores;
        double cpuSecondsTotal;
        double requestsOk;
        double requestsFailed;
        boolean raisedInTime;
        String written;

        PodSim(Pod pod, DemoApp app, long nowMs) {
            this.pod = pod;
            this.uid = pod.getMetadata().getUid();
            this.name = pod.getMetadata().getName();
            this.app = app;
            Container c = container(pod, DemoApp.CONTAINER);
            this.container = c == null ? DemoApp.CONTAINER : c.getName();
            this.createdMs = nowMs;
            this.readyChangedMs = nowMs;
            this.podIp = "10.244.0." + (2 + (podIps++ % 250));
            this.startJitterBytes = (random.nextDouble() - 0.5) * 8 * SimulationSettings.MIB;
            this.rateFactor = 0.95 + 0.1 * random.nextDouble();
            if (c != null) {
                memoryLimitBytes = quantity(c, "limits", "memory").longValue();
                cpuLimitCores = quantity(c, "limits", "cpu").doubleValue();
                memoryRequestBytes = quantity(c, "requests", "memory").longValue();
                cpuRequestCores = quantity(c, "requests", "cpu").doubleValue();
            }
        }
    }
}

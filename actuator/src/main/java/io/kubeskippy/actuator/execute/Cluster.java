package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.DeleteAction;
import io.kubeskippy.model.serde.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actuator's only access to targets: reads for observing and verifying, and the few writes the
 * executors make. Every write is one of a closed set (delete a pod with a uid precondition, merge
 * patch, JSON patch with test operations, scale), so nothing else can ever be changed.
 *
 * <p>Owners (ReplicaSets and workloads of a pod) are cached for {@link #OWNER_TTL}; targets are
 * always read live. Whether the server resizes pods in place is learnt from discovery, as kubectl
 * does, and remembered.
 */
public final class Cluster {

    /** How long an owner read stays fresh: many findings about one workload come in bursts. */
    public static final Duration OWNER_TTL = Duration.ofSeconds(2);

    static final Duration DISCOVERY_TTL = Duration.ofMinutes(10);

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Cached<LiveObject>> owners = new ConcurrentHashMap<>();
    private final Map<String, Cached<List<HorizontalPodAutoscaler>>> hpas =
            new ConcurrentHashMap<>();
    private volatile Cached<Boolean> resize;
    private volatile Instant metricsUnavailableUntil = Instant.MIN;

    private record Cached<T>(T value, Instant until) {}

    public Cluster(KubernetesClient client, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ reads

    /** The object, or null when it does not exist. */
    public LiveObject get(TargetKind kind, String namespace, String name) {
        HasMetadata object = resource(kind, namespace, name).get();
        return object == null ? null : new LiveObject(kind, object);
    }

    /** An owner, read at most every {@link #OWNER_TTL}; null when it does not exist. */
    public LiveObject owner(TargetKind kind, String namespace, String name) {
        String key = kind + "/" + namespace + "/" + name;
        Instant now = clock.instant();
        Cached<LiveObject> cached = owners.get(key);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.value();
        }
        LiveObject value = get(kind, namespace, name);
        owners.put(key, new Cached<>(value, now.plus(OWNER_TTL)));
        if (owners.size() > 10_000) {
            owners.values().removeIf(c -> !now.isBefore(c.until()));
        }
        return value;
    }

    /** The pods of {@code namespace} with all of {@code labels}. */
    public List<LiveObject> pods(String namespace, Map<String, String> labels) {
        List<LiveObject> pods = new ArrayList<>();
        for (Pod pod : client.pods().inNamespace(namespace).withLabels(labels).list().getItems()) {
            pods.add(new LiveObject(TargetKind.POD, pod));
        }
        return pods;
    }

    /**
     * The HPA whose scaleTargetRef is {@code workload}, or null. A namespace's HPAs are read at
     * most every {@link #OWNER_TTL}, like owners; applying a change reads the HPA itself again.
     */
    public HorizontalPodAutoscaler hpaFor(LiveObject workload) {
        String namespace = workload.namespace();
        Instant now = clock.instant();
        Cached<List<HorizontalPodAutoscaler>> cached = hpas.get(namespace);
        if (cached == null || !now.isBefore(cached.until())) {
            cached =
                    new Cached<>(
                            client.autoscaling()
                                    .v2()
                                    .horizontalPodAutoscalers()
                                    .inNamespace(namespace)
                                    .list()
                                    .getItems(),
                            now.plus(OWNER_TTL));
            hpas.put(namespace, cached);
        }
        for (HorizontalPodAutoscaler hpa : cached.value()) {
            var ref = hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
            if (ref != null
                    && workload.kind().kind().equals(ref.getKind())
                    && workload.name().equals(ref.getName())) {
                return hpa;
            }
        }
        return null;
    }

    public HorizontalPodAutoscaler hpa(String namespace, String name) {
        return client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /**
     * Whether the server has the {@code pods/resize} subresource (in-place resize, Kubernetes
     * 1.33+), from API discovery; remembered for ten minutes. A server that does not answer
     * discovery does not have it.
     */
    public boolean resizeSupported() {
        Instant now = clock.instant();
        Cached<Boolean> cached = resize;
        if (cached != null && now.isBefore(cached.until())) {
            return cached.value();
        }
        boolean supported = false;
        try {
            APIResourceList list = client.getApiResources("v1");
            if (list != null && list.getResources() != null) {
                for (APIResource r : list.getResources()) {
                    if ("pods/resize".equals(r.getName())) {
                        supported = true;
                        break;
                    }
                }
            }
        } catch (KubernetesClientException e) {
            supported = false;
        }
        resize = new Cached<>(supported, now.plus(DISCOVERY_TTL));
        return supported;
    }

    /**
     * Memory in use per container, from the metrics API (metrics-server); empty when the cluster
     * has none, which is then not asked again for ten minutes.
     */
    public Map<String, Long> memoryUsage(String namespace, String pod) {
        Instant now = clock.instant();
        if (now.isBefore(metricsUnavailableUntil)) {
            return Map.of();
        }
        try {
            PodMetrics metrics = client.top().pods().metrics(namespace, pod);
            Map<String, Long> usage = new LinkedHashMap<>();
            if (metrics != null && metrics.getContainers() != null) {
                for (ContainerMetrics c : metrics.getContainers()) {
                    var memory = c.getUsage() == null ? null : c.getUsage().get("memory");
                    if (memory != null) {
                        usage.put(
                                c.getName(),
                                io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(memory)
                                        .longValue());
                    }
                }
            }
            return usage;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 503) {
                metricsUnavailableUntil = now.plus(DISCOVERY_TTL);
            }
            return Map.of();
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Deletes a pod, only if it still has {@code uid} (a precondition: a pod recreated under the
     * same name is never deleted by mistake).
     *
     * @return false when the pod was gone already
     */
    public boolean deletePod(String namespace, String name, String uid, DeleteAction options) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "DeleteOptions");
        body.put("apiVersion", "v1");
        body.put("gracePeriodSeconds", options.force() ? 0 : options.gracePeriodSeconds());
        if (options.propagationPolicy() != null) {
            body.put(
                    "propagationPolicy",
                    switch (options.propagationPolicy()) {
                        case ORPHAN -> "Orphan";
                        case BACKGROUND -> "Background";
                        case FOREGROUND -> "Foreground";
                    });
        }
        if (uid != null) {
            body.put("preconditions", Map.of("uid", uid));
        }
        String url = url("api/v1/namespaces/" + namespace + "/pods/" + name);
        try {
            client.raw(url, "DELETE", json(body));
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** A JSON merge patch (RFC 7386) of the object. */
    public void mergePatch(TargetKind kind, String namespace, String name, String patch) {
        owners.remove(kind + "/" + namespace + "/" + name);
        resource(kind, namespace, name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    /**
     * A JSON patch (RFC 6902) of the object, or of its {@code subresource} (e.g. {@code resize});
     * its {@code test} operations make it fail when the object changed since it was read.
     */
    public void jsonPatch(
            TargetKind kind, String namespace, String name, String subresource, String patch) {
        owners.remove(kind + "/" + namespace + "/" + name);
        Resource<? extends HasMetadata> r = resource(kind, namespace, name);
        if (subresource != null) {
            r.subresource(subresource).patch(PatchContext.of(PatchType.JSON), patch);
        } else {
            r.patch(PatchContext.of(PatchType.JSON), patch);
        }
    }

    /**
     * Sets a workload's replicas through its scale subresource; a server without it (404, 405) gets
     * a merge patch of spec.replicas.
     */
    public void scale(TargetKind kind, String namespace, String name, int replicas) {
        owners.remove(kind + "/" + namespace + "/" + name);
        try {
            resource(kind, namespace, name).scale(replicas);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 405) {
                throw e;
            }
            mergePatch(kind, namespace, name, "{\"spec\":{\"replicas\":" + replicas + "}}");
        }
    }

    /** A JSON merge patch of an HPA. */
    public void mergePatchHpa(String namespace, String name, String patch) {
        hpas.remove(namespace);
        client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .withName(name)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private Resource<? extends HasMetadata> resource(
            TargetKind kind, String namespace, String name) {
        return switch (kind) {
            case POD -> client.pods().inNamespace(namespace).withName(name);
            case DEPLOYMENT -> client.apps().deployments().inNamespace(namespace).withName(name);
            case STATEFUL_SET -> client.apps().statefulSets().inNamespace(namespace).withName(name);
            case DAEMON_SET -> client.apps().daemonSets().inNamespace(namespace).withName(name);
            case REPLICA_SET -> client.apps().replicaSets().inNamespace(namespace).withName(name);
        };
    }

    private String url(String path) {
        String base = client.getMasterUrl().toString();
        return base.endsWith("/") ? base + path : base + "/" + path;
    }

    static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
